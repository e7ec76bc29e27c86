"""The technician's steps (accept, arrive, resolve) and the tenant's (confirm and rate,
reopen), cancelling, and adding photos: each a transition of the ticket workflow
(workflows.TICKET), which checks the state, the actor and writes the event."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from parkos.core.errors import Conflict, Forbidden, ValidationFailed
from parkos.core.workflow import IllegalTransition
from parkos.property import permissions, texts
from parkos.property.errors import PropertyError
from parkos.property.events import ticket_event_record
from parkos.property.models import OPEN_STATUSES, Ticket, TicketPhoto
from parkos.property.photos import checked_photos
from parkos.property.services.tickets import (
    MAX_DESCRIPTION,
    _assign,
    _locked,
    _photo_save,
    _route,
)
from parkos.property.workflows import TICKET


def _require_assignee(actor, ticket: Ticket) -> None:
    if not permissions.is_assignee(actor, ticket):
        raise Forbidden(
            _("This ticket is assigned to someone else."), code=PropertyError.NOT_ASSIGNEE
        )


@transaction.atomic
def ticket_accept(*, actor, ticket: Ticket) -> Ticket:
    ticket = _locked(ticket)
    _require_assignee(actor, ticket)
    return TICKET.fire(ticket, "accept", actor=actor, lock=False)


@transaction.atomic
def ticket_arrive(*, actor, ticket: Ticket) -> Ticket:
    ticket = _locked(ticket)
    _require_assignee(actor, ticket)
    return TICKET.fire(ticket, "arrive", actor=actor, lock=False)


@transaction.atomic
def ticket_resolve(*, actor, ticket: Ticket, note: str = "", photos=()) -> Ticket:
    checked = checked_photos(photos)
    note = (note or "").strip()
    if len(note) > MAX_DESCRIPTION:
        raise ValidationFailed.for_field("note", _("The note is too long."))
    ticket = _locked(ticket)
    _require_assignee(actor, ticket)
    ticket = TICKET.fire(ticket, "resolve", actor=actor, note=note, lock=False)
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
    TICKET.check(ticket, "confirm")
    if ticket.rating is not None:
        raise Conflict(_("This ticket has been rated already."), code=PropertyError.ALREADY_RATED)
    ticket.rating, ticket.rating_comment = rating, comment
    ticket = TICKET.fire(
        ticket,
        "confirm",
        actor=actor,
        update_fields=("rating", "rating_comment"),
        note=comment,
        data={"rating": rating},
        lock=False,
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
    TICKET.check(ticket, "reopen")
    now = timezone.now()
    ticket.reopen_count += 1
    ticket.resolved_at = None
    ticket = TICKET.fire(
        ticket,
        "reopen",
        actor=actor,
        update_fields=("reopen_count", "resolved_at"),
        note=reason[:1000],
        at=now,
        lock=False,
    )
    _rescore(ticket)
    if ticket.assignee is not None and ticket.assignee.active:
        _assign(ticket, ticket.assignee, [texts.reopened()], actor=None, at=now)
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
    return TICKET.fire(ticket, "cancel", actor=actor, note=(reason or "")[:1000], lock=False)


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
    if ticket.status not in OPEN_STATUSES:
        # Not a step of the life cycle, but refused by the state like one.
        raise IllegalTransition(
            state_label=ticket.get_status_display(),
            action_label=_("Add photos"),
            state=ticket.status,
            action="photos",
        )
    stage = "resolution" if permissions.is_assignee(actor, ticket) else "report"
    saved = [_photo_save(ticket, c, e, actor, stage) for c, e in checked]
    ticket_event_record(ticket, "photo", actor=actor, data={"count": len(saved)})
    return saved


def _rescore(ticket: Ticket) -> None:
    from parkos.core.jobs import enqueue
    from parkos.property.tasks import property_rescore_current_month

    enqueue(property_rescore_current_month, str(ticket.company.park_id))
