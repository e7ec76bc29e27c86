"""Verification of the housing-subsidy ledger at 1,000,000 records.

    python bench/talent_ledger_verify.py                        # SQLite file in /tmp
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres python bench/talent_ledger_verify.py

Runs in a throw-away test database (`bench_talent_ledger`). Fills the ledger with N records
(half grants with four computation lines, half payments with two: 3,000,000 lines for 1,000,000
records), hashed exactly as `HashChain.append` hashes them, inserted in bulk (the triggers
refuse only UPDATE and DELETE), then times `LEDGER.verify()` (what `parkos
talent-ledger-verify` runs) several times and prints the median. Then it changes one record in
the middle behind the triggers' back and checks that verify names it. Target: under 60 s.
"""

import argparse
import os
import statistics
import sys
import time
import uuid
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "parkos.config.settings")
os.environ.setdefault("DATABASE_TEST_NAME", "bench_talent_ledger")
os.environ.setdefault("DATABASE_URL", "sqlite:////tmp/parkos-bench-talent-ledger.sqlite3")

import django

django.setup()

from django.db import connection, transaction  # noqa: E402
from django.test.utils import setup_databases, teardown_databases  # noqa: E402

from parkos.core.hashchain import (  # noqa: E402
    GENESIS,
    append_only_drop_statements,
    append_only_statements,
    record_hash,
)
from parkos.talent.ledger import LEDGER, LEDGER_TABLES  # noqa: E402


def fill(n: int, chunk: int = 20_000, first_seq: int = 1, prev: str = GENESIS) -> None:
    start = datetime(2024, 1, 1, tzinfo=UTC)
    record_sql = (
        "INSERT INTO talent_ledgerrecord (seq, prev_hash, hash, kind, subsidy_id, id_hmac, "
        "park_code, amount, rule_version, actor, recorded_at) VALUES "
        "(%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s)"
    )
    line_sql = (
        "INSERT INTO talent_ledgerline (record_id, position, label, value) VALUES (%s, %s, %s, %s)"
    )
    uuid_db = connection.vendor == "postgresql"
    for first in range(first_seq, n + 1, chunk):
        records, lines = [], []
        for seq in range(first, min(first + chunk, n + 1)):
            grant = seq % 2 == 1
            price = Decimal(1_000_000 + (seq * 7919) % 3_000_000).quantize(Decimal("0.01"))
            amount = min((price * Decimal("0.3")).quantize(Decimal("0.01")), Decimal("600000.00"))
            subsidy = uuid.UUID(int=seq)
            record = {
                "kind": "decision" if grant else "payment",
                "subsidy_id": subsidy,
                "id_hmac": f"{seq:064x}",
                "park_code": "pujiang",
                "amount": amount,
                "rule_version": 1,
                "actor": "reviewer",
                "recorded_at": start + timedelta(seconds=seq * 30),
            }
            if grant:
                children = [
                    ("price", price),
                    ("rate", "0.3000"),
                    ("cap", "600000.00"),
                    ("amount", amount),
                ]
            else:
                children = [("amount", amount), ("paid_on", "2024-06-01")]
            kids = [
                {"position": i, "label": label, "value": str(value)}
                for i, (label, value) in enumerate(children, start=1)
            ]
            digest = record_hash(seq=seq, prev_hash=prev, record=record, children=kids)
            records.append(
                (
                    seq,
                    prev,
                    digest,
                    record["kind"],
                    subsidy if uuid_db else subsidy.hex,
                    record["id_hmac"],
                    "pujiang",
                    amount,
                    1,
                    "reviewer",
                    record["recorded_at"] if uuid_db else record["recorded_at"].isoformat(),
                )
            )
            lines.extend((seq, k["position"], k["label"], k["value"]) for k in kids)
            prev = digest
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.executemany(record_sql, records)
            cursor.executemany(line_sql, lines)
        print(f"  filled {min(first + chunk - 1, n):,}", end="\r", flush=True)
    print()


def tamper(seq: int, delta: int = 1) -> None:
    with transaction.atomic(), connection.cursor() as cursor:
        for table in LEDGER_TABLES:
            for statement in append_only_drop_statements(connection.vendor, table):
                cursor.execute(statement)
        cursor.execute(
            "UPDATE talent_ledgerrecord SET amount = amount + %s WHERE seq = %s", [delta, seq]
        )
        for table in LEDGER_TABLES:
            for statement in append_only_statements(connection.vendor, table):
                cursor.execute(statement)


def timed(fn):
    wall, cpu = time.perf_counter(), time.process_time()
    result = fn()
    return result, time.perf_counter() - wall, time.process_time() - cpu


def run(options) -> None:
    have, head = LEDGER.head()
    if have < options.records:
        started = time.perf_counter()
        fill(options.records, first_seq=have + 1, prev=head)
        print(
            f"{connection.vendor}: filled to {options.records:,} records in {time.perf_counter() - started:.1f} s"
        )
    walls, cpus = [], []
    for _ in range(options.runs):
        result, wall, cpu = timed(LEDGER.verify)
        walls.append(wall)
        cpus.append(cpu)
        assert result.ok and result.records == options.records, result
        print(f"  verify {result.as_dict()}: {wall:.1f} s wall, {cpu:.1f} s CPU", flush=True)
    print(
        f"{connection.vendor}, {options.records:,} records: verify median {statistics.median(walls):.1f} s "
        f"wall, {statistics.median(cpus):.1f} s CPU (target < 60 s)"
    )
    middle = options.records // 2 + 1
    tamper(middle)
    broken, wall, _cpu = timed(LEDGER.verify)
    tamper(middle, -1)
    print(f"after changing record {middle:,}: {broken.as_dict()} in {wall:.1f} s")
    assert broken.first_bad == middle


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--records", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument(
        "--keep",
        action="store_true",
        help="use DATABASE_URL itself (migrated, filled once, kept) instead of a test database",
    )
    options = parser.parse_args()
    if options.keep:
        from django.core.management import call_command

        call_command("migrate", verbosity=0)
        run(options)
        return
    old = setup_databases(verbosity=0, interactive=False)
    try:
        run(options)
    finally:
        teardown_databases(old, verbosity=0)


if __name__ == "__main__":
    main()
