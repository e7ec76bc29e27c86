import random
from datetime import datetime

import pytest

from parkos.iot.simulator import HOT_ROOM, SILENT_METER, SMOKE, SimulatedDevice, reading


def device(kind, serial="X-1"):
    return SimulatedDevice(id="d", serial=serial, kind=kind, token="t")


def test_faults_on_purpose():
    rng, noon = random.Random(1), datetime(2026, 7, 1, 12, 0)
    hot = device("climate", HOT_ROOM)
    assert reading(hot, noon, rng, 0)["temperature"] < 31
    assert reading(hot, noon, rng, 10)["temperature"] >= 37.5
    assert reading(device("energy_meter", SILENT_METER), noon, rng, 5) is None
    assert reading(device("smoke_alarm", SMOKE), noon, rng, 0)["smoke"] is False
    assert reading(device("smoke_alarm", SMOKE), noon, rng, 5)["smoke"] is True
    assert reading(device("smoke_alarm"), noon, rng, 5)["smoke"] is False


def test_meters_count_up_and_every_kind_reports():
    rng, noon = random.Random(1), datetime(2026, 7, 1, 12, 0)
    meter = device("energy_meter")
    first = reading(meter, noon, rng, 0)["energy"]
    assert reading(meter, noon, rng, 1)["energy"] > first
    for kind in (
        "camera",
        "air_quality",
        "water_meter",
        "thermal_scanner",
        "parking_sensor",
        "people_counter",
        "access_gate",
        "gateway",
        "climate",
    ):
        assert reading(device(kind), noon, rng, 1)


@pytest.mark.django_db
def test_demo_loads_devices_rules_and_alarms_in_every_state():
    from parkos.demo.loader import demo_load
    from parkos.iot.models import Alarm, AlarmRule, Device, Telemetry

    demo_load(
        steps=["parkos.demo.parks", "parkos.demo.accounts", "parkos.demo.iot"],
        report=lambda line: None,
    )
    assert Device.objects.count() >= 280
    assert Telemetry.objects.count() > 100_000
    assert set(Alarm.objects.values_list("status", flat=True)) == {
        "active",
        "acknowledged",
        "cleared",
    }
    assert set(AlarmRule.objects.values_list("kind", flat=True)) == {
        "threshold",
        "rate",
        "no_data",
        "combination",
    }
