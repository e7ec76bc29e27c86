"""The ingest pipeline's storage: every reading once, whatever arrives twice, on SQLite and on
PostgreSQL (where a batch is COPYed and a batch holding a reading already stored takes the
staged INSERT … ON CONFLICT path)."""

import json
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from parkos.iot import selectors
from parkos.iot.credentials import identity_for_device
from parkos.iot.ingest import telemetry_ingest
from parkos.iot.models import IngestCount, LatestValue, Telemetry

pytestmark = pytest.mark.django_db


def ms(dt):
    return int(dt.timestamp() * 1000)


def ingest(device, *payloads):
    identity = identity_for_device(device.id)
    return telemetry_ingest(
        items=[(identity, json.dumps(p).encode()) for p in payloads], channel="test"
    )


def counts():
    return {c.outcome: c.count for c in IngestCount.objects.filter(channel="test")}


def test_a_reading_delivered_twice_is_stored_once(make_device):
    device, _ = make_device("climate")
    at = datetime.now(UTC).replace(microsecond=0) - timedelta(minutes=5)
    message = {"ts": ms(at), "values": {"temperature": 21.5, "humidity": 40}}

    first = ingest(device, message, message)
    again = ingest(device, message)

    assert (first.stored, first.duplicates) == (2, 2)
    assert (again.stored, again.duplicates) == (0, 2)
    assert Telemetry.objects.filter(device_id=device.id).count() == 2
    assert counts()["accepted"] == 2
    assert counts()["duplicate"] == 4


def test_a_batch_mixing_new_and_known_readings_stores_the_new_ones(make_device):
    device, _ = make_device("climate")
    start = datetime.now(UTC).replace(microsecond=0) - timedelta(hours=1)
    early = [
        {"ts": ms(start + timedelta(seconds=n)), "values": {"temperature": n}} for n in range(5)
    ]
    ingest(device, *early)

    later = [
        {"ts": ms(start + timedelta(seconds=n)), "values": {"temperature": n}} for n in range(3, 10)
    ]
    result = ingest(device, *later)

    assert (result.stored, result.duplicates) == (5, 2)
    stored = Telemetry.objects.filter(device_id=device.id).order_by("ts")
    assert [t.value for t in stored] == [float(n) for n in range(10)]
    assert [t.ts for t in stored] == [start + timedelta(seconds=n) for n in range(10)]


def test_timestamps_keep_their_milliseconds_and_the_latest_value_only_moves_forward(
    make_device,
):
    device, _ = make_device("climate")
    newer = datetime.now(UTC).replace(microsecond=123000) - timedelta(minutes=1)
    older = newer - timedelta(minutes=10)
    ingest(device, {"ts": ms(newer), "values": {"temperature": 30}})
    ingest(device, {"ts": ms(older), "values": {"temperature": 10}})

    assert sorted(Telemetry.objects.filter(device_id=device.id).values_list("ts", flat=True)) == [
        older,
        newer,
    ]
    latest = LatestValue.objects.get(device_id=device.id, key="temperature")
    assert (latest.ts, latest.value) == (newer, 30)


def test_keys_and_texts_the_database_cannot_hold_are_refused_or_cleaned(make_device):
    device, _ = make_device("climate")
    result = ingest(
        device,
        {
            "temperature": 20,
            "bad\u0000key": 1,
            "tab\tkey": 2,
            "lone\ud800": 3,
            "note": "a\u0000b\ud800c",
            "huge": 10**400,
        },
    )

    assert result.stored == 2
    stored = {t.key: (t.value, t.text) for t in Telemetry.objects.filter(device_id=device.id)}
    assert stored == {"temperature": (20.0, None), "note": (None, "ab?c")}
    assert counts()["rejected_bad_key"] == 3
    assert counts()["rejected_bad_value"] == 1


def test_downsampled_buckets_start_on_local_time(make_device, settings):
    device, _ = make_device("energy")
    shanghai = ZoneInfo("Asia/Shanghai")
    midnight = datetime.now(shanghai).replace(hour=0, minute=0, second=0, microsecond=0)
    start = midnight - timedelta(days=2)
    readings = [
        {"ts": ms(start + timedelta(minutes=7 * n)), "values": {"power": n}} for n in range(400)
    ]
    ingest(device, *readings)

    five = selectors.telemetry_series(
        device_ids=[device.id],
        key="power",
        start=start,
        end=start + timedelta(hours=1),
        bucket=300,
    )[device.id]
    daily = selectors.telemetry_series(
        device_ids=[device.id],
        key="power",
        start=start,
        end=start + timedelta(days=2),
        bucket=timedelta(days=1),
    )[device.id]

    minutes = sorted({7 * n // 5 * 5 for n in range(9)})
    assert [b["ts"] for b in five] == [start + timedelta(minutes=m) for m in minutes]
    assert [(b["min"], b["last"]) for b in five[:3]] == [(0, 0), (1, 1), (2, 2)]
    assert [b["ts"].astimezone(shanghai) for b in daily] == [start, start + timedelta(days=1)]
    assert [b["count"] for b in daily] == [206, 194]
    assert daily[0]["last"] == 205
