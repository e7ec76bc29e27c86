"""The reviewer's inbox at scale: 5,000 cases across four parks, half in review.

    DATABASE_URL=postgres://... python bench/approvals_inbox.py [--cases 5000]

Runs in a throw-away test database (SQLite by default). Prints the time to open cases,
the inbox query time and query count for a park reviewer and a network reviewer, and
approvals per second. Target: inbox first page under 100 ms with 5,000 cases.
"""

import argparse
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "parkos.config.settings")
os.environ.setdefault("DATABASE_TEST_NAME", "bench_approvals")

import django

django.setup()

from django.db import connection  # noqa: E402
from django.test.utils import CaptureQueriesContext, setup_databases, teardown_databases  # noqa: E402

from parkos.accounts.models import Role  # noqa: E402
from parkos.accounts.services import membership_grant, user_create  # noqa: E402
from parkos.approvals import registry, selectors, services  # noqa: E402
from parkos.parks.models import Enterprise, Park  # noqa: E402


def timed(label, function, repeat=5):
    best = None
    for _ in range(repeat):
        started = time.perf_counter()
        with CaptureQueriesContext(connection) as queries:
            result = function()
        elapsed = time.perf_counter() - started
        best = elapsed if best is None else min(best, elapsed)
    print(f"  {label:<42} {best * 1000:8.1f} ms  {len(queries.captured_queries):3d} queries")
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=5000)
    options = parser.parse_args()
    old = setup_databases(verbosity=0, interactive=False)
    try:
        run(options.cases)
    finally:
        teardown_databases(old, verbosity=0)


def run(count: int) -> None:
    registry.register_subject("bench.subject")
    services.process_ensure(
        code="bench",
        name="Bench",
        allow_batch=True,
        steps=[
            {"name": "Park", "role": Role.REVIEWER, "scope": "park"},
            {"name": "Finance", "role": Role.OPERATOR_ADMIN, "scope": "network"},
        ],
    )
    parks = [Park.objects.create(code=f"p{i}", name=f"园区{i}", city="上海") for i in range(4)]
    enterprises = []
    for i in range(40):
        enterprises.append(
            Enterprise.objects.create(
                name=f"企业{i}",
                credit_code=f"91310000{i:010d}",
                park=parks[i % 4],
                industry="software",
                size="small",
            )
        )
    admins = []
    for enterprise in enterprises:
        admin = user_create(username=f"admin-{enterprise.pk}", password=None)
        membership_grant(user=admin, role=Role.ENTERPRISE_ADMIN, enterprise=enterprise)
        admins.append(admin)
    park_reviewer = user_create(username="park-reviewer", password=None)
    membership_grant(user=park_reviewer, role=Role.REVIEWER, park=parks[0])
    network_reviewer = user_create(username="network-reviewer", password=None)
    membership_grant(user=network_reviewer, role=Role.REVIEWER)

    started = time.perf_counter()
    cases = []
    for i in range(count):
        index = i % len(enterprises)
        cases.append(
            services.case_open(
                actor=admins[index],
                process_code="bench",
                subject_type="bench.subject",
                subject_id=str(i),
                title=f"申请 {i}",
                enterprise=enterprises[index],
            )
        )
    opened = time.perf_counter() - started
    print(
        f"{connection.vendor}: {count} cases opened in {opened:.1f} s "
        f"({count / opened:.0f} per second)"
    )
    started = time.perf_counter()
    for case in cases[: count // 2]:
        services.case_approve(actor=network_reviewer, case=case)
    approved = time.perf_counter() - started
    print(
        f"  {count // 2} step approvals in {approved:.1f} s ({count / 2 / approved:.0f} per second)"
    )

    timed(
        "inbox, park reviewer, first page (25)",
        lambda: list(selectors.inbox(actor=park_reviewer)[:25]),
    )
    timed(
        "inbox, network reviewer, first page (25)",
        lambda: list(selectors.inbox(actor=network_reviewer)[:25]),
    )
    timed("inbox count, network reviewer", lambda: selectors.inbox(actor=network_reviewer).count())
    timed(
        "inbox, overdue filter",
        lambda: list(selectors.inbox(actor=network_reviewer, overdue=True)[:25]),
    )
    timed("my cases, enterprise admin", lambda: list(selectors.my_cases(actor=admins[0])[:25]))


if __name__ == "__main__":
    main()
