"""Two people (or two alarms) acting at once on PostgreSQL: one wins, nothing doubles."""

import threading

import pytest
from django.db import connection

from parkos.core.errors import ServiceError
from parkos.property import services
from parkos.property.models import Ticket

pytestmark = pytest.mark.django_db(transaction=True)


def _together(*calls):
    barrier = threading.Barrier(len(calls))
    outcomes = [None] * len(calls)

    def run(index, call):
        try:
            barrier.wait()
            outcomes[index] = call()
        except ServiceError as refused:
            outcomes[index] = refused
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return outcomes


def test_one_ticket_for_an_alarm_raised_twice_at_once(place, is_postgres):
    if not is_postgres:
        pytest.skip("concurrency is tested on PostgreSQL")

    def raise_alarm():
        return services.ticket_open_for_alarm(
            park=place.park,
            building=place.building,
            category="hvac",
            priority="urgent",
            title="机房温度过高",
            description="35℃",
            source="alarm",
            source_ref="alarm-9",
        )

    first, second = _together(raise_alarm, raise_alarm)
    assert first.pk == second.pk
    assert Ticket.objects.filter(source_ref="alarm-9").count() == 1


def test_a_ticket_is_rated_once_when_two_ratings_race(place, is_postgres):
    if not is_postgres:
        pytest.skip("concurrency is tested on PostgreSQL")
    ticket = services.ticket_create(
        actor=place.tenant, unit=place.unit, description="漏水", category="hvac"
    )
    tech = ticket.assignee.user
    for step in (services.ticket_accept, services.ticket_arrive, services.ticket_resolve):
        step(actor=tech, ticket=ticket)
    outcomes = _together(
        lambda: services.ticket_confirm(actor=place.tenant, ticket=ticket, rating=5),
        lambda: services.ticket_confirm(actor=place.tenant, ticket=ticket, rating=1),
    )
    assert sum(isinstance(o, ServiceError) for o in outcomes) == 1
    assert ticket.events.filter(kind="confirm").count() == 1
