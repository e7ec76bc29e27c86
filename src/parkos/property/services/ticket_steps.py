"""The technician's steps (accept, arrive, resolve) and the tenant's (confirm and rate,
reopen), cancelling, and adding photos: each a transition of the table in tickets.py."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from parkos.core.errors import Conflict, Forbidden, ValidationFailed
from parkos.property import permissions
from parkos.property.models import Ticket, TicketPhoto
from parkos.property.photos import checked_photos
from parkos.property.services.tickets import (
    MAX_DESCRIPTION,
    _assign,
    _event,
    _locked,
    _move,
    _photo_save,
    _route,
)


def _require_assignee(actor, ticket: Ticket) -> None:
    if not permissions.is_assignee(actor, ticket):
        raise Forbidden(_("This ticket is assigned to someone else."), code="not_assignee")


@transaction.atomic
def ticket_accept(*, actor, ticket: Ticket) -> Ticket:
    ticket = _locked(ticket)
    _require_assignee(actor, ticket)
    ticket.accepted_at = timezone.now()
    _move(ticket, "accept", actor=actor, at=ticket.accepted_at)
    return ticket


@transaction.atomic
def ticket_arrive(*, actor, ticket: Ticket) -> Ticket:
    ticket = _locked(ticket)
    _require_assignee(actor, ticket)
    ticket.arrived_at = timezone.now()
    _move(ticket, "arrive", actor=actor, at=ticket.arrived_at)
    return ticket


@transaction.atomic
def ticket_resolve(*, actor, ticket: Ticket, note: str = "", photos=()) -> Ticket:
    checked = checked_photos(photos)
    note = (note or "").strip()
    if len(note) > MAX_DESCRIPTION:
        raise ValidationFailed.for_field("note", _("The note is too long."))
    ticket = _locked(ticket)
    _require_assignee(actor, ticket)
    ticket.resolved_at = timezone.now()
    _move(ticket, "resolve", actor=actor, at=ticket.resolved_at, note=note)
    for content, extension in checked:
        _photo_save(ticket, content, extension, actor, "resolution")
    return ticket


MAX_RATING_COMMENT = 1000


def _require_tenant(actor, ticket: Ticket) -> None:
    if not permissions.is_tenant_of(actor, ticket):
        raise Forbidden(_("Only the enterprise that raised the ticket may do this."))


@transaction.atomic
def ticket_confirm(*, actor, ticket: Ticket, rating, comment: str = "") -> Ticket:
    try:
        rating = int(rating)
    except (TypeError, ValueError):
        rating = 0
    if not 1 <= rating <= 5:
        raise ValidationFailed.for_field("rating", _("Give a rating from 1 to 5."))
    comment = (comment or "").strip()
    if len(comment) > MAX_RATING_COMMENT:
        raise ValidationFailed.for_field(
            "comment",
            _("The comment may be at most %(max)d characters (yours has %(count)d).")
            % {"max": MAX_RATING_COMMENT, "count": len(comment)},
        )
    ticket = _locked(ticket)
    _require_tenant(actor, ticket)
    if ticket.rating is not None:
        raise Conflict(_("This ticket has been rated already."), code="already_rated")
    ticket.rating, ticket.rating_comment = rating, comment
    ticket.closed_at = timezone.now()
    _move(
        ticket, "confirm", actor=actor, at=ticket.closed_at, note=comment, data={"rating": rating}
    )
    _rescore(ticket)
    return ticket


@transaction.atomic
def ticket_reopen(*, actor, ticket: Ticket, reason: str) -> Ticket:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed.for_field("reason", _("Say why the problem is not solved."))
    ticket = _locked(ticket)
    _require_tenant(actor, ticket)
    now = timezone.now()
    ticket.reopen_count += 1
    ticket.resolved_at = None
    _move(ticket, "reopen", actor=actor, at=now, note=reason[:1000])
    _rescore(ticket)
    if ticket.assignee is not None and ticket.assignee.active:
        _assign(
            ticket,
            ticket.assignee,
            [_("reopened: back to the technician who resolved it")],
            actor=None,
            at=now,
        )
    else:
        _route(ticket, at=now)
    return ticket


@transaction.atomic
def ticket_cancel(*, actor, ticket: Ticket, reason: str = "") -> Ticket:
    ticket = _locked(ticket)
    if not (
        permissions.can_desk(actor, ticket.company_id) or permissions.is_tenant_of(actor, ticket)
    ):
        raise Forbidden(_("You are not allowed to do this."))
    ticket.closed_at = timezone.now()
    _move(ticket, "cancel", actor=actor, at=ticket.closed_at, note=(reason or "")[:1000])
    return ticket


@transaction.atomic
def ticket_add_photos(*, actor, ticket: Ticket, photos) -> list[TicketPhoto]:
    checked = checked_photos(photos)
    if not checked:
        raise ValidationFailed.for_field("photos", _("Choose a photo."))
    allowed = (
        permissions.is_tenant_of(actor, ticket)
        or permissions.is_assignee(actor, ticket)
        or permissions.can_desk(actor, ticket.company_id)
    )
    if not allowed:
        raise Forbidden(_("You are not allowed to do this."))
    if not ticket.is_open:
        raise Conflict(_("This ticket is closed."), code="wrong_status")
    stage = "resolution" if permissions.is_assignee(actor, ticket) else "report"
    saved = [_photo_save(ticket, c, e, actor, stage) for c, e in checked]
    _event(ticket, "photo", actor=actor, data={"count": len(saved)})
    return saved


def _rescore(ticket: Ticket) -> None:
    from parkos.core.jobs import enqueue
    from parkos.property.tasks import property_rescore_current_month

    enqueue(property_rescore_current_month, str(ticket.company.park_id))
