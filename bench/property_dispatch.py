"""Smart dispatch at scale: 200 technicians, 10,000 open tickets, one decision per new ticket.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/x python bench/property_dispatch.py

Runs in a throw-away test database (SQLite by default; the target is stated for PostgreSQL).
Builds one property company with 200 technicians (skills, shifts, zones, base buildings) and
10,000 open tickets assigned among them, trains the company's dispatch model on 3,000 settled
tickets, then times the dispatch decision (classify + assign, with its reasons) for new
descriptions, and the whole `ticket_create` (decision and writes) for comparison.
Target: decision p95 under 50 ms.
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
os.environ.setdefault("DATABASE_TEST_NAME", "bench_property")

import django

django.setup()

from django.db import connection  # noqa: E402
from django.test.utils import CaptureQueriesContext, setup_databases, teardown_databases  # noqa: E402
from django.utils import timezone  # noqa: E402

from parkos.accounts.models import Role, User  # noqa: E402
from parkos.accounts.services import membership_grant  # noqa: E402
from parkos.demo.property import TEXTS  # noqa: E402
from parkos.parks.models import Building, Enterprise, Floor, Lease, Park, Unit, Zone  # noqa: E402
from parkos.property import categorize, routing, services  # noqa: E402
from parkos.property.models import PropertyCompany, Shift, Technician, Ticket  # noqa: E402

SLOTS = {"room": "会议室", "t": 30, "c": 16, "en": "office", "floor": "3楼", "b": "1号楼", "n": 5}


def describe(rng) -> tuple[str, str]:
    category = rng.choice(list(TEXTS))
    return category, rng.choice(TEXTS[category].split("|")).format(**SLOTS)


def build(technicians: int, open_tickets: int, history: int):
    rng = random.Random(7)
    now = timezone.now()
    park = Park.objects.create(code="bench", name="基准园区", city="上海")
    zone = Zone.objects.create(park=park, name="A区")
    buildings = [
        Building.objects.create(
            park=park, zone=zone, name=f"{i}号楼", latitude=31.2 + i / 1000, longitude=121.5
        )
        for i in range(1, 11)
    ]
    floor = Floor.objects.create(building=buildings[0], level=3)
    unit = Unit.objects.create(floor=floor, number="301", area=100)
    enterprise = Enterprise.objects.create(
        name="基准科技",
        credit_code="91310115MA1K000000",
        park=park,
        industry="software",
        size="small",
    )
    Lease.objects.create(
        unit=unit,
        enterprise=enterprise,
        start=now.date() - timedelta(days=10),
        end=now.date() + timedelta(days=300),
        monthly_rent=1000,
    )
    company = PropertyCompany.objects.create(
        park=park, zone=zone, name="基准物业", auto_dispatch_threshold=0
    )
    users = User.objects.bulk_create(User(username=f"bt{i:03d}") for i in range(technicians))
    techs = Technician.objects.bulk_create(
        Technician(
            user=u,
            company=company,
            skills=rng.sample(list(TEXTS), 3),
            base_building=rng.choice(buildings),
        )
        for u in users
    )
    Technician.zones.through.objects.bulk_create(
        Technician.zones.through(technician_id=t.id, zone_id=zone.id) for t in techs
    )
    Shift.objects.bulk_create(
        Shift(
            technician=t,
            start=now - timedelta(hours=rng.randint(1, 10)),
            end=now + timedelta(hours=rng.randint(1, 10)),
        )
        for t in techs
        if rng.random() < 0.6
    )
    rows = []
    for i in range(open_tickets + history):
        category, text = describe(rng)
        settled = i >= open_tickets
        rows.append(
            Ticket(
                number=f"B{i:07d}",
                company=company,
                building=rng.choice(buildings),
                source="web",
                kind="repair",
                category=category,
                title=text[:40],
                description=text,
                priority="normal",
                status="confirmed"
                if settled
                else rng.choice(["dispatched", "accepted", "on_site"]),
                assignee=rng.choice(techs),
                created_at=now - timedelta(hours=rng.randint(1, 500)),
            )
        )
    Ticket.objects.bulk_create(rows, batch_size=2000)
    tenant = User.objects.create(username="bench-tenant")
    membership_grant(user=tenant, role=Role.ENTERPRISE_ADMIN, enterprise=enterprise, park=park)
    return company, buildings, unit, tenant


def percentiles(samples: list[float]) -> str:
    ordered = sorted(samples)
    pick = lambda q: ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000  # noqa: E731
    return f"p50 {pick(0.5):6.1f} ms  p95 {pick(0.95):6.1f} ms  p99 {pick(0.99):6.1f} ms  max {ordered[-1] * 1000:6.1f} ms"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--technicians", type=int, default=200)
    parser.add_argument("--open-tickets", type=int, default=10_000)
    parser.add_argument("--history", type=int, default=3_000)
    parser.add_argument("--decisions", type=int, default=300)
    args = parser.parse_args()
    old = setup_databases(verbosity=0, interactive=False)
    try:
        started = time.perf_counter()
        company, buildings, unit, tenant = build(args.technicians, args.open_tickets, args.history)
        print(
            f"database: {connection.vendor}; built {args.technicians} technicians, "
            f"{args.open_tickets} open tickets in {time.perf_counter() - started:.1f} s"
        )
        started = time.perf_counter()
        model = categorize.model_train(company=company)
        print(f"trained on {model.samples} tickets in {time.perf_counter() - started:.1f} s")
        rng = random.Random(11)
        categorize.predict(company.id, "warm-up")
        decisions, right, queries = [], 0, 0
        for _ in range(args.decisions):
            category, text = describe(rng)
            building = rng.choice(buildings)
            begun = time.perf_counter()
            with CaptureQueriesContext(connection) as captured:
                suggestions = categorize.predict(company.id, text)
                chosen = routing.choose(
                    company=company,
                    category=suggestions[0][0],
                    building=building,
                    zone_id=company.zone_id,
                )
            decisions.append(time.perf_counter() - begun)
            queries = max(queries, len(captured))
            right += suggestions[0][0] == category
            assert chosen is not None and chosen.reasons
        print(
            f"dispatch decision (classify + assign) x{args.decisions}: {percentiles(decisions)}; "
            f"{queries} queries; top-1 right {right / args.decisions:.0%}"
        )
        print(f"  e.g. reasons: {'; '.join(chosen.reasons)}")
        creates = []
        for _ in range(min(100, args.decisions)):
            _category, text = describe(rng)
            begun = time.perf_counter()
            services.ticket_create(actor=tenant, unit=unit, description=text)
            creates.append(time.perf_counter() - begun)
        print(
            f"ticket_create end to end (decision + writes) x{len(creates)}: {percentiles(creates)}"
        )
        target = sorted(decisions)[int(0.95 * len(decisions))] * 1000
        print(f"target p95 < 50 ms: {'met' if target < 50 else 'NOT met'} ({target:.1f} ms)")
    finally:
        teardown_databases(old, verbosity=0)


if __name__ == "__main__":
    main()
