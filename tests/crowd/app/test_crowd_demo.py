"""The demo's crowd flow: real Auckland history on the flagship's areas, forecasts with a
fallback for the new counter, and the plaza's warning a few hours ahead as an IOC alarm."""

import time

import pytest

from parkos.crowd.models import Area, Counter, CrowdWarning, ForecastPoint, HourlyCount
from parkos.crowd.services.counts import current_hour
from parkos.demo.loader import demo_load
from parkos.iot.models import Alarm


@pytest.fixture
def _full_engine(settings):
    del settings.CROWD_ENGINE_SETTINGS
    del settings.CROWD_FORECAST_HOURS
    del settings.CROWD_HISTORY_DAYS


@pytest.mark.django_db
def test_demo_loads_real_history_forecasts_and_a_plaza_warning(_full_engine):
    started = time.perf_counter()
    demo_load(
        steps=["parkos.demo.parks", "parkos.demo.accounts", "parkos.demo.crowd"],
        report=lambda *_: None,
    )
    assert time.perf_counter() - started < 60
    now = current_hour()
    assert Area.objects.count() == 5
    last = HourlyCount.objects.latest("starts_at").starts_at
    assert (now - last).total_seconds() == 3600
    plaza = Area.objects.get(name="中心广场")
    assert ForecastPoint.objects.filter(area=plaza, starts_at__gte=now).count() == 168
    newcomer = Counter.objects.get(name="展厅新装计数器")
    assert newcomer.forecast_is_fallback
    assert not Counter.objects.get(name="广场北口计数器").forecast_is_fallback
    warning = CrowdWarning.objects.get(area=plaza, status="active")
    assert 0 <= warning.lead_hours < 24
    print(warning.message, plaza.capacity, plaza.warning_threshold, plaza.critical_threshold)
    alarm = Alarm.objects.get(pk=warning.alarm_id)
    assert alarm.source == "crowd" and "中心广场" in alarm.title
