"""The rows that keep what happened in property management: a ticket's history (TicketEvent)
and a spot-check finding's follow-ups. Services and the workflows' `event` hooks write them
here, nowhere else."""

from django.utils import timezone

from parkos.property.models import Finding, Ticket, TicketEvent


def _person(actor):
    return actor if getattr(actor, "is_authenticated", False) else None


def ticket_event_record(
    ticket: Ticket, kind: str, *, actor=None, at=None, from_status="", note="", data=None
) -> TicketEvent:
    """Something that happened to a ticket without moving it (raised, classified, corrected,
    escalated, photos added); `to_status` is the ticket's status at that moment."""
    return TicketEvent.objects.create(
        ticket=ticket,
        at=at or timezone.now(),
        actor=_person(actor),
        kind=kind,
        from_status=from_status,
        to_status=ticket.status,
        note=note,
        data=data or {},
    )


def ticket_transition_recorded(
    ticket: Ticket, *, action: str, actor, before: str, after: str, note: str, data: dict, at
) -> TicketEvent:
    """The ticket workflow's event hook: one row per step, named by its action."""
    return TicketEvent.objects.create(
        ticket=ticket,
        at=at,
        actor=_person(actor),
        kind=action,
        from_status=before,
        to_status=after,
        note=note,
        data=data or {},
    )


def finding_follow_up_recorded(
    finding: Finding, *, action: str, actor, before: str, after: str, note: str, data: dict, at
) -> Finding:
    """The finding workflow's event hook: the follow-up is kept on the finding, in order."""
    finding.follow_ups = [
        *finding.follow_ups,
        {"at": at.isoformat(), "by": str(actor or ""), "status": after, "note": note},
    ]
    finding.save(update_fields=["follow_ups"])
    return finding
