import random
from datetime import datetime, timedelta

import pytest
from django.utils import timezone

from iot.factories import T0
from parkos.iot import storage
from parkos.iot.ingest import Reading
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
    # The energy page compares this month with the whole of last month: the meters'
    # history starts on its first day, not a rolling 31 days into it.
    first = Telemetry.objects.filter(key="energy").order_by("ts").values_list("ts", flat=True)[0]
    today = timezone.localdate()
    assert timezone.localtime(first).date() <= (today.replace(day=1) - timedelta(days=1)).replace(
        day=1
    )


def test_a_server_that_does_not_answer_costs_a_reading_not_the_simulator():
    """QA saw the demo's simulator exit on one telemetry POST that timed out under load,
    after which every device went silent."""
    import socket

    from parkos.iot.simulator import NOT_SENT, HttpTransport

    silent = socket.socket()
    silent.bind(("127.0.0.1", 0))
    silent.listen()
    closed = socket.socket()
    closed.bind(("127.0.0.1", 0))
    closed_port = closed.getsockname()[1]
    closed.close()
    try:
        for port in (silent.getsockname()[1], closed_port):
            transport = HttpTransport(f"http://127.0.0.1:{port}", timeout=0.2)
            assert transport.send(device("climate"), {"temperature": 22.0}) == NOT_SENT
    finally:
        silent.close()


@pytest.mark.django_db
def test_simulator_carries_registers_on_from_the_last_reading(site, make_device):
    from parkos.iot.simulator import reading, simulated_devices

    device, _ = make_device("energy")
    storage.latest_values_upsert([Reading(device.id, "energy", T0, 23_456.7, None)])
    simulated = next(d for d in simulated_devices("pujiang") if d.id == str(device.id))
    now = datetime(2026, 7, 1, 12, 0)
    assert reading(simulated, now, random.Random(1), 0)["energy"] >= 23_456.7
