"""Forecast refresh, model fallback and early warnings, through the services."""

import pytest

from parkos.crowd.models import CrowdWarning, ForecastPoint, WarningEvent, WarningStatus
from parkos.crowd.services import (
    area_forecast_evaluate,
    area_update,
    counter_create,
    forecasts_refresh,
)
from parkos.crowd.services.counts import current_hour
from parkos.iot.models import Alarm, AlarmStatus


def _peak_within_warning_window(area) -> float:
    return max(p.upper_80 for p in ForecastPoint.objects.filter(area=area, step__lte=24))


@pytest.fixture
def plaza(crowd, make_area, fill_counts):
    area = make_area(crowd.park, capacity=1200, warning=5000, critical=9000)
    now = current_hour()
    for number in range(2):
        counter = counter_create(actor=None, park=crowd.park, name=f"广场{number}", area=area)
        fill_counts(counter, end=now, days=42, peak=500.0, seed=number)
    return area


def test_refresh_stores_hourly_forecasts_with_nested_intervals(plaza):
    assert forecasts_refresh(inline=True) == 1
    points = list(ForecastPoint.objects.filter(area=plaza).order_by("starts_at"))
    assert len(points) == 24
    assert points[0].starts_at == current_hour()
    assert [p.step for p in points] == list(range(1, 25))
    for p in points:
        assert 0 <= p.lower_95 <= p.lower_80 <= p.expected <= p.upper_80 <= p.upper_95
    counters = plaza.counters.all()
    assert ForecastPoint.objects.filter(counter__in=counters).count() == 48
    assert all(c.forecast_model and not c.forecast_is_fallback for c in counters)


def test_refresh_replaces_the_previous_forecast(plaza):
    forecasts_refresh(inline=True)
    forecasts_refresh(inline=True)
    assert ForecastPoint.objects.filter(area=plaza).count() == 24


def test_short_history_falls_back_to_a_simple_model_and_says_so(crowd, plaza, fill_counts):
    newcomer = counter_create(actor=None, park=crowd.park, name="新装计数器", area=plaza)
    fill_counts(newcomer, end=current_hour(), days=5, peak=100.0, seed=9)
    forecasts_refresh(inline=True)
    newcomer.refresh_from_db()
    assert newcomer.forecast_is_fallback
    assert newcomer.forecast_model == "recent_hour_of_day_mean"
    assert "336" in newcomer.forecast_reason
    assert ForecastPoint.objects.filter(counter=newcomer).count() == 24


def test_warning_raises_with_lead_time_and_clears_when_the_risk_passes(crowd, plaza):
    forecasts_refresh(inline=True)
    peak = _peak_within_warning_window(plaza)
    plaza = area_update(
        actor=None, area=plaza, warning_threshold=int(peak * 0.9), critical_threshold=int(peak * 2)
    )
    warning = area_forecast_evaluate(area=plaza)
    assert warning.status == WarningStatus.ACTIVE and warning.level == "warning"
    first = ForecastPoint.objects.filter(area=plaza, upper_80__gte=int(peak * 0.9)).earliest(
        "starts_at"
    )
    assert warning.expected_at == first.starts_at
    assert warning.lead_hours == first.step - 1
    assert "中心广场" in warning.message and "1,200" in warning.message
    alarm = Alarm.objects.get(pk=warning.alarm_id)
    assert alarm.source == "crowd" and alarm.status == AlarmStatus.ACTIVE
    assert alarm.park_id == crowd.park.id and alarm.severity == "warning"

    # Evaluating again changes nothing the operations center would notice.
    area_forecast_evaluate(area=plaza)
    alarm.refresh_from_db()
    assert alarm.count == 1
    assert CrowdWarning.objects.filter(area=plaza).count() == 1

    plaza = area_update(
        actor=None, area=plaza, warning_threshold=int(peak * 3), critical_threshold=int(peak * 4)
    )
    assert area_forecast_evaluate(area=plaza) is None
    warning.refresh_from_db()
    alarm.refresh_from_db()
    assert warning.status == WarningStatus.CLEARED and warning.cleared_at
    assert alarm.status == AlarmStatus.CLEARED
    kinds = list(WarningEvent.objects.filter(warning=warning).values_list("kind", flat=True))
    assert kinds == ["raised", "cleared"]


def test_escalation_to_critical_replaces_the_alarm(crowd, plaza):
    forecasts_refresh(inline=True)
    peak = _peak_within_warning_window(plaza)
    assert not CrowdWarning.objects.exists()
    plaza = area_update(
        actor=None, area=plaza, warning_threshold=int(peak * 0.5), critical_threshold=int(peak * 2)
    )
    warning = area_forecast_evaluate(area=plaza)
    first_alarm = warning.alarm_id
    plaza = area_update(actor=None, area=plaza, critical_threshold=int(peak * 0.9))
    warning = area_forecast_evaluate(area=plaza)
    assert warning.level == "critical"
    assert Alarm.objects.get(pk=first_alarm).status == AlarmStatus.CLEARED
    critical = Alarm.objects.get(pk=warning.alarm_id)
    assert critical.severity == "critical" and critical.status == AlarmStatus.ACTIVE
    assert list(warning.events.values_list("kind", flat=True)) == ["raised", "changed"]


def test_refresh_sends_one_task_per_chunk_of_areas(crowd, make_area, settings, monkeypatch):
    from parkos.crowd.services import forecasts as forecast_services

    settings.CROWD_AREAS_PER_TASK = 2
    areas = [make_area(crowd.park, name=f"区域{n}") for n in range(5)]
    counter_create(actor=None, park=crowd.park, name="未分区计数器")
    sent = []
    monkeypatch.setattr(
        forecast_services, "enqueue", lambda task, *args: sent.append((task.name, args))
    )
    assert forecasts_refresh(inline=False) == 4
    assert {name for name, _args in sent} == {"crowd.refresh_forecast_chunk"}
    area_chunks = [args[0] for _name, args in sent if args[0]]
    assert [len(chunk) for chunk in area_chunks] == [2, 2, 1]
    assert sorted(i for chunk in area_chunks for i in chunk) == sorted(str(a.id) for a in areas)
    assert [len(args[1]) for _name, args in sent if args[1]] == [1]
    assert all(args[2] == current_hour().isoformat() for _name, args in sent)


def test_refresh_command_runs_the_chunks_here(plaza):
    from io import StringIO

    from django.core.management import call_command

    out = StringIO()
    call_command("crowd_refresh_forecasts", park="pujiang", here=True, stdout=out)
    assert out.getvalue().startswith("1 forecast chunks")
    assert ForecastPoint.objects.filter(area=plaza).count() == 24
