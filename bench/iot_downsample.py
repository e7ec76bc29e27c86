"""24 h of 1 Hz readings of one key, downsampled to 5-minute buckets (target < 100 ms).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/iot_bench .venv/bin/python bench/iot_downsample.py

Uses (and migrates) the database DATABASE_URL names: give it a scratch database. Times the
call the device chart and the telemetry API make (`telemetry_series` over the 24 hours up to
now, 300-second buckets), after the scheduled roll-up job has run, with a few buckets made
stale by late readings (read from the raw readings), in several runs. Prints the wall time
and, on PostgreSQL, the CPU time the backend spent, which depends far less on what else the
machine is doing; and what the roll-up job cost."""

import os
import statistics
import time
import uuid
from datetime import timedelta

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "parkos.config.settings")
import django

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.utils import timezone  # noqa: E402

from parkos.iot import rollup, selectors, storage  # noqa: E402
from parkos.iot.ingest import Reading  # noqa: E402
from parkos.iot.models import Telemetry, TelemetryRollup, TelemetryRollupStale  # noqa: E402

RUNS = 5
QUERIES = 20


def main() -> None:
    call_command("migrate", verbosity=0)
    device_id = uuid.uuid4()
    end = timezone.now().replace(microsecond=0)
    start = end - timedelta(hours=24)
    readings = [
        Reading(device_id, "temperature", start + timedelta(seconds=s), 20 + (s % 600) / 100, None)
        for s in range(24 * 3600)
    ]
    began = time.perf_counter()
    for offset in range(0, len(readings), 20_000):
        with transaction.atomic():
            storage.telemetry_write(readings[offset : offset + 20_000])
    print(
        f"wrote {len(readings)} readings in {time.perf_counter() - began:.1f}s ({connection.vendor})"
    )
    began = time.perf_counter()
    rollup.rollups_refresh()
    print(f"roll-up job over the whole day: {(time.perf_counter() - began) * 1000:.0f} ms")
    # Late readings: a few buckets the next job run has to compute again.
    late = [
        Reading(device_id, "temperature", start + timedelta(hours=h, milliseconds=500), 99.0, None)
        for h in (2, 7, 13)
    ]
    with transaction.atomic():
        storage.telemetry_write(late)
    print(f"stale buckets: {TelemetryRollupStale.objects.count()}")
    postgres = connection.vendor == "postgresql"
    backend = None
    if postgres:
        with connection.cursor() as cursor:
            # What autovacuum does to a freshly loaded table, so that the planner knows it.
            cursor.execute("VACUUM ANALYZE iot_telemetry")
            cursor.execute("VACUUM ANALYZE iot_telemetryrollup")
            cursor.execute("SELECT pg_backend_pid()")
            backend = cursor.fetchone()[0]
    medians, p95s, cpu = [], [], []
    for run in range(RUNS):
        timings = []
        for _ in range(QUERIES):
            cpu_before = backend_cpu(backend)
            began = time.perf_counter()
            now = timezone.now()
            series = selectors.telemetry_series(
                device_ids=[device_id],
                key="temperature",
                start=now - timedelta(hours=24),
                end=now,
                bucket=300,
            )[device_id]
            timings.append((time.perf_counter() - began) * 1000)
            cpu.append((backend_cpu(backend) - cpu_before) * 1000)
        timings.sort()
        medians.append(statistics.median(timings))
        p95s.append(timings[int(0.95 * len(timings)) - 1])
        print(
            f"run {run + 1}: buckets {len(series)}, readings {sum(b['count'] for b in series)}; "
            f"query ms p50 {medians[-1]:.1f}, p95 {p95s[-1]:.1f}, max {timings[-1]:.1f}"
        )
    print(
        f"over {RUNS} runs of {QUERIES}: p50 {statistics.median(medians):.1f} ms, "
        f"p95 {statistics.median(p95s):.1f} ms (worst run {max(p95s):.1f}) (target < 100)"
    )
    if postgres:
        print(f"database backend CPU ms per query: median {statistics.median(cpu):.1f}")
    began = time.perf_counter()
    rollup.rollups_refresh()
    print(f"roll-up job for the stale buckets: {(time.perf_counter() - began) * 1000:.0f} ms")
    print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    with transaction.atomic():
        Telemetry.objects.filter(device_id=device_id).delete()
        TelemetryRollup.objects.filter(device_id=device_id).delete()


def backend_cpu(pid) -> float:
    """CPU seconds of a PostgreSQL backend on this machine (0 elsewhere)."""
    if pid is None:
        return 0.0
    try:
        with open(f"/proc/{pid}/stat") as stat:
            fields = stat.read().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


if __name__ == "__main__":
    main()
