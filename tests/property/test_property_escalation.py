"""SLA breaches reach the company's dispatchers and property managers in the app at once
(the bell, with a link to the ticket) and by e-mail: once per breach and ticket, however
often the job runs."""

import threading
from datetime import timedelta

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from factories import member
from parkos.accounts.models import Role
from parkos.accounts.services import membership_grant
from parkos.approvals.models import Notification
from parkos.property import services
from parkos.property.models import TicketEvent


def _ticket(place):
    return services.ticket_create(
        actor=place.tenant, unit=place.unit, description="空调漏水", category="hvac"
    )


def _titles(user):
    return list(Notification.objects.filter(user=user).values_list("title", flat=True))


@pytest.mark.django_db
def test_each_breach_is_notified_once_with_a_link(place, django_capture_on_commit_callbacks):
    ticket = _ticket(place)
    late_response = ticket.response_due + timedelta(minutes=1)
    assert late_response < ticket.resolution_due
    with django_capture_on_commit_callbacks(execute=True):
        assert services.sla_check(now=late_response) == 1
    with django_capture_on_commit_callbacks(execute=True):
        assert services.sla_check(now=late_response + timedelta(minutes=5)) == 0
    for user in (place.dispatcher, place.manager):
        (note,) = Notification.objects.filter(user=user)
        assert note.url == reverse("property:ticket_detail", args=[ticket.id])
        assert ticket.number in note.title and note.read_at is None
    with django_capture_on_commit_callbacks(execute=True):
        assert services.sla_check(now=ticket.resolution_due + timedelta(minutes=1)) == 1
    with django_capture_on_commit_callbacks(execute=True):
        assert services.sla_check(now=ticket.resolution_due + timedelta(days=3)) == 0
    for user in (place.dispatcher, place.manager):
        assert len(_titles(user)) == 2
    for outsider in (place.other_dispatcher, place.hvac_near.user, place.tenant, place.operator):
        assert _titles(outsider) == []
    escalations = TicketEvent.objects.filter(ticket=ticket, kind="escalated").order_by("at")
    assert [e.data["deadline"] for e in escalations] == ["response", "resolution"]
    assert set(escalations[0].data["notified"]) == {str(place.dispatcher.pk), str(place.manager.pk)}


@pytest.mark.django_db
def test_the_bell_rings_and_leads_to_the_ticket(client, place, django_capture_on_commit_callbacks):
    ticket = _ticket(place)
    with django_capture_on_commit_callbacks(execute=True):
        services.sla_check(now=ticket.resolution_due + timedelta(minutes=1))
    client.force_login(place.dispatcher)
    page = client.get(reverse("property:home")).content.decode()
    assert 'data-testid="bell-count">2<' in page
    inbox = client.get(reverse("approvals:notifications")).content.decode()
    assert reverse("property:ticket_detail", args=[ticket.id]) in inbox


@pytest.mark.django_db
def test_each_recipient_reads_it_in_their_language(
    place, mailoutbox, django_capture_on_commit_callbacks
):
    place.manager.language = "en"
    place.manager.email = "manager@example.com"
    place.manager.save()
    place.dispatcher.language = "zh-hans"
    place.dispatcher.save()
    ticket = _ticket(place)
    with django_capture_on_commit_callbacks(execute=True):
        services.sla_check(now=ticket.response_due + timedelta(minutes=1))
    (english,) = _titles(place.manager)
    (chinese,) = _titles(place.dispatcher)
    assert english == f"SLA breach: ticket {ticket.number} missed its response deadline"
    assert ticket.number in chinese and "SLA breach" not in chinese
    (mail,) = mailoutbox
    assert mail.to == ["manager@example.com"] and mail.subject == english
    due = timezone.localtime(ticket.response_due)
    assert f"{due:%Y-%m-%d %H:%M}" in mail.body
    assert reverse("property:ticket_detail", args=[ticket.id]) in mail.body


@pytest.mark.django_db
def test_someone_with_both_roles_is_told_once(place, django_capture_on_commit_callbacks):
    both = member(Role.DISPATCHER, organization=place.company)
    membership_grant(user=both, role=Role.PROPERTY_MANAGER, organization=place.company)
    ticket = _ticket(place)
    with django_capture_on_commit_callbacks(execute=True):
        services.sla_check(now=ticket.response_due + timedelta(minutes=1))
    assert len(_titles(both)) == 1


@pytest.mark.django_db
def test_a_ticket_answered_in_time_is_not_escalated(place, django_capture_on_commit_callbacks):
    ticket = _ticket(place)
    services.ticket_accept(actor=ticket.assignee.user, ticket=ticket)
    with django_capture_on_commit_callbacks(execute=True):
        assert services.sla_check(now=ticket.response_due + timedelta(minutes=1)) == 0
    assert not Notification.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_two_jobs_at_once_tell_everyone_once(place, is_postgres):
    if not is_postgres:
        pytest.skip("concurrency is tested on PostgreSQL")
    tickets = [_ticket(place) for _ in range(5)]
    later = max(t.resolution_due for t in tickets) + timedelta(minutes=1)
    barrier = threading.Barrier(2)
    counts = []

    def run():
        try:
            barrier.wait()
            counts.append(services.sla_check(now=later))
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sum(counts) == 10
    for user in (place.dispatcher, place.manager):
        assert len(_titles(user)) == 10
    assert TicketEvent.objects.filter(kind="escalated").count() == 10
