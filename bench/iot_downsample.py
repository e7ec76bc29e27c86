"""24 h of 1 Hz readings of one key, downsampled to 5-minute buckets (target < 100 ms).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/iot_bench .venv/bin/python bench/iot_downsample.py

Uses (and migrates) the database DATABASE_URL names: give it a scratch database. Prints the
wall time of the query and, on PostgreSQL, the CPU time its backend spent, which depends far
less on what else the machine is doing."""

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

from parkos.iot import selectors, storage  # noqa: E402
from parkos.iot.ingest import Reading  # noqa: E402
from parkos.iot.models import Telemetry  # noqa: E402


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
    postgres = connection.vendor == "postgresql"
    backend = None
    if postgres:
        with connection.cursor() as cursor:
            # What autovacuum does to a freshly loaded table, so that the planner knows it.
            cursor.execute("VACUUM ANALYZE iot_telemetry")
            cursor.execute("SELECT pg_backend_pid()")
            backend = cursor.fetchone()[0]
    timings, cpu = [], []
    for _ in range(20):
        cpu_before = backend_cpu(backend)
        began = time.perf_counter()
        series = selectors.telemetry_series(
            device_ids=[device_id], key="temperature", start=start, end=end, bucket=300
        )[device_id]
        timings.append((time.perf_counter() - began) * 1000)
        cpu.append((backend_cpu(backend) - cpu_before) * 1000)
    print(
        f"buckets: {len(series)}; query ms: median {statistics.median(timings):.1f}, "
        f"p95 {sorted(timings)[18]:.1f}, max {max(timings):.1f} (target < 100)"
    )
    if postgres:
        print(f"database backend CPU ms per query: median {statistics.median(cpu):.0f}")
    print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    with transaction.atomic():
        Telemetry.objects.filter(device_id=device_id).delete()


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
