"""24 h of 1 Hz readings of one key, downsampled to 5-minute buckets (target < 100 ms).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/iot_bench .venv/bin/python bench/iot_downsample.py

Uses (and migrates) the database DATABASE_URL names: give it a scratch database."""

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
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE iot_telemetry")
    timings = []
    for _ in range(20):
        began = time.perf_counter()
        series = selectors.telemetry_series(
            device_ids=[device_id], key="temperature", start=start, end=end, bucket=300
        )[device_id]
        timings.append((time.perf_counter() - began) * 1000)
    print(
        f"buckets: {len(series)}; query ms: median {statistics.median(timings):.1f}, "
        f"p95 {sorted(timings)[18]:.1f}, max {max(timings):.1f} (target < 100)"
    )


if __name__ == "__main__":
    main()
