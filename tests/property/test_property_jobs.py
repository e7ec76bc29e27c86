"""The scheduled jobs, run as their management commands."""

from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from parkos.property import services
from parkos.property.models import DispatchModel, MonthlyScore

pytestmark = pytest.mark.django_db


def test_retrain_learns_from_dispatcher_corrections(place, trained):
    ticket = services.ticket_create(
        actor=place.tenant, unit=place.unit, description="前台的打印机坏了"
    )
    services.ticket_dispatch(actor=place.dispatcher, ticket=ticket, category="electrical")
    out = StringIO()
    call_command("property_retrain", stdout=out)
    assert place.company.name in out.getvalue()
    model = DispatchModel.objects.get(company=place.company)
    assert model.samples == trained.samples + 1


def test_check_sla_and_score_month_commands(place):
    services.ticket_create(
        actor=place.tenant, unit=place.unit, description="漏水", category="hvac", priority="urgent"
    )
    out = StringIO()
    call_command("property_check_sla", stdout=out)
    assert "escalated" in out.getvalue()
    last = (timezone.localdate().replace(day=1) - timedelta(days=1)).replace(day=1)
    call_command("property_score_month", month=last.strftime("%Y-%m"), stdout=out)
    assert MonthlyScore.objects.filter(month=last).count() == 2


def test_the_hourly_rescore_runs_as_beat_sends_it_without_a_park(place):
    """Beat calls the job with no arguments; it used to raise TypeError every hour."""
    from django.conf import settings

    from parkos.property.tasks import property_rescore_current_month

    entry = next(
        e
        for e in settings.CELERY_BEAT_SCHEDULE.values()
        if e["task"] == "property.rescore_current_month"
    )
    scored = property_rescore_current_month(*entry.get("args", ()), **entry.get("kwargs", {}))
    month = timezone.localdate().replace(day=1)
    assert scored == MonthlyScore.objects.filter(month=month).count() == 2
