"""The fair's opening minute: 500 candidates applying at once, against `parkos serve` on
PostgreSQL.

    .venv/bin/python bench/talent_apply.py [--candidates 500] [--runs 3] [--workers 2]

Creates `parkos_bench_talent` on PostgreSQL at 127.0.0.1:5432 (user postgres), a running fair with
20 booths and 60 positions, and 500 candidates, each with an API token. Each run, every
candidate applies to three positions of the fair in one request (POST /api/talent/applications),
all 500 requests sent at the same moment from asyncio clients on the loopback; 100 of the
candidates send their request twice at once (a double click), which must give one 201 and one
409 `already_applied`. Applications are removed between runs. Prints, per run, the p50/p95 of
the 500 first submissions, the errors (any answer other than 201, or 409 for a double), and the
number of duplicate applications in the database (must be 0); then the medians of the runs.
Target: zero errors, p95 under 300 ms, no duplicate.
"""

import argparse
import asyncio
import os
import random
import signal
import statistics
import subprocess
import sys
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
PARKOS = [sys.executable, "-m", "parkos.cli"]
DB_NAME = "parkos_bench_talent"
DATABASE_URL = f"postgres://postgres@127.0.0.1:5432/{DB_NAME}"

SETUP = r"""
import json, os, random
from datetime import timedelta
from decimal import Decimal
import django
django.setup()
from django.utils import timezone
from parkos.accounts.models import Membership, Role, User
from parkos.accounts.services import token_create
from parkos.parks.models import Enterprise, Park
from parkos.talent.models import Booth, Candidate, JobFair, Position

n = int(os.environ["BENCH_CANDIDATES"])
park = Park.objects.create(code="bench", name="基准园区", city="杭州")
now = timezone.now()
fair = JobFair.objects.create(park=park, title="开场一分钟", theme="field", field="software",
                              starts_at=now - timedelta(hours=1), ends_at=now + timedelta(days=3))
positions = []
for i in range(20):
    enterprise = Enterprise.objects.create(name=f"基准企业{i}", credit_code=f"91330100{i:09d}X",
                                           park=park, industry="software", size="small")
    booth = Booth.objects.create(fair=fair, enterprise=enterprise, status="approved")
    for j in range(3):
        positions.append(Position.objects.create(
            enterprise=enterprise, park=park, booth=booth, title=f"工程师{i}-{j}", field="software",
            level="junior", city="杭州", salary_min=Decimal("15000"), salary_max=Decimal("25000"),
            skills=["Python"], closes_on=timezone.localdate() + timedelta(days=30),
            status="published", published_at=now))
users = User.objects.bulk_create([User(username=f"cand{i}", password="!") for i in range(n)])
Membership.objects.bulk_create([Membership(user=u, role=Role.CANDIDATE) for u in users])
Candidate.objects.bulk_create([Candidate(user=u, name=f"候选人{i}", phone=f"139{i:08d}")
                               for i, u in enumerate(users)])
tokens = [token_create(user=u)[1] for u in users]
print(json.dumps({"tokens": tokens, "positions": [str(p.id) for p in positions]}))
"""

CHECK = r"""
import django, json
django.setup()
from django.db.models import Count
from parkos.talent.models import Application
dups = (Application.objects.exclude(status="merged").values("candidate_id", "position_id")
        .annotate(n=Count("id")).filter(n__gt=1).count())
print(json.dumps({"applications": Application.objects.count(), "duplicates": dups}))
"""

RESET = r"""
import django
django.setup()
from parkos.talent.models import Application, ApplicationEvent, Consent
ApplicationEvent.objects.all().delete(); Application.objects.all().delete(); Consent.objects.all().delete()
"""


def environment() -> dict:
    return {
        **os.environ,
        "DATABASE_URL": DATABASE_URL,
        "REDIS_URL": os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/3"),
        "DEBUG": "false",
        "SECURE_SSL_REDIRECT": "false",
        "SESSION_COOKIE_SECURE": "false",
        "CSRF_COOKIE_SECURE": "false",
        "LOG_LEVEL": "warning",
        "SECRET_KEY": "bench-" + "x7Q!" * 16,
        "DJANGO_SETTINGS_MODULE": "parkos.config.settings",
    }


def python(code: str, **extra) -> str:
    """The last line a snippet printed (its JSON answer), or "" when it printed nothing."""
    output = subprocess.run(
        [sys.executable, "-c", code],
        env={**environment(), **extra},
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()
    return output.splitlines()[-1] if output else ""


def prepare(candidates: int) -> dict:
    import json

    for sql in (f"DROP DATABASE IF EXISTS {DB_NAME}", f"CREATE DATABASE {DB_NAME}"):
        subprocess.run(
            ["psql", "-h", "127.0.0.1", "-U", "postgres", "-c", sql],
            check=True,
            capture_output=True,
        )
    subprocess.run([*PARKOS, "migrate", "-v", "0"], env=environment(), check=True)
    return json.loads(python(SETUP, BENCH_CANDIDATES=str(candidates)))


async def opening_minute(
    base: str, tokens: list[str], positions: list[str], doubles: int, seed: int
):
    rng = random.Random(seed)
    limits = httpx.Limits(max_connections=len(tokens) + doubles, max_keepalive_connections=0)
    start = asyncio.Event()
    results = []

    async with httpx.AsyncClient(base_url=base, limits=limits, timeout=60) as client:

        async def apply(token: str, picks: list[str], double: bool):
            await start.wait()
            started = time.perf_counter()
            response = await client.post(
                "/api/talent/applications",
                json={"position_ids": picks, "consent": True},
                headers={"Authorization": f"Bearer {token}"},
            )
            results.append((time.perf_counter() - started, response.status_code, double, response))

        jobs = []
        for index, token in enumerate(tokens):
            picks = rng.sample(positions, 3)
            jobs.append(apply(token, picks, False))
            if index < doubles:
                jobs.append(apply(token, picks, True))
        tasks = [asyncio.create_task(job) for job in jobs]
        await asyncio.sleep(0.5)
        start.set()
        await asyncio.gather(*tasks)
    return results


def summarise(results, doubles: int) -> dict:
    firsts = [r for r in results if not r[2]]
    latencies = sorted(r[0] for r in firsts)
    p95 = latencies[int(0.95 * (len(latencies) - 1))]
    # Of the two submissions of a double, one must be 201 and the other 409 already_applied.
    by_status = [r[1] for r in results]
    created = by_status.count(201)
    conflicts = [r for r in results if r[1] == 409]
    errors = [
        r
        for r in results
        if r[1] not in (201, 409) or (r[1] == 409 and r[3].json().get("code") != "already_applied")
    ]
    return {
        "p50": statistics.median(latencies) * 1000,
        "p95": p95 * 1000,
        "created": created,
        "refused_doubles": len(conflicts),
        "errors": len(errors) + abs(len(conflicts) - doubles),
        "sample_error": (errors[0][1], errors[0][3].text[:200]) if errors else None,
    }


def main() -> None:
    import json

    parser = argparse.ArgumentParser()
    parser.add_argument("--candidates", type=int, default=500)
    parser.add_argument("--doubles", type=int, default=100)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--port", type=int, default=8776)
    options = parser.parse_args()
    print("preparing PostgreSQL …", flush=True)
    data = prepare(options.candidates)
    server = subprocess.Popen(
        [*PARKOS, "serve", "--port", str(options.port), "--workers", str(options.workers)],
        env=environment(),
        start_new_session=True,
    )
    base = f"http://127.0.0.1:{options.port}"
    try:
        for _ in range(300):
            try:
                if httpx.get(f"{base}/api/talent/fairs", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            time.sleep(0.5)
        # Warm every worker: the first request of a process loads the whole URL configuration.
        for _ in range(options.workers * 4):
            httpx.get(f"{base}/api/talent/positions?limit=1", timeout=60)
        runs = []
        for run in range(options.runs):
            python(RESET)
            results = asyncio.run(
                opening_minute(base, data["tokens"], data["positions"], options.doubles, seed=run)
            )
            summary = summarise(results, options.doubles)
            summary.update(json.loads(python(CHECK)))
            runs.append(summary)
            print(
                f"run {run + 1}: p50 {summary['p50']:.0f} ms, p95 {summary['p95']:.0f} ms, "
                f"created {summary['created']}, doubles refused {summary['refused_doubles']}, "
                f"errors {summary['errors']}, applications {summary['applications']}, "
                f"duplicates {summary['duplicates']}"
                + (f", first error {summary['sample_error']}" if summary["sample_error"] else ""),
                flush=True,
            )
        print(
            f"median of {len(runs)} runs: p50 {statistics.median(r['p50'] for r in runs):.0f} ms, "
            f"p95 {statistics.median(r['p95'] for r in runs):.0f} ms, "
            f"errors {max(r['errors'] for r in runs)}, duplicates {max(r['duplicates'] for r in runs)} "
            "(target: p95 < 300 ms, zero errors, no duplicate)"
        )
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)


if __name__ == "__main__":
    main()
