"""The re-opening ledger at scale: 2,000 enterprises with leases in one park (three zones),
twelve weekly rounds of history, then the current round filed through the service.

    DATABASE_URL=postgres://... python bench/filings_dashboard.py [--enterprises 2000]

Runs in a throw-away test database (SQLite by default). Prints filings per second, the
operator's dashboard time and query count, and the Excel export time.
Target: dashboard under 1 s and a fixed number of queries with 2,000 enterprises.
"""

import argparse
import os
import random
import sys
import time
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "parkos.config.settings")
os.environ.setdefault("DATABASE_TEST_NAME", "bench_filings")

import django

django.setup()

from django.db import connection  # noqa: E402
from django.test.utils import CaptureQueriesContext, setup_databases, teardown_databases  # noqa: E402
from django.utils import timezone  # noqa: E402

from parkos.accounts.models import Role  # noqa: E402
from parkos.accounts.services import membership_grant, user_create  # noqa: E402
from parkos.demo.parks import make_credit_code  # noqa: E402
from parkos.filings import dashboard, exports, services  # noqa: E402
from parkos.filings.models import Submission, SubmissionRevision  # noqa: E402
from parkos.parks.models import Building, Enterprise, Floor, Lease, Park, Unit, Zone  # noqa: E402


def build(count: int, rng: random.Random):
    park = Park.objects.create(code="bench", name="基准园区", city="上海")
    floors = []
    for zone_name in ("A区", "B区", "C区"):
        zone = Zone.objects.create(park=park, name=zone_name)
        for b in range(3):
            building = Building.objects.create(park=park, zone=zone, name=f"{zone_name}{b}号楼")
            floors += Floor.objects.bulk_create(
                Floor(building=building, level=level) for level in range(1, 31)
            )
    units = Unit.objects.bulk_create(
        Unit(floor=floor, number=f"{floor.level}{i:02d}", area=100)
        for floor in floors
        for i in range(1, 9)
    )
    enterprises = Enterprise.objects.bulk_create(
        Enterprise(
            name=f"基准企业{n}",
            credit_code=make_credit_code(rng, "310115"),
            park=park,
            industry="software",
            size="small",
            headcount=rng.randint(10, 300),
        )
        for n in range(count)
    )
    today = timezone.localdate()
    Lease.objects.bulk_create(
        Lease(
            unit=unit,
            enterprise=enterprise,
            start=today - timedelta(days=400),
            end=today + timedelta(days=400),
            monthly_rent="10000.00",
        )
        for unit, enterprise in zip(units, enterprises, strict=False)
    )
    operator = user_create(username="bench-operator", password="x", display_name="运营")
    membership_grant(user=operator, role=Role.OPERATOR_ADMIN, park=park)
    return park, enterprises, operator


def figures(rng, headcount):
    total = max(1, round(headcount * rng.uniform(0.95, 1.03)))
    return {
        "total_staff": total,
        "returned_staff": round(total * rng.uniform(0.5, 0.9)),
        "risk_area_staff": 0,
        "observation_staff": 0,
        "supplies_days": rng.randint(3, 40),
        "compliance_declared": rng.random() > 0.05,
    }


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--enterprises", type=int, default=2000)
    parser.add_argument("--history", type=int, default=12)
    args = parser.parse_args()
    rng = random.Random(7)
    old = setup_databases(verbosity=0, interactive=False)
    try:
        park, enterprises, operator = build(args.enterprises, rng)
        monday = timezone.localdate() - timedelta(days=timezone.localdate().weekday())
        now = timezone.now()
        rounds = []
        for weeks_ago in range(args.history, -1, -1):
            start = monday - timedelta(weeks=weeks_ago)
            rounds.append(
                services.round_open(
                    actor=operator,
                    park=park,
                    title=f"第{args.history - weeks_ago + 1}周",
                    period_start=start,
                    period_end=start + timedelta(days=6),
                )
            )
        for past in rounds[:-1]:
            rows = [
                Submission(
                    round=past,
                    enterprise=e,
                    first_submitted_at=now,
                    submitted_at=now,
                    **figures(rng, e.headcount),
                )
                for e in enterprises
                if rng.random() < 0.9
            ]
            Submission.objects.bulk_create(rows, batch_size=500)
            SubmissionRevision.objects.bulk_create(
                (
                    SubmissionRevision(submission=s, version=1, submitted_at=now, **s.values())
                    for s in rows
                ),
                batch_size=500,
            )
        current = rounds[-1]
        filers = [e for e in enterprises if rng.random() < 0.8]
        started = time.perf_counter()
        for enterprise in filers:
            services.submission_file(
                actor=operator,
                filing_round=current,
                enterprise=enterprise,
                **figures(rng, enterprise.headcount),
            )
        elapsed = time.perf_counter() - started
        print(f"filings: {len(filers)} in {elapsed:.1f} s = {len(filers) / elapsed:.0f}/s")
        best, queries = None, 0
        for _ in range(3):
            started = time.perf_counter()
            with CaptureQueriesContext(connection) as captured:
                data = dashboard.round_dashboard(actor=operator, filing_round=current)
            took = time.perf_counter() - started
            best = took if best is None else min(best, took)
            queries = len(captured.captured_queries)
        print(
            f"dashboard: {best * 1000:.0f} ms, {queries} queries "
            f"({data['overall'].expected} expected, {len(data['flagged'])} flagged, "
            f"{len(data['trend'])} rounds of trend)"
        )
        started = time.perf_counter()
        _name, content = exports.round_export(actor=operator, filing_round=current)
        print(
            f"export: {(time.perf_counter() - started) * 1000:.0f} ms, {len(content) // 1024} KiB"
        )
    finally:
        teardown_databases(old, verbosity=0)


if __name__ == "__main__":
    main()
