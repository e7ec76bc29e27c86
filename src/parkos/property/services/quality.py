"""Writes on inspections, third-party spot checks, satisfaction surveys and tenant profiles."""

from datetime import date, timedelta
from decimal import Decimal, InvalidOperation

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from parkos.accounts.models import Role
from parkos.accounts.selectors import user_enterprise_ids
from parkos.core.errors import Conflict, Forbidden, ValidationFailed
from parkos.property import permissions
from parkos.property.models import (
    Category,
    Finding,
    FindingStatus,
    Frequency,
    InspectionRound,
    InspectionSchedule,
    Priority,
    PropertyCompany,
    RoundStatus,
    Severity,
    SpotCheck,
    Survey,
    SurveyResponse,
    TenantProfile,
    Ticket,
    TicketEvent,
    TicketKind,
    TicketSource,
)


def _due_on(frequency: str, day: date) -> bool:
    if frequency == Frequency.DAILY:
        return True
    if frequency == Frequency.WEEKLY:
        return day.weekday() == 0
    return day.day == 1


def rounds_generate(*, day: date | None = None) -> int:
    """Patrol rounds due `day` for every active schedule; running it twice adds nothing."""
    day = day or timezone.localdate()
    created = 0
    for schedule in InspectionSchedule.objects.filter(active=True).select_related(
        "template", "technician"
    ):
        if not _due_on(schedule.frequency, day):
            continue
        _round, made = InspectionRound.objects.get_or_create(
            schedule=schedule,
            due_date=day,
            defaults={
                "template": schedule.template,
                "company_id": schedule.template.company_id,
                "technician": schedule.technician,
                "building": schedule.building,
                "items_total": len(schedule.template.items),
            },
        )
        created += made
    InspectionRound.objects.filter(status=RoundStatus.PENDING, due_date__lt=day).update(
        status=RoundStatus.MISSED
    )
    return created


def _item_result(item: dict, answer: dict) -> dict:
    key = item["key"]
    if item.get("kind") == "value":
        raw = answer.get("value")
        try:
            value = Decimal(str(raw))
        except (InvalidOperation, ValueError) as bad:
            raise ValidationFailed.for_field(key, _("Enter a number.")) from bad
        if not value.is_finite():
            raise ValidationFailed.for_field(key, _("Enter a number."))
        low, high = item.get("min"), item.get("max")
        passed = (low is None or value >= Decimal(str(low))) and (
            high is None or value <= Decimal(str(high))
        )
        return {"key": key, "value": str(value), "passed": passed, "note": answer.get("note", "")}
    if "passed" not in answer or not isinstance(answer["passed"], bool):
        raise ValidationFailed.for_field(key, _("Mark this item pass or fail."))
    return {"key": key, "passed": answer["passed"], "note": str(answer.get("note", ""))[:500]}


@transaction.atomic
def round_submit(*, actor, round_id, answers: dict) -> InspectionRound:
    """Record a patrol round; each failed item opens a ticket with the finding."""
    rnd = (
        InspectionRound.objects.select_for_update(of=("self",))
        .select_related("template", "technician", "company", "building")
        .filter(pk=round_id)
        .first()
    )
    if rnd is None or rnd.technician.user_id != actor.pk:
        raise Forbidden(_("This round is assigned to someone else."), code="not_assignee")
    if rnd.status == RoundStatus.DONE:
        raise Conflict(_("This round has been recorded already."), code="already_done")
    results = [_item_result(item, answers.get(item["key"], {})) for item in rnd.template.items]
    now = timezone.now()
    rnd.results, rnd.status, rnd.completed_at = results, RoundStatus.DONE, now
    rnd.items_total = len(results)
    rnd.items_failed = sum(1 for r in results if not r["passed"])
    rnd.save()
    items = {item["key"]: item for item in rnd.template.items}
    for result in results:
        if not result["passed"]:
            _finding_ticket(rnd, items[result["key"]], result, now)
    return rnd


def _finding_ticket(rnd: InspectionRound, item: dict, result: dict, now) -> None:
    from parkos.property.services.tickets import _new_number, _route, _set_deadlines

    detail = result.get("note") or ""
    if "value" in result:
        detail = f"{_('reading')} {result['value']} {detail}".strip()
    ticket = Ticket(
        number=_new_number(now),
        company=rnd.company,
        building=rnd.building,
        source=TicketSource.INSPECTION,
        source_ref=f"{rnd.id}:{item['key']}",
        kind=TicketKind.REPAIR,
        category=item.get("category") or Category.OTHER,
        title=_("Inspection finding: %(item)s") % {"item": item["label"]},
        description=f"{rnd.template.name} · {item['label']} · {detail}".strip(" ·"),
        priority=Priority.HIGH,
        created_at=now,
    )
    _set_deadlines(ticket)
    ticket.save()
    TicketEvent.objects.create(
        ticket=ticket,
        at=now,
        kind="created",
        to_status=ticket.status,
        data={"source": "inspection", "round": str(rnd.id)},
    )
    _route(ticket, at=now)


@transaction.atomic
def spot_check_record(
    *,
    actor,
    company: PropertyCompany,
    inspector: str,
    checked_on: date,
    findings: list[dict],
    notes: str = "",
) -> SpotCheck:
    permissions.require_operator(actor, company.park_id)
    inspector = (inspector or "").strip()
    if not inspector:
        raise ValidationFailed.for_field("inspector", _("This field is required."))
    check = SpotCheck.objects.create(
        company=company,
        inspector=inspector[:100],
        checked_on=checked_on,
        notes=(notes or "")[:2000],
        recorded_by=actor,
    )
    for index, raw in enumerate(findings):
        severity = raw.get("severity", "")
        if severity not in Severity.values:
            raise ValidationFailed.for_field(
                f"findings.{index}.severity", _("Choose one of the listed values.")
            )
        description = (raw.get("description") or "").strip()
        if not description:
            raise ValidationFailed.for_field(
                f"findings.{index}.description", _("Describe the finding.")
            )
        deadline = raw.get("deadline") or checked_on + timedelta(days=7)
        if deadline < checked_on:
            raise ValidationFailed.for_field(
                f"findings.{index}.deadline", _("The deadline is before the check.")
            )
        Finding.objects.create(
            spot_check=check, severity=severity, description=description[:2000], deadline=deadline
        )
    return check


@transaction.atomic
def finding_follow_up(*, actor, finding_id, status: str, note: str = "") -> Finding:
    finding = (
        Finding.objects.select_for_update(of=("self",))
        .select_related("spot_check__company")
        .filter(pk=finding_id)
        .first()
    )
    if finding is None:
        from django.http import Http404

        raise Http404
    company = finding.spot_check.company
    is_staff = str(company.id) in permissions.company_ids(
        actor, Role.PROPERTY_MANAGER, Role.DISPATCHER
    )
    is_operator = permissions.can_manage_park(actor, company.park_id) and permissions.is_operator(
        actor
    )
    if status not in FindingStatus.values:
        raise ValidationFailed.for_field("status", _("Choose one of the listed values."))
    # The company reports the rectification; only the operator closes a finding.
    if status == FindingStatus.CLOSED and not is_operator:
        raise Forbidden(_("Only the park operator closes a finding."))
    if not (is_staff or is_operator):
        raise Forbidden(_("You are not allowed to do this."))
    if finding.status == FindingStatus.CLOSED:
        raise Conflict(_("This finding is closed."), code="closed")
    now = timezone.now()
    finding.status = status
    finding.follow_ups = [
        *finding.follow_ups,
        {"at": now.isoformat(), "by": str(actor), "status": status, "note": (note or "")[:1000]},
    ]
    finding.closed_at = now if status == FindingStatus.CLOSED else None
    finding.save()
    return finding


@transaction.atomic
def survey_send(
    *, actor, park, title: str, questions: list[dict], opens_on: date, closes_on: date, zones=()
) -> Survey:
    permissions.require_operator(actor, park.id)
    title = (title or "").strip()
    if not title:
        raise ValidationFailed.for_field("title", _("This field is required."))
    if closes_on < opens_on:
        raise ValidationFailed.for_field("closes_on", _("The survey closes before it opens."))
    cleaned = []
    for index, q in enumerate(questions or []):
        if q.get("kind") not in ("rating", "text") or not str(q.get("label", "")).strip():
            raise ValidationFailed.for_field(
                f"questions.{index}", _("Each question needs a label and a kind.")
            )
        cleaned.append(
            {
                "key": q.get("key") or f"q{index + 1}",
                "label": str(q["label"])[:200],
                "kind": q["kind"],
            }
        )
    if not any(q["kind"] == "rating" for q in cleaned):
        raise ValidationFailed.for_field("questions", _("Ask at least one rating question."))
    survey = Survey.objects.create(
        park=park,
        title=title[:200],
        questions=cleaned,
        opens_on=opens_on,
        closes_on=closes_on,
        created_by=actor,
    )
    survey.zones.set(zones)
    return survey


def survey_answer(*, actor, survey: Survey, enterprise, answers: dict) -> SurveyResponse:
    """One answer per enterprise, given by one of its members while the survey is open."""
    if enterprise.id not in user_enterprise_ids(actor):
        raise Forbidden(_("Answer for your own enterprise."))
    today = timezone.localdate()
    if not survey.opens_on <= today <= survey.closes_on:
        raise Conflict(_("This survey is not open."), code="closed")
    from parkos.property.selectors import enterprise_company

    company = enterprise_company(enterprise_id=enterprise.id)
    zone_ids = set(survey.zones.values_list("id", flat=True))
    if company is None or (zone_ids and company.zone_id not in zone_ids):
        raise Forbidden(_("This survey was not sent to your enterprise."))
    cleaned, ratings = {}, []
    for q in survey.questions:
        value = answers.get(q["key"])
        if q["kind"] == "rating":
            try:
                value = int(value)
            except (TypeError, ValueError):
                value = 0
            if not 1 <= value <= 5:
                raise ValidationFailed.for_field(q["key"], _("Give a rating from 1 to 5."))
            ratings.append(value)
        else:
            value = str(value or "")[:1000]
        cleaned[q["key"]] = value
    try:
        with transaction.atomic():
            return SurveyResponse.objects.create(
                survey=survey,
                enterprise=enterprise,
                company=company,
                answers=cleaned,
                average_rating=(Decimal(sum(ratings)) / len(ratings)).quantize(Decimal("0.01")),
                answered_by=actor,
                answered_at=timezone.now(),
            )
    except IntegrityError as twice:
        raise Conflict(
            _("Your enterprise has answered this survey already."), code="already_answered"
        ) from twice


@transaction.atomic
def tenant_profile_update(
    *,
    actor,
    enterprise,
    consent: bool,
    vehicles=(),
    parking_spaces="",
    usual_hours="",
    preferences="",
) -> TenantProfile:
    if enterprise.id not in user_enterprise_ids(actor, roles=(Role.ENTERPRISE_ADMIN,)):
        raise Forbidden(_("Only the enterprise's admin edits its profile."))
    plates = [str(p).strip().upper()[:12] for p in vehicles if str(p).strip()]
    if len(plates) > 50:
        raise ValidationFailed.for_field("vehicles", _("At most 50 vehicles."))
    profile, _created = TenantProfile.objects.select_for_update(of=("self",)).get_or_create(
        enterprise=enterprise
    )
    profile.consent = bool(consent)
    profile.consent_at = timezone.now() if consent else None
    if consent:
        profile.vehicles = plates
        profile.parking_spaces = (parking_spaces or "")[:200]
        profile.usual_hours = (usual_hours or "")[:200]
        profile.preferences = (preferences or "")[:2000]
    else:
        # Withdrawing consent withdraws the data with it.
        profile.vehicles, profile.parking_spaces, profile.usual_hours, profile.preferences = (
            [],
            "",
            "",
            "",
        )
    profile.updated_by = actor
    profile.save()
    return profile
