"""The SLA watch: tickets past a deadline are escalated once per deadline to the company's
dispatchers and property managers."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from parkos.accounts.models import Role
from parkos.accounts.selectors import organization_members
from parkos.property.models import OPEN_STATUSES, Ticket, TicketStatus
from parkos.property.services.tickets import _event

S = TicketStatus


def sla_check(*, now=None) -> int:
    """Escalate every ticket past a deadline, once per deadline; returns how many."""
    now = now or timezone.now()
    escalated = 0
    late_response = Ticket.objects.filter(
        status__in=(S.NEW, S.DISPATCHED, S.REOPENED),
        response_due__lt=now,
        response_escalated_at__isnull=True,
    )
    late_resolution = Ticket.objects.filter(
        status__in=OPEN_STATUSES, resolution_due__lt=now, resolution_escalated_at__isnull=True
    )
    for field, queryset, what in (
        ("response_escalated_at", late_response, "response"),
        ("resolution_escalated_at", late_resolution, "resolution"),
    ):
        for ticket_id in list(queryset.values_list("id", flat=True)[:1000]):
            with transaction.atomic():
                ticket = (
                    Ticket.objects.select_for_update(of=("self",))
                    .select_related("company")
                    .get(pk=ticket_id)
                )
                if getattr(ticket, field) is not None:
                    continue
                setattr(ticket, field, now)
                ticket.save(update_fields=[field])
                _event(
                    ticket, "escalated", at=now, from_status=ticket.status, data={"deadline": what}
                )
                transaction.on_commit(lambda t=ticket, w=what: _notify_breach(t, w))
                escalated += 1
    return escalated


def _notify_breach(ticket: Ticket, what: str) -> None:
    from django.core.mail import send_mail

    recipients = [
        u.email
        for u in organization_members(ticket.company, Role.DISPATCHER, Role.PROPERTY_MANAGER)
        if u.email
    ]
    if not recipients:
        return
    subject = (
        _("SLA breach: ticket %(number)s missed its response deadline")
        if what == "response"
        else _("SLA breach: ticket %(number)s missed its resolution deadline")
    ) % {"number": ticket.number}
    send_mail(subject, f"{ticket.title}\n{ticket.description[:500]}", None, recipients)
