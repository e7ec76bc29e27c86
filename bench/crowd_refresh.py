"""Crowd flow at park scale: the whole Auckland history imported, then a forecast refresh.

    python bench/crowd_refresh.py [--areas-per-chunk 3]
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres python bench/crowd_refresh.py

Runs in a throw-away test database (`bench_crowd`). Writes the Auckland counts (21
sensors, 2019 onwards) as the long CSV, imports it through `counts_import` (all of it, in
one transaction), groups the sensors into areas of three, and refreshes the forecasts of
the next 168 hours with the engine's default settings, chunk by chunk as the workers
would. Prints rows per second of the import, seconds per chunk and for the refresh, and
the model each sensor got. Targets: the 1.2 million rows imported in under 5 minutes;
one chunk of three areas (nine sensors, 168 hours ahead) under 60 s on one core, so an
hourly refresh of a 100-area park fits in the hour on a handful of workers.
"""

import argparse
import os
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "parkos.config.settings")
os.environ.setdefault("DATABASE_TEST_NAME", "bench_crowd")

import django

django.setup()

from django.conf import settings  # noqa: E402
from django.db import connection  # noqa: E402
from django.test.utils import setup_databases, teardown_databases  # noqa: E402
from django.utils import timezone  # noqa: E402

from parkos.crowd.forecast.auckland import write_auckland_counts_csv  # noqa: E402
from parkos.crowd.models import Counter, ForecastPoint, HourlyCount  # noqa: E402
from parkos.crowd.services import counts_import  # noqa: E402
from parkos.crowd.services.areas import area_create  # noqa: E402
from parkos.crowd.services.forecasts import forecast_chunk_refresh, forecast_chunks  # noqa: E402
from parkos.parks.models import Park  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--areas-per-chunk", type=int, default=3)
    options = parser.parse_args()
    settings.CROWD_AREAS_PER_TASK = options.areas_per_chunk
    old = setup_databases(verbosity=0, interactive=False)
    try:
        park = Park.objects.create(code="bench", name="基准园区", city="上海")
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / "auckland.csv"
            written = write_auckland_counts_csv(path)
            started = time.perf_counter()
            with open(path, "rb") as source:
                report = counts_import(actor=None, park=park, source=source, create_counters=True)
            took = time.perf_counter() - started
        print(
            f"{connection.vendor}: import of {written:,} rows, {report['gaps']:,} gaps, "
            f"{report['sensors']} sensors: {took:.1f} s, {written / took:,.0f} rows/s"
        )

        counters = list(Counter.objects.filter(park=park).order_by("name"))
        for number, start in enumerate(range(0, len(counters), 3)):
            area = area_create(
                actor=None,
                park=park,
                name=f"区域{number + 1}",
                kind="plaza",
                capacity=10_000,
                warning_threshold=9_000,
                critical_threshold=10_000,
            )
            Counter.objects.filter(id__in=[c.id for c in counters[start : start + 3]]).update(
                area=area
            )
        # The history ends on 2026-01-01 05:00: forecast from the hour after.
        last = HourlyCount.objects.latest("starts_at").starts_at
        origin = timezone.localtime(last).replace(minute=0) + timedelta(hours=1)
        chunks = forecast_chunks(park_id=park.id)
        total = time.perf_counter()
        for _park, area_ids, counter_ids in chunks:
            started = time.perf_counter()
            done = forecast_chunk_refresh(
                area_ids=area_ids, counter_ids=counter_ids, origin=origin.isoformat()
            )
            print(
                f"chunk of {len(area_ids)} areas / {done['counters']} counters: "
                f"{time.perf_counter() - started:.1f} s"
            )
        print(
            f"refresh of {len(chunks)} chunks, {ForecastPoint.objects.count():,} forecast hours: "
            f"{time.perf_counter() - total:.1f} s"
        )
        for counter in Counter.objects.filter(park=park).order_by("name"):
            flag = " (fallback)" if counter.forecast_is_fallback else ""
            print(f"  {counter.name:40} {counter.forecast_model}{flag}")
    finally:
        teardown_databases(old, verbosity=0)


if __name__ == "__main__":
    main()
