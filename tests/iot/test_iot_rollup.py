"""Downsampling through five-minute roll-ups gives what aggregating every raw reading gives,
before and after the roll-ups are computed and with readings that arrive late and out of
order, on SQLite and on PostgreSQL."""

import json
import random
import threading
from datetime import UTC, datetime, timedelta

import pytest
from django.db import connection, transaction
from django.utils import timezone

from parkos.iot import selectors
from parkos.iot.credentials import identity_for_device
from parkos.iot.ingest import telemetry_ingest
from parkos.iot.models import Telemetry, TelemetryRollup, TelemetryRollupStale
from parkos.iot.rollup import rollups_refresh

pytestmark = pytest.mark.django_db

BASE = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)


def ingest(device, readings):
    """Readings [(ts, value)] of "temperature", through the ingest pipeline, one message each."""
    identity = identity_for_device(device.id)
    items = [
        (
            identity,
            json.dumps(
                {"ts": int(ts.timestamp() * 1000), "values": {"temperature": value}}
            ).encode(),
        )
        for ts, value in readings
    ]
    return telemetry_ingest(items=items, channel="test")


def expected(device, start, end, bucket):
    """The downsampled series computed here from every stored reading."""
    offset = int(timezone.localtime(start).utcoffset().total_seconds())
    groups: dict = {}
    for ts, value in Telemetry.objects.filter(
        device_id=device.id, key="temperature", ts__gte=start, ts__lt=end, value__isnull=False
    ).values_list("ts", "value"):
        epoch = int(ts.timestamp())
        groups.setdefault((epoch + offset) // bucket * bucket - offset, []).append((ts, value))
    zone = timezone.get_current_timezone()
    return [
        {
            "ts": datetime.fromtimestamp(at, tz=zone),
            "avg": sum(v for _, v in rows) / len(rows),
            "min": min(v for _, v in rows),
            "max": max(v for _, v in rows),
            "last": max(rows)[1],
            "count": len(rows),
        }
        for at, rows in sorted(groups.items())
    ]


def series(device, start, end, bucket):
    return selectors.telemetry_series(
        device_ids=[device.id], key="temperature", start=start, end=end, bucket=bucket
    )[device.id]


def assert_same(device, start, end, *, exact=True):
    for bucket in (300, 3600, 86400):
        got, want = series(device, start, end, bucket), expected(device, start, end, bucket)
        if exact:
            assert got == want, bucket
        else:
            assert [{**b, "avg": pytest.approx(b["avg"], rel=1e-12)} for b in want] == got


def test_rolled_up_series_equal_the_raw_aggregation_with_late_readings(make_device):
    device, _ = make_device("climate")
    # Values in quarters: their sums are exact, so averages must match to the last bit.
    readings = [(BASE + timedelta(seconds=7 * n), (n % 37) / 4) for n in range(1800)]
    ingest(device, readings)
    start, end = BASE + timedelta(minutes=2, seconds=13), BASE + timedelta(hours=3, seconds=-1)

    assert_same(device, start, end)

    rollups_refresh(now=BASE + timedelta(hours=2, minutes=31))
    rolled = TelemetryRollup.objects.filter(device_id=device.id)
    assert rolled.count() == 30
    assert_same(device, start, end)

    # Late readings, out of order: into rolled buckets, into the one being rolled next and
    # into the open one; one repeats a reading already stored.
    late = [
        (BASE + timedelta(hours=1, minutes=4, seconds=1), 99.0),
        (BASE + timedelta(minutes=12, seconds=3), -5.25),
        (BASE + timedelta(hours=2, minutes=31, seconds=2), 7.5),
        (BASE + timedelta(minutes=3), 1.0),
        readings[100],
    ]
    ingest(device, late)
    stale = set(
        TelemetryRollupStale.objects.filter(device_id=device.id).values_list("bucket", flat=True)
    )
    assert stale == {BASE + timedelta(hours=1), BASE + timedelta(minutes=10), BASE}
    assert_same(device, start, end)

    rollups_refresh(now=BASE + timedelta(hours=4))
    assert not TelemetryRollupStale.objects.exists()
    assert rolled.get(bucket=BASE + timedelta(hours=1)).max == 99.0
    assert_same(device, start, end)
    assert_same(device, BASE - timedelta(hours=1), BASE + timedelta(hours=5))


def test_random_readings_of_several_devices(make_device):
    rng = random.Random(6)
    devices = [make_device("climate")[0] for _ in range(3)]
    for device in devices:
        moments = sorted(rng.sample(range(4 * 3600), 900))
        ingest(device, [(BASE + timedelta(seconds=s), rng.uniform(-10, 40)) for s in moments])
    rollups_refresh(now=BASE + timedelta(hours=3))
    for device in devices:
        moments = rng.sample(range(4 * 3600), 50)
        ingest(device, [(BASE + timedelta(seconds=s), rng.uniform(-10, 40)) for s in moments])
    start = BASE + timedelta(seconds=rng.randrange(600))
    end = BASE + timedelta(hours=4)
    for device in devices:
        assert_same(device, start, end, exact=False)
    rollups_refresh(now=BASE + timedelta(hours=5))
    for device in devices:
        assert_same(device, start, end, exact=False)


def test_a_range_within_one_bucket_and_an_unrolled_store(make_device):
    device, _ = make_device("climate")
    ingest(device, [(BASE + timedelta(seconds=s), s / 2) for s in range(0, 600, 5)])
    assert_same(device, BASE + timedelta(seconds=61), BASE + timedelta(seconds=119))
    rollups_refresh(now=BASE + timedelta(hours=1))
    assert_same(device, BASE + timedelta(seconds=61), BASE + timedelta(seconds=119))
    assert_same(device, BASE, BASE + timedelta(minutes=10))


@pytest.mark.django_db(transaction=True)
def test_a_refresh_waits_for_a_writer_still_storing_into_a_bucket_it_closes(make_device):
    if connection.vendor != "postgresql":
        pytest.skip("SQLite has one writer at a time")
    device, _ = make_device("climate")
    ingest(device, [(BASE + timedelta(seconds=s), s / 4) for s in range(0, 600, 10)])
    rollups_refresh(now=BASE + timedelta(minutes=5, seconds=40))
    stored, release = threading.Event(), threading.Event()

    def writer():
        try:
            with transaction.atomic():
                # Not late when written: its bucket is still open for the roll-ups.
                ingest(device, [(BASE + timedelta(minutes=6, seconds=1), 500.0)])
                stored.set()
                release.wait(10)
        finally:
            connection.close()

    def refresher():
        try:
            rollups_refresh(now=BASE + timedelta(minutes=20))
        finally:
            connection.close()

    threads = [threading.Thread(target=writer), threading.Thread(target=refresher)]
    threads[0].start()
    assert stored.wait(10)
    threads[1].start()
    threads[1].join(1)
    assert threads[1].is_alive(), "the refresh must wait for the writer"
    release.set()
    for thread in threads:
        thread.join(10)
    assert (
        TelemetryRollup.objects.get(device_id=device.id, bucket=BASE + timedelta(minutes=5)).max
        == 500.0
    )
    assert_same(device, BASE, BASE + timedelta(minutes=10))
