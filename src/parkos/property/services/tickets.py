"""Writes on tickets: raising, routing (classify + assign), the technician's steps, the
tenant's confirmation, and the SLA watch. Every change of state is kept as a TicketEvent."""

import uuid
from datetime import timedelta

from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from parkos.accounts.selectors import user_enterprise_ids
from parkos.core.audit import audit_record
from parkos.core.errors import Forbidden, ValidationFailed
from parkos.property import categorize, permissions, routing, sla, texts
from parkos.property.errors import PropertyError
from parkos.property.events import ticket_event_record
from parkos.property.models import (
    OPEN_STATUSES,
    Category,
    CategoryCorrection,
    Priority,
    PropertyCompany,
    Technician,
    Ticket,
    TicketKind,
    TicketPhoto,
    TicketSource,
)
from parkos.property.photos import checked_photos
from parkos.property.workflows import TICKET

MAX_DESCRIPTION = 4000
# A time picked on the form a few minutes ago is still "now" when it is sent.
PREFERRED_TIME_GRACE = timedelta(minutes=15)


def _locked(ticket: Ticket) -> Ticket:
    """The ticket's row, locked and read again: two people acting at once are served one
    after the other, the second seeing the first's result."""
    return (
        Ticket.objects.select_for_update(of=("self",)).select_related("assignee").get(pk=ticket.pk)
    )


def _new_number(now) -> str:
    return f"WO{timezone.localtime(now):%Y%m%d}{uuid.uuid4().hex[:6].upper()}"


def _clean_text(description: str, title: str) -> tuple[str, str]:
    description = (description or "").strip()
    if not description:
        raise ValidationFailed.for_field("description", _("Describe the problem."))
    if len(description) > MAX_DESCRIPTION:
        raise ValidationFailed.for_field(
            "description",
            _("The description may be at most %(max)d characters.") % {"max": MAX_DESCRIPTION},
        )
    title = (title or "").strip()[:200] or description.splitlines()[0][:40]
    return description, title


def _choice(field: str, value: str, choices, *, blank=False) -> str:
    if blank and not value:
        return ""
    if value not in choices.values:
        raise ValidationFailed.for_field(field, _("Choose one of the listed values."))
    return value


def _company_for_building(building) -> PropertyCompany | None:
    if building is None or building.zone_id is None:
        return None
    return PropertyCompany.objects.filter(zone_id=building.zone_id).first()


def _leaseholders(unit, on) -> set:
    # Who leases the unit today: a check on the place, not a read shown to anyone.
    return set(
        unit.leases.filter(start__lte=on, end__gte=on).values_list("enterprise_id", flat=True)
    )


@transaction.atomic
def ticket_create(
    *,
    actor,
    unit=None,
    building=None,
    enterprise=None,
    kind: str = TicketKind.REPAIR,
    category: str = "",
    title: str = "",
    description: str = "",
    priority: str = Priority.NORMAL,
    preferred_time=None,
    source: str = TicketSource.WEB,
    photos=(),
) -> Ticket:
    """A ticket raised by a tenant (web, app) or by the service desk for a caller."""
    description, title = _clean_text(description, title)
    kind = _choice("kind", kind, TicketKind)
    priority = _choice("priority", priority, Priority)
    category = _choice("category", category, Category, blank=True)
    source = _choice("source", source, TicketSource)
    if source in (TicketSource.ALARM, TicketSource.INSPECTION):
        raise ValidationFailed.for_field("source", _("Choose one of the listed values."))
    now = timezone.now()
    if preferred_time is not None and preferred_time < now - PREFERRED_TIME_GRACE:
        raise ValidationFailed.for_field(
            "preferred_time",
            _("The preferred time has already passed: choose a time from now on."),
        )
    checked = checked_photos(photos)
    if unit is None and building is None:
        raise ValidationFailed.for_field("unit", _("Say where the problem is."))
    if unit is not None:
        building = unit.floor.building
    company = _company_for_building(building)
    if company is None:
        raise ValidationFailed.for_field("unit", _("No property company serves this place."))
    holders = _leaseholders(unit, timezone.localdate()) if unit is not None else set()
    own = user_enterprise_ids(actor)
    if permissions.can_desk(actor, company.id):
        if enterprise is not None and unit is not None and enterprise.id not in holders:
            raise ValidationFailed.for_field(
                "unit", _("This unit is not leased by the enterprise.")
            )
        if enterprise is None and len(holders) == 1:
            # A caller names the unit; the desk need not look up who leases it.
            from parkos.parks.selectors import enterprise_get

            enterprise = enterprise_get(actor=actor, enterprise_id=next(iter(holders)))
    else:
        if not own:
            raise Forbidden(_("Only tenants and the service desk raise tickets."))
        if unit is None:
            raise ValidationFailed.for_field("unit", _("Say where the problem is."))
        mine = holders & own
        if not mine:
            raise ValidationFailed.for_field(
                "unit", _("This unit is not leased by your enterprise.")
            )
        if enterprise is None or enterprise.id not in mine:
            from parkos.parks.selectors import enterprise_get

            enterprise = enterprise_get(actor=actor, enterprise_id=sorted(mine)[0])
        if source == TicketSource.PHONE:
            source = TicketSource.WEB
    ticket = Ticket(
        number=_new_number(now),
        company=company,
        building=building,
        floor=unit.floor if unit else None,
        unit=unit,
        enterprise=enterprise,
        raised_by=actor,
        source=source,
        kind=kind,
        category=category,
        title=title,
        description=description,
        priority=priority,
        preferred_time=preferred_time,
        created_at=now,
    )
    _set_deadlines(ticket)
    ticket.save()
    ticket_event_record(ticket, "created", actor=actor, at=now, data={"source": source})
    for content, extension in checked:
        _photo_save(ticket, content, extension, actor, "report")
    _route(ticket, at=now)
    return ticket


def ticket_open_for_alarm(
    *,
    park,
    building=None,
    category: str,
    priority: str,
    title: str,
    description: str,
    source: str,
    source_ref: str,
) -> Ticket:
    """A ticket raised by the system (an IoT alarm): routed like any other, and only one
    open ticket per (source, source_ref)."""
    category = _choice("category", category, Category)
    priority = _choice("priority", priority, Priority)
    source = _system_source(source)
    description, title = _clean_text(description, title)
    if not source_ref:
        raise ValidationFailed.for_field("source_ref", _("This field is required."))
    existing = _open_for_ref(source, source_ref)
    if existing is not None:
        return existing
    company = _company_for_building(building) or (
        PropertyCompany.objects.filter(park=park).order_by("name").first()
    )
    if company is None:
        raise ValidationFailed.for_field("park", _("No property company serves this place."))
    try:
        with transaction.atomic():
            now = timezone.now()
            ticket = Ticket(
                number=_new_number(now),
                company=company,
                building=building,
                source=source,
                source_ref=source_ref[:100],
                kind=TicketKind.REPAIR,
                category=category,
                title=title,
                description=description,
                priority=priority,
                created_at=now,
            )
            _set_deadlines(ticket)
            ticket.save()
            ticket_event_record(
                ticket, "created", at=now, data={"source": source, "ref": source_ref}
            )
            _route(ticket, at=now)
    except IntegrityError:
        existing = _open_for_ref(source, source_ref)
        if existing is None:
            raise
        return existing
    return ticket


SYSTEM_SOURCES = (TicketSource.ALARM, TicketSource.INSPECTION)


def _system_source(source: str) -> str:
    """The source of a ticket the system raises: one of the Ticket source values, never a
    free word (filters and statistics count tickets by these values)."""
    if source not in SYSTEM_SOURCES:
        raise ValidationFailed.for_field(
            "source",
            _("Unknown ticket source “%(source)s”: a system ticket comes from one of %(choices)s.")
            % {"source": source, "choices": ", ".join(str(s.value) for s in SYSTEM_SOURCES)},
            code=PropertyError.UNKNOWN_SOURCE,
        )
    return source


def _open_for_ref(source: str, source_ref: str) -> Ticket | None:
    return Ticket.objects.filter(
        source=source, source_ref=source_ref[:100], status__in=OPEN_STATUSES
    ).first()


def _set_deadlines(ticket: Ticket) -> None:
    ticket.response_due, ticket.resolution_due = sla.deadlines(
        ticket.company,
        priority=ticket.priority,
        category=ticket.category,
        start=ticket.created_at,
    )


def _route(ticket: Ticket, *, at) -> None:
    """Classify when no category was given, then assign; below the company's threshold, or
    when nobody fits, the ticket waits for a dispatcher."""
    if not ticket.category:
        suggestions = categorize.predict(ticket.company_id, f"{ticket.title} {ticket.description}")
        ticket.suggestions = [[label, round(p, 4)] for label, p in suggestions]
        if suggestions:
            ticket.predicted_category, ticket.confidence = suggestions[0]
        threshold = float(ticket.company.auto_dispatch_threshold)
        if suggestions and suggestions[0][1] >= threshold:
            ticket.category = suggestions[0][0]
            _set_deadlines(ticket)
        ticket.save()
        ticket_event_record(ticket, "classified", at=at, data={"suggestions": ticket.suggestions})
        if not ticket.category:
            _await_dispatcher(ticket, at, "uncertain_category")
            return
    chosen = routing.choose(
        company=ticket.company,
        category=ticket.category,
        building=ticket.building,
        zone_id=ticket.company.zone_id,
    )
    if chosen is None:
        _await_dispatcher(ticket, at, "no_skilled_technician")
        return
    _assign(ticket, routing.with_technician(chosen).technician, chosen.reasons, actor=None, at=at)


def _await_dispatcher(ticket: Ticket, at, why: str) -> None:
    """`why` is a code of the property texts (texts.py), worded when the history is read."""
    ticket.awaiting_dispatcher = True
    ticket.save(update_fields=["awaiting_dispatcher"])
    ticket_event_record(ticket, "awaiting_dispatcher", at=at, data={"why": why})


def _assign(ticket: Ticket, technician: Technician, reasons, *, actor, at, kind="dispatch"):
    """Give the (locked or just created) ticket to `technician`; the system's routing fires
    the dispatch without a person's permission."""
    ticket.assignee = technician
    ticket.assignment_reasons = list(reasons)
    ticket.awaiting_dispatcher = False
    return TICKET.fire(
        ticket,
        "dispatch",
        actor=actor,
        update_fields=("assignee", "assignment_reasons", "awaiting_dispatcher"),
        data={"technician": str(technician.id), "reasons": list(reasons), "by": kind},
        at=at,
        check=actor is not None,
        lock=False,
    )


@transaction.atomic
def ticket_dispatch(*, actor, ticket: Ticket, category: str = "", technician=None) -> Ticket:
    """The dispatcher settles the category (a correction when it differs from the model's)
    and/or chooses the technician (an override when it differs from the suggestion)."""
    permissions.require_desk(actor, ticket.company_id)
    ticket = _locked(ticket)
    now = timezone.now()
    category = _choice("category", category, Category, blank=True)
    if technician is not None and technician.company_id != ticket.company_id:
        raise ValidationFailed.for_field("technician", _("Unknown technician."))
    TICKET.check(ticket, "dispatch")
    if category and category != ticket.category:
        if ticket.predicted_category and category != ticket.predicted_category:
            CategoryCorrection.objects.create(
                ticket=ticket,
                predicted=ticket.predicted_category,
                corrected=category,
                actor=actor,
                at=now,
            )
        ticket_event_record(
            ticket, "corrected", actor=actor, at=now, data={"from": ticket.category, "to": category}
        )
        ticket.category = category
        _set_deadlines(ticket)
        ticket.save()
    if not ticket.category:
        raise ValidationFailed.for_field("category", _("Choose the category first."))
    ranked = routing.candidates(
        company=ticket.company,
        category=ticket.category,
        building=ticket.building,
        zone_id=ticket.company.zone_id,
    )
    if technician is None:
        if not ranked:
            raise ValidationFailed.for_field("technician", _("No technician has this skill."))
        chosen = routing.with_technician(ranked[0])
        _assign(ticket, chosen.technician, chosen.reasons, actor=actor, at=now)
        return ticket
    suggested_id = ranked[0].technician_id if ranked else None
    match = next((c for c in ranked if c.technician_id == technician.id), None)
    reasons = [texts.dispatcher(), *(match.reasons if match else [])]
    _assign(ticket, technician, reasons, actor=actor, at=now, kind="override")
    if suggested_id != technician.id:
        ticket_event_record(
            ticket,
            "override",
            actor=actor,
            at=now,
            data={
                "suggested": str(suggested_id) if suggested_id else None,
                "chosen": str(technician.id),
            },
        )
        audit_record(
            actor=actor,
            action="property.dispatch_override",
            instance=ticket,
            changes={"suggested": suggested_id, "chosen": technician.id},
            park_id=ticket.company.park_id,
        )
    return ticket


def _photo_save(ticket, content: bytes, extension: str, actor, stage: str) -> TicketPhoto:
    photo = TicketPhoto(
        ticket=ticket,
        extension=extension,
        stage=stage,
        uploaded_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    photo.image.save(f"photo.{extension}", ContentFile(content), save=False)
    photo.save()
    return photo
