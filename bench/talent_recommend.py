"""Recommendations at scale: 10,000 open positions and 20,000 candidates.

    python bench/talent_recommend.py                        # SQLite file in /tmp
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres python bench/talent_recommend.py

Runs in a throw-away test database (`bench_talent_recommend`). Times what the HR board and the
candidate's home page ask: the best candidates for a position (`candidates_for_position`) and
the best positions for a candidate (`positions_for_candidate`), each with its reasons worded,
for 200 random positions and 200 random candidates. Prints p50/p95 of each (median of the
runs). Target: p95 under 100 ms.
"""

import argparse
import os
import random
import statistics
import sys
import time
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "parkos.config.settings")
os.environ.setdefault("DATABASE_TEST_NAME", "bench_talent_recommend")
os.environ.setdefault("DATABASE_URL", "sqlite:////tmp/parkos-bench-talent-recommend.sqlite3")

import django

django.setup()

from django.db import connection  # noqa: E402
from django.test.utils import setup_databases, teardown_databases  # noqa: E402
from django.utils import timezone, translation  # noqa: E402

from parkos.demo.talent import LEVEL_SALARY, SKILLS, TITLES  # noqa: E402
from parkos.parks.models import Enterprise, Park  # noqa: E402
from parkos.talent.models import Application, Candidate, Position  # noqa: E402
from parkos.talent.recommend import (  # noqa: E402
    REASONS,
    candidates_for_position,
    positions_for_candidate,
)

CITIES = ["上海", "昆山", "南通", "嘉兴", "杭州", "苏州", "南京", "合肥"]


def fill(rng, positions: int, candidates: int) -> None:
    parks = [
        Park.objects.create(code=f"bench{i}", name=f"基准园区{i}", city=city)
        for i, city in enumerate(CITIES[:4])
    ]
    enterprises = Enterprise.objects.bulk_create(
        [
            Enterprise(
                name=f"基准企业{i}",
                credit_code=f"91310000{i:09d}X",
                park=parks[i % len(parks)],
                industry="software",
                size="small",
            )
            for i in range(500)
        ]
    )
    fields, levels = list(SKILLS), list(LEVEL_SALARY)
    today = timezone.localdate()
    rows = []
    for i in range(positions):
        field, level = rng.choice(fields), rng.choice(levels)
        low, high = LEVEL_SALARY[level]
        salary_min = Decimal(rng.randrange(low, (low + high) // 2, 500))
        enterprise = enterprises[i % len(enterprises)]
        rows.append(
            Position(
                enterprise=enterprise,
                park_id=enterprise.park_id,
                title=rng.choice(TITLES[field]),
                field=field,
                level=level,
                city=rng.choice(CITIES),
                salary_min=salary_min,
                salary_max=salary_min + Decimal(rng.randrange(2000, 20000, 500)),
                skills=rng.sample(SKILLS[field], 4),
                closes_on=today + timedelta(days=30),
                status="published",
            )
        )
    Position.objects.bulk_create(rows, batch_size=2000)
    people = []
    for i in range(candidates):
        field, level = rng.choice(fields), rng.choice(levels)
        low, high = LEVEL_SALARY[level]
        city = rng.choice(CITIES)
        people.append(
            Candidate(
                name=f"候选人{i}",
                phone=f"139{i:08d}",
                city=city,
                expected_cities=[city, rng.choice(CITIES)],
                expected_salary=Decimal(rng.randrange(low, high, 500)),
                field=field,
                level=level,
                skills=rng.sample(SKILLS[field], 3),
                discoverable=i % 10 != 0,
            )
        )
    Candidate.objects.bulk_create(people, batch_size=2000)
    # A talent pool: 5,000 past applications.
    position_ids = list(Position.objects.values_list("id", "enterprise_id"))
    candidate_ids = list(Candidate.objects.values_list("id", flat=True))
    pairs = {(rng.choice(candidate_ids), rng.choice(position_ids)) for _ in range(5000)}
    Application.objects.bulk_create(
        [
            Application(candidate_id=c, position_id=p, enterprise_id=e, status="rejected")
            for c, (p, e) in pairs
        ],
        batch_size=2000,
    )


def percentile(values, q):
    values = sorted(values)
    return values[min(len(values) - 1, round(q * (len(values) - 1)))]


def measure(fn, items):
    """Wall and CPU milliseconds per call (SQLite runs in this process, so on a machine shared
    with other work the CPU time is the figure an idle machine's wall clock would show)."""
    times, cpu = [], []
    for item in items:
        started, started_cpu = time.perf_counter(), time.process_time()
        matches = fn(item)
        for match in matches:
            [REASONS.render(r) for r in match.reasons]
        times.append((time.perf_counter() - started) * 1000)
        cpu.append((time.process_time() - started_cpu) * 1000)
    return percentile(times, 0.5), percentile(times, 0.95), percentile(cpu, 0.95)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--positions", type=int, default=10_000)
    parser.add_argument("--candidates", type=int, default=20_000)
    parser.add_argument("--runs", type=int, default=3)
    options = parser.parse_args()
    rng = random.Random(16)
    old = setup_databases(verbosity=0, interactive=False)
    translation.activate("zh-hans")
    try:
        started = time.perf_counter()
        fill(rng, options.positions, options.candidates)
        print(
            f"{connection.vendor}: {options.positions:,} positions, {options.candidates:,} "
            f"candidates filled in {time.perf_counter() - started:.1f} s"
        )
        positions = rng.sample(list(Position.objects.all()), 200)
        candidates = rng.sample(list(Candidate.objects.all()), 200)
        sample = candidates_for_position(position=positions[0])[0]
        print(f"e.g. {sample.title}: {sample.score} — {sample.reasons_text}")
        results = {"candidates for a position": [], "positions for a candidate": []}
        for _ in range(options.runs):
            results["candidates for a position"].append(
                measure(lambda p: candidates_for_position(position=p), positions)
            )
            results["positions for a candidate"].append(
                measure(lambda c: positions_for_candidate(candidate=c), candidates)
            )
        for name, runs in results.items():
            p50 = statistics.median(r[0] for r in runs)
            p95 = statistics.median(r[1] for r in runs)
            cpu95 = statistics.median(r[2] for r in runs)
            print(
                f"{name}: p50 {p50:.1f} ms, p95 {p95:.1f} ms wall, p95 {cpu95:.1f} ms CPU "
                f"(median of {len(runs)} runs; target p95 < 100 ms)"
            )
    finally:
        teardown_databases(old, verbosity=0)


if __name__ == "__main__":
    main()
