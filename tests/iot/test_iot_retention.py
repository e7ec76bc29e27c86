from datetime import UTC, datetime, timedelta

import pytest

from parkos.iot import storage
from parkos.iot.ingest import Reading
from parkos.iot.models import Telemetry, TelemetryHourly, TelemetryKey, TelemetryRollup
from parkos.iot.retention import telemetry_expire
from parkos.iot.rollup import rollups_refresh


@pytest.mark.django_db
def test_old_raw_readings_expire_per_key_and_their_hours_are_kept(make_device):
    device, _ = make_device("climate")
    TelemetryKey.objects.filter(key="humidity").update(raw_retention_days=7)
    now = datetime(2026, 6, 30, 12, tzinfo=UTC)
    old = now - timedelta(days=10)
    readings = [
        Reading(device.id, key, old + timedelta(minutes=m), float(m), None)
        for key in ("temperature", "humidity")
        for m in range(0, 120, 10)
    ]
    storage.telemetry_write(readings)
    rollups_refresh(now=now)
    assert TelemetryRollup.objects.filter(key="humidity").count() == 12
    assert telemetry_expire(now=now) == 12
    # The five-minute roll-ups go with the raw readings they summarise.
    assert set(TelemetryRollup.objects.values_list("key", flat=True)) == {"temperature"}
    assert set(Telemetry.objects.values_list("key", flat=True)) == {"temperature"}
    hours = TelemetryHourly.objects.filter(key="humidity").order_by("hour")
    assert [(h.min, h.max, h.last, h.count) for h in hours] == [(0, 50, 50, 6), (60, 110, 110, 6)]
