"""Patrol inspections: checklists (templates), their schedules, the rounds the schedules
generate, and a technician's record of a round. A failed item opens a ticket with the finding.

Templates and schedules are planned by the company's property manager or the park operator
(permissions.can_plan_inspections); every change is audited."""

import logging
import re
import uuid
from datetime import date
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.db.models import Prefetch
from django.utils import timezone
from django.utils.translation import gettext as _

from parkos.core.audit import audit_record, diff
from parkos.core.errors import FieldErrors, Forbidden, ValidationFailed
from parkos.property import permissions
from parkos.property.errors import PropertyError
from parkos.property.events import ticket_event_record
from parkos.property.models import (
    Category,
    Frequency,
    InspectionRound,
    InspectionSchedule,
    InspectionTemplate,
    ItemKind,
    Priority,
    PropertyCompany,
    RoundStatus,
    Technician,
    Ticket,
    TicketKind,
    TicketSource,
)
from parkos.property.workflows import ROUND

logger = logging.getLogger(__name__)

MAX_ITEMS = 100
MAX_TECHNICIANS = 50
# Readings beyond this are typing mistakes, and JSON keeps them exactly below it.
MAX_READING = Decimal(10) ** 9
KEY = re.compile(r"^[A-Za-z0-9_-]{1,40}$")
SCHEDULE_FIELDS = ("template", "frequency", "technicians", "building", "zone", "active")


# Templates


def _reading_bound(errors: FieldErrors, field: str, raw) -> int | float | None:
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return None
    if isinstance(raw, bool):
        errors.add(field, _("Enter a number."))
        return None
    try:
        value = Decimal(str(raw).strip())
    except InvalidOperation:
        errors.add(field, _("Enter a number."))
        return None
    if not value.is_finite() or abs(value) >= MAX_READING:
        errors.add(field, _("Enter a number."))
        return None
    return int(value) if value == value.to_integral_value() else float(value)


def _clean_items(errors: FieldErrors, items) -> list[dict]:
    if not isinstance(items, list | tuple) or not items:
        errors.add("items", _("A checklist needs at least one item."))
        return []
    if len(items) > MAX_ITEMS:
        errors.add("items", _("A checklist has at most %(max)d items.") % {"max": MAX_ITEMS})
        return []
    given = {str(raw.get("key") or "").strip() for raw in items if isinstance(raw, dict)}
    seen: set[str] = set()
    cleaned = []
    for index, raw in enumerate(items):
        field = f"items.{index}"
        if not isinstance(raw, dict):
            errors.add(field, _("Each item needs a label and a kind."))
            continue
        label = str(raw.get("label") or "").strip()
        if not label:
            errors.add(f"{field}.label", _("Give the item a label."))
        elif len(label) > 200:
            errors.add(f"{field}.label", _("At most 200 characters."))
        kind = raw.get("kind") or ItemKind.CHECK
        if kind not in ItemKind.values:
            errors.add(f"{field}.kind", _("Choose one of the listed values."))
        category = raw.get("category") or ""
        if category and category not in Category.values:
            errors.add(f"{field}.category", _("Choose one of the listed values."))
        key = str(raw.get("key") or "").strip()
        if not key:
            # A fresh random key: reusing a removed item's key would pair the answers
            # recorded for it with a different question.
            key = uuid.uuid4().hex[:8]
            while key in given:
                key = uuid.uuid4().hex[:8]
        if not KEY.match(key):
            errors.add(f"{field}.key", _("A key uses letters, digits, - and _ only."))
        elif key in seen:
            errors.add(f"{field}.key", _("Two items have the same key."))
        seen.add(key)
        item = {"key": key, "label": label, "kind": kind, "category": category}
        if kind == ItemKind.VALUE:
            low = _reading_bound(errors, f"{field}.min", raw.get("min"))
            high = _reading_bound(errors, f"{field}.max", raw.get("max"))
            unreadable = any(f"{field}.{bound}" in errors.fields for bound in ("min", "max"))
            if low is None and high is None and not unreadable:
                errors.add(
                    f"{field}.min",
                    _(
                        "A reading needs its expected range: a lowest value, a highest value "
                        "or both."
                    ),
                )
            elif low is not None and high is not None and low > high:
                errors.add(f"{field}.max", _("The highest value is below the lowest."))
            unit = str(raw.get("unit") or "").strip()
            if len(unit) > 20:
                errors.add(f"{field}.unit", _("At most 20 characters."))
            item.update({"min": low, "max": high, "unit": unit})
        cleaned.append(item)
    return cleaned


def _clean_name(errors: FieldErrors, company: PropertyCompany, name, *, exclude=None) -> str:
    name = str(name or "").strip()
    if not name:
        errors.add("name", _("This field is required."))
    elif len(name) > 100:
        errors.add("name", _("At most 100 characters."))
    else:
        same = InspectionTemplate.objects.filter(company=company, name=name)
        if exclude is not None:
            same = same.exclude(pk=exclude.pk)
        if same.exists():
            errors.add(
                "name", _("%(company)s has a checklist of this name.") % {"company": company}
            )
    return name


@transaction.atomic
def inspection_template_create(
    *, actor, company: PropertyCompany, name: str, items: list[dict]
) -> InspectionTemplate:
    permissions.require_inspection_planner(actor, company)
    errors = FieldErrors()
    name = _clean_name(errors, company, name)
    cleaned = _clean_items(errors, items)
    errors.raise_if_any()
    template = InspectionTemplate.objects.create(company=company, name=name, items=cleaned)
    audit_record(
        actor=actor,
        action="property.inspection_template_create",
        instance=template,
        changes={"company": str(company.id), "name": name, "items": cleaned},
        park_id=company.park_id,
    )
    return template


@transaction.atomic
def inspection_template_update(
    *, actor, template: InspectionTemplate, name: str | None = None, items: list | None = None
) -> InspectionTemplate:
    """Rename a checklist or replace its items; rounds not yet walked follow the new list,
    recorded rounds keep what was answered."""
    template = (
        InspectionTemplate.objects.select_for_update(of=("self",))
        .select_related("company")
        .get(pk=template.pk)
    )
    company = template.company
    permissions.require_inspection_planner(actor, company)
    before = {"name": template.name, "items": template.items}
    errors = FieldErrors()
    if name is not None:
        template.name = _clean_name(errors, company, name, exclude=template)
    if items is not None:
        template.items = _clean_items(errors, items)
    errors.raise_if_any()
    changes = diff(before, {"name": template.name, "items": template.items})
    if not changes:
        return template
    template.save(update_fields=["name", "items"])
    InspectionRound.objects.filter(template=template, status=RoundStatus.PENDING).update(
        items_total=len(template.items)
    )
    audit_record(
        actor=actor,
        action="property.inspection_template_update",
        instance=template,
        changes=changes,
        park_id=company.park_id,
    )
    return template


# Schedules


def _check_schedule(
    errors: FieldErrors,
    company: PropertyCompany,
    *,
    frequency,
    technicians,
    building,
    zone,
    kept=frozenset(),
) -> None:
    """`kept`: technicians already on the schedule; one who has left since stays on it
    (the rotation skips them) rather than blocking every other change."""
    if frequency not in Frequency.values:
        errors.add("frequency", _("Choose one of the listed values."))
    if zone is not None and zone.pk != company.zone_id:
        errors.add(
            "zone",
            _("%(zone)s is run by another property company; %(company)s runs %(own)s.")
            % {"zone": zone.name, "company": company.name, "own": company.zone.name},
        )
    if building is not None and building.zone_id != company.zone_id:
        errors.add(
            "building",
            _("%(building)s is not in %(zone)s, the zone of %(company)s.")
            % {"building": building.name, "zone": company.zone.name, "company": company.name},
        )
    if not technicians:
        errors.add("technicians", _("Assign at least one technician."))
    elif len(technicians) > MAX_TECHNICIANS:
        errors.add("technicians", _("At most %(max)d technicians.") % {"max": MAX_TECHNICIANS})
    for technician in technicians:
        if technician.company_id != company.id:
            errors.add(
                "technicians",
                _("%(name)s does not work for %(company)s.")
                % {"name": technician, "company": company.name},
            )
        elif not technician.active and technician.pk not in kept:
            errors.add("technicians", _("%(name)s is no longer active.") % {"name": technician})


def _schedule_state(schedule: InspectionSchedule, technicians) -> dict:
    return {
        "template": str(schedule.template_id),
        "frequency": schedule.frequency,
        "technicians": sorted(str(t.pk) for t in technicians),
        "building": str(schedule.building_id) if schedule.building_id else None,
        "active": schedule.active,
    }


@transaction.atomic
def inspection_schedule_create(
    *,
    actor,
    template: InspectionTemplate,
    frequency: str,
    technicians,
    building=None,
    zone=None,
    active: bool = True,
) -> InspectionSchedule:
    """Rounds of `template` every day, week (Mondays) or month (the 1st), in one building or,
    without one, the whole zone; several technicians take them in turn."""
    company = template.company
    permissions.require_inspection_planner(actor, company)
    technicians = list(technicians or [])
    errors = FieldErrors()
    _check_schedule(
        errors,
        company,
        frequency=frequency,
        technicians=technicians,
        building=building,
        zone=zone,
    )
    errors.raise_if_any()
    schedule = InspectionSchedule.objects.create(
        template=template, building=building, frequency=frequency, active=bool(active)
    )
    schedule.technicians.set(technicians)
    _round_today(schedule, technicians)
    audit_record(
        actor=actor,
        action="property.inspection_schedule_create",
        instance=schedule,
        changes=_schedule_state(schedule, technicians),
        park_id=company.park_id,
    )
    return schedule


@transaction.atomic
def inspection_schedule_update(*, actor, schedule: InspectionSchedule, **changes):
    """Change some of SCHEDULE_FIELDS (`building=None` is the whole zone). Rounds generated
    and not yet walked follow the change; recorded and missed rounds stay as they were."""
    unknown = set(changes) - set(SCHEDULE_FIELDS)
    if unknown:
        raise TypeError(f"unknown schedule fields: {sorted(unknown)}")
    schedule = (
        InspectionSchedule.objects.select_for_update(of=("self",))
        .select_related("template__company__zone")
        .get(pk=schedule.pk)
    )
    company = schedule.template.company
    permissions.require_inspection_planner(actor, company)
    current = list(schedule.technicians.select_related("user"))
    before = _schedule_state(schedule, current)
    errors = FieldErrors()
    template = changes.get("template", schedule.template)
    if template.company_id != company.id:
        errors.add("template", _("Choose a checklist of %(company)s.") % {"company": company})
    technicians = list(changes["technicians"] or []) if "technicians" in changes else current
    building = changes.get("building", schedule.building)
    _check_schedule(
        errors,
        company,
        frequency=changes.get("frequency", schedule.frequency),
        technicians=technicians,
        building=building,
        zone=changes.get("zone"),
        kept={t.pk for t in current},
    )
    errors.raise_if_any()
    schedule.template = template
    schedule.frequency = changes.get("frequency", schedule.frequency)
    schedule.building = building
    if "active" in changes:
        schedule.active = bool(changes["active"])
    schedule.save(update_fields=["template", "frequency", "building", "active"])
    if "technicians" in changes:
        schedule.technicians.set(technicians)
    after = _schedule_state(schedule, technicians)
    delta = diff(before, after)
    if delta:
        _follow_schedule(schedule, technicians)
        _round_today(schedule, technicians)
        audit_record(
            actor=actor,
            action="property.inspection_schedule_update",
            instance=schedule,
            changes=delta,
            park_id=company.park_id,
        )
    return schedule


def _follow_schedule(schedule: InspectionSchedule, technicians) -> None:
    for rnd in InspectionRound.objects.select_for_update().filter(
        schedule=schedule, status=RoundStatus.PENDING
    ):
        technician = schedule.technician_for(rnd.due_date, technicians) or rnd.technician
        rnd.template = schedule.template
        rnd.items_total = len(schedule.template.items)
        rnd.building = schedule.building
        rnd.technician = technician
        rnd.save(update_fields=["template", "items_total", "building", "technician"])


# Rounds


def _round_open(schedule: InspectionSchedule, day: date, technician) -> bool:
    _round, made = InspectionRound.objects.get_or_create(
        schedule=schedule,
        due_date=day,
        defaults={
            "template": schedule.template,
            "company_id": schedule.template.company_id,
            "technician": technician,
            "building": schedule.building,
            "items_total": len(schedule.template.items),
        },
    )
    return made


def _round_today(schedule: InspectionSchedule, technicians) -> None:
    """A schedule saved after the morning's generation still has its round today: the
    manager who plans a daily check at ten expects it walked today, as the page says."""
    today = timezone.localdate()
    if not schedule.active or not schedule.is_due(today):
        return
    technician = schedule.technician_for(today, technicians)
    if technician is not None:
        _round_open(schedule, today, technician)


def rounds_generate(*, day: date | None = None) -> int:
    """Patrol rounds due `day` for every active schedule; running it twice adds nothing.
    Rounds left pending from earlier days are marked missed."""
    day = day or timezone.localdate()
    created = 0
    schedules = (
        InspectionSchedule.objects.filter(active=True)
        .select_related("template")
        .prefetch_related(
            Prefetch("technicians", queryset=Technician.objects.select_related("user"))
        )
    )
    for schedule in schedules:
        if not schedule.is_due(day):
            continue
        technician = schedule.technician_for(day, schedule.technicians.all())
        if technician is None:
            logger.warning("inspection schedule %s has no active technician", schedule.pk)
            continue
        created += _round_open(schedule, day, technician)
    # The workflow's "miss", for every late round at once: nobody is told, nothing else changes.
    InspectionRound.objects.filter(status__in=ROUND.sources("miss"), due_date__lt=day).update(
        status=ROUND.target("miss")
    )
    return created


FINDING_NOTE_MAX = 500


def _finding_note(key: str, answer: dict) -> str:
    note = str(answer.get("note", "") or "").strip()
    if len(note) > FINDING_NOTE_MAX:
        raise ValidationFailed.for_field(
            key,
            _("A finding note may be at most %(max)d characters (this one has %(count)d).")
            % {"max": FINDING_NOTE_MAX, "count": len(note)},
        )
    return note


def _item_result(item: dict, answer: dict) -> dict:
    key = item["key"]
    note = _finding_note(key, answer)
    if item.get("kind") == ItemKind.VALUE:
        raw = answer.get("value")
        if raw is None or not str(raw).strip():
            raise ValidationFailed.for_field(key, _("Enter the reading."))
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
        return {
            "key": key,
            "label": item.get("label", key),
            "value": str(value),
            "passed": passed,
            "note": note,
        }
    if "passed" not in answer or not isinstance(answer["passed"], bool):
        raise ValidationFailed.for_field(key, _("Mark this item pass or fail."))
    return {
        "key": key,
        "label": item.get("label", key),
        "passed": answer["passed"],
        "note": note,
    }


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
        raise Forbidden(
            _("This round is assigned to someone else."), code=PropertyError.NOT_ASSIGNEE
        )
    ROUND.check(rnd, "submit")
    results = [_item_result(item, answers.get(item["key"], {})) for item in rnd.template.items]
    now = timezone.now()
    rnd.results = results
    rnd.items_total = len(results)
    rnd.items_failed = sum(1 for r in results if not r["passed"])
    rnd = ROUND.fire(
        rnd,
        "submit",
        actor=actor,
        update_fields=("results", "items_total", "items_failed"),
        at=now,
        lock=False,
    )
    items = {item["key"]: item for item in rnd.template.items}
    for result in results:
        if not result["passed"]:
            _finding_ticket(rnd, items[result["key"]], result, now)
    return rnd


def _finding_ticket(rnd: InspectionRound, item: dict, result: dict, now) -> None:
    from parkos.property.services.tickets import _new_number, _route, _set_deadlines

    # Stored without words of any language: a ticket is read in its reader's language.
    detail = result.get("note") or ""
    if "value" in result:
        detail = f"{result['value']}{item.get('unit') or ''} {detail}".strip()
    ticket = Ticket(
        number=_new_number(now),
        company=rnd.company,
        building=rnd.building,
        source=TicketSource.INSPECTION,
        source_ref=f"{rnd.id}:{item['key']}",
        kind=TicketKind.REPAIR,
        category=item.get("category") or Category.OTHER,
        # The item alone: Ticket.heading words it as a finding in the reader's language.
        title=str(item["label"])[:200],
        description=f"{rnd.template.name} · {item['label']} · {detail}".strip(" ·"),
        priority=Priority.HIGH,
        created_at=now,
    )
    _set_deadlines(ticket)
    ticket.save()
    ticket_event_record(
        ticket, "created", at=now, data={"source": "inspection", "round": str(rnd.id)}
    )
    _route(ticket, at=now)
