"""The demo's crowd flow: real Auckland history on the flagship's areas, forecasts with a
fallback for the new counter, and the plaza's warning a few hours ahead as an IOC alarm."""

import random
from datetime import timedelta

import pytest

from parkos.crowd.models import Area, Counter, CrowdWarning, ForecastPoint, HourlyCount
from parkos.crowd.services.counts import counts_rollup, current_hour
from parkos.demo.loader import demo_load
from parkos.iot.models import Alarm, Device
from parkos.iot.simulator import demo_token, reading, simulated_devices


@pytest.fixture
def _full_engine(settings):
    del settings.CROWD_ENGINE_SETTINGS
    del settings.CROWD_FORECAST_HOURS
    del settings.CROWD_HISTORY_DAYS


@pytest.mark.django_db
def test_demo_loads_real_history_forecasts_and_a_plaza_warning(_full_engine):
    demo_load(
        steps=["parkos.demo.parks", "parkos.demo.accounts", "parkos.demo.crowd"],
        report=lambda *_: None,
    )
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
    alarm = Alarm.objects.get(pk=warning.alarm_id)
    assert alarm.source == "crowd" and "中心广场" in alarm.title


@pytest.mark.django_db
def test_demo_counters_are_ioc_devices_whose_live_counts_roll_up(_full_engine, client):
    demo_load(
        steps=[
            "parkos.demo.parks",
            "parkos.demo.accounts",
            "parkos.demo.iot",
            "parkos.demo.crowd",
        ],
        report=lambda *_: None,
    )
    counter = Counter.objects.get(name="广场北口计数器")
    device = Device.objects.get(pk=counter.device_id)
    assert device.device_type.code == "people"
    assert counter.telemetry_key == "count"

    # The simulator reports counts per interval at the level of the counter's history.
    simulated = next(d for d in simulated_devices() if d.id == str(device.id))
    now = current_hour()
    previous_hour = now - timedelta(hours=1)
    typical = simulated.attributes["typical_hourly_counts"]
    expected = typical[previous_hour.weekday() * 24 + previous_hour.hour]
    rng = random.Random(3)
    readings = [reading(simulated, previous_hour, rng, step, interval=300) for step in range(12)]
    total = sum(r["count"] for r in readings)
    assert abs(total - expected) < 0.2 * expected + 30

    # Sent through the device API and rolled up, they become the counter's hourly count.
    for step, payload in enumerate(readings):
        ts = int((previous_hour + timedelta(minutes=5 * step)).timestamp() * 1000)
        response = client.post(
            f"/api/v1/{demo_token(device.serial)}/telemetry",
            {"ts": ts, "values": payload},
            content_type="application/json",
        )
        assert response.status_code == 200, response.content
    counts_rollup(now=now)
    rolled = HourlyCount.objects.get(counter=counter, starts_at=previous_hour)
    assert rolled.source == "telemetry"
    assert rolled.count == total
