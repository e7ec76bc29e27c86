"""Writes on third-party spot checks, satisfaction surveys and tenant profiles (patrol
inspections are in services/inspections.py)."""

from datetime import date, timedelta
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from parkos.accounts.selectors import Role, user_enterprise_ids
from parkos.core.errors import Conflict, Forbidden, ValidationFailed
from parkos.property import permissions
from parkos.property.errors import PropertyError
from parkos.property.models import (
    Finding,
    PropertyCompany,
    Severity,
    SpotCheck,
    Survey,
    SurveyResponse,
    TenantProfile,
)
from parkos.property.workflows import FINDING, FINDING_ACTION_FOR_STATUS


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
    """The company reports a rectification (or that the finding is open again); the park
    operator closes it. Each follow-up is kept on the finding."""
    finding = (
        Finding.objects.select_for_update(of=("self",))
        .select_related("spot_check__company")
        .filter(pk=finding_id)
        .first()
    )
    if finding is None:
        from django.http import Http404

        raise Http404
    action = FINDING_ACTION_FOR_STATUS.get(status)
    if action is None:
        raise ValidationFailed.for_field("status", _("Choose one of the listed values."))
    if FINDING.allows(finding, action) and not FINDING.may(finding, action, actor):
        raise Forbidden(
            _("Only the park operator closes a finding.")
            if action == "close"
            else _("You are not allowed to do this.")
        )
    return FINDING.fire(finding, action, actor=actor, note=(note or "")[:1000], lock=False)


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
        raise Conflict(_("This survey is not open."), code=PropertyError.SURVEY_CLOSED)
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
            _("Your enterprise has answered this survey already."),
            code=PropertyError.ALREADY_ANSWERED,
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
