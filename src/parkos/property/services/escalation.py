"""The SLA watch: a ticket past a deadline is escalated once per deadline to the company's
dispatchers and property managers, in the app (the bell, linking to the ticket) and by
e-mail, each in the recipient's language."""

from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import lazy
from django.utils.translation import gettext_lazy

from parkos.accounts.selectors import Role, organization_members
from parkos.approvals.services import notify
from parkos.property.events import ticket_event_record
from parkos.property.models import OPEN_STATUSES, Ticket, TicketStatus

S = TicketStatus
# deadline: (the escalation mark, which tickets are late, the title, the line on the deadline)
BREACHES = {
    "response": (
        "response_escalated_at",
        lambda now: Q(
            status__in=(S.NEW, S.DISPATCHED, S.REOPENED),
            response_due__lt=now,
            response_escalated_at__isnull=True,
        ),
        gettext_lazy("SLA breach: ticket %(number)s missed its response deadline"),
        gettext_lazy("Response was due %(due)s."),
    ),
    "resolution": (
        "resolution_escalated_at",
        lambda now: Q(
            status__in=OPEN_STATUSES, resolution_due__lt=now, resolution_escalated_at__isnull=True
        ),
        gettext_lazy("SLA breach: ticket %(number)s missed its resolution deadline"),
        gettext_lazy("Resolution was due %(due)s."),
    ),
}
BATCH = 1000


def sla_check(*, now=None) -> int:
    """Escalate every ticket past a deadline, once per deadline; returns how many. Each
    escalation claims its ticket with a conditional update, so two runs at once (a retried
    job, two workers) still tell everyone once."""
    now = now or timezone.now()
    escalated = 0
    for deadline, (mark, late, _title, _line) in BREACHES.items():
        for ticket_id in list(
            Ticket.objects.filter(late(now)).values_list("id", flat=True)[:BATCH]
        ):
            with transaction.atomic():
                claimed = Ticket.objects.filter(late(now), pk=ticket_id).update(**{mark: now})
                if not claimed:
                    continue
                ticket = Ticket.objects.select_related("company").get(pk=ticket_id)
                told = _notify_breach(ticket, deadline)
                ticket_event_record(
                    ticket,
                    "escalated",
                    at=now,
                    from_status=ticket.status,
                    data={"deadline": deadline, "notified": told},
                )
                escalated += 1
    return escalated


def _translated(message, **values):
    """`message % values`, rendered when read: notify() reads it in each recipient's language."""
    return lazy(lambda: str(message) % values, str)()


def _notify_breach(ticket: Ticket, deadline: str) -> list[str]:
    """Tell the company's dispatchers and property managers; notify() delivers once the
    escalation is committed. Returns who was told."""
    _mark, _late, title, line = BREACHES[deadline]
    due = getattr(ticket, f"{deadline}_due")
    url = reverse("property:ticket_detail", args=[ticket.id])
    subject = _translated(title, number=ticket.number)
    body = _translated(line, due=f"{timezone.localtime(due):%Y-%m-%d %H:%M}")
    told = []
    for user in organization_members(ticket.company, Role.DISPATCHER, Role.PROPERTY_MANAGER):
        notify(user=user, title=subject, url=url, body=_with_ticket(ticket, body))
        told.append(str(user.pk))
    return told


def _with_ticket(ticket: Ticket, line):
    return lazy(lambda: f"{ticket.title}\n{line}\n\n{ticket.description[:500]}", str)()
