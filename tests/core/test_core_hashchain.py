"""The kernel's hash chain, on the talent ledger's tables (a real chained model with child rows):
canonical form, gapless appends, verification naming the first bad record, and the database's
own refusal of UPDATE and DELETE (run this file on SQLite and on PostgreSQL)."""

import itertools
import json
from datetime import UTC, datetime
from decimal import Decimal
from uuid import uuid4
from zoneinfo import ZoneInfo

import pytest
from django.db import DatabaseError, connection, transaction

from parkos.core.hashchain import (
    GENESIS,
    CanonicalError,
    append_only_drop_statements,
    append_only_installed,
    append_only_statements,
    canonical_json,
    record_hash,
)
from parkos.talent.ledger import LEDGER, LEDGER_TABLES
from parkos.talent.models import LedgerLine, LedgerRecord

pytestmark = pytest.mark.django_db

SHANGHAI = ZoneInfo("Asia/Shanghai")


def _append(n: int, amount="600000.00"):
    return LEDGER.append(
        kind="decision",
        subsidy_id=uuid4(),
        id_hmac=f"{n:064x}",
        park_code="hz",
        amount=Decimal(amount),
        rule_version=1,
        actor="reviewer",
        recorded_at=datetime(2026, 3, n % 28 + 1, 9, 30, tzinfo=SHANGHAI),
        children=[{"label": "price", "value": "3000000.00"}, {"label": "amount", "value": amount}],
    )


def _as_attacker(sql: str, params=()):
    """What someone with the database's owner rights could do: lift the triggers, write, and
    put them back (inside the test's transaction, rolled back afterwards)."""
    with connection.cursor() as cursor:
        for table in LEDGER_TABLES:
            for statement in append_only_drop_statements(connection.vendor, table):
                cursor.execute(statement)
        cursor.execute(sql, params)
        for table in LEDGER_TABLES:
            for statement in append_only_statements(connection.vendor, table):
                cursor.execute(statement)


def test_canonical_json_is_one_spelling_per_value():
    moment = datetime(2026, 3, 1, 8, 0, tzinfo=SHANGHAI)
    a = canonical_json({"b": Decimal("1.50"), "a": moment, "名": "张三"})
    b = canonical_json({"a": moment.astimezone(UTC), "名": "张三", "b": Decimal("1.50")})
    assert a == b
    assert json.loads(a) == {"a": "2026-03-01T00:00:00+00:00", "b": "1.50", "名": "张三"}
    with pytest.raises(CanonicalError):
        canonical_json({"at": datetime(2026, 3, 1, 8, 0)})
    with pytest.raises(CanonicalError):
        canonical_json({"amount": 1.5})


def test_the_hash_covers_child_rows_and_the_previous_hash():
    base = record_hash(seq=1, prev_hash=GENESIS, record={"a": 1}, children=[{"x": "1"}])
    assert base != record_hash(seq=1, prev_hash=GENESIS, record={"a": 1}, children=[{"x": "2"}])
    assert base != record_hash(seq=1, prev_hash="1" * 64, record={"a": 1}, children=[{"x": "1"}])
    assert base != record_hash(seq=2, prev_hash=GENESIS, record={"a": 1}, children=[{"x": "1"}])


def test_appends_are_gapless_and_linked_and_verify():
    records = [_append(n) for n in range(1, 6)]
    assert [r.seq for r in records] == [1, 2, 3, 4, 5]
    assert records[0].prev_hash == GENESIS
    assert all(b.prev_hash == a.hash for a, b in itertools.pairwise(records))
    result = LEDGER.verify(batch=2)
    assert result.as_dict() == {"ok": True, "records": 5, "first_bad": None}
    assert result.head == records[-1].hash
    assert LEDGER.head() == (5, records[-1].hash)
    assert LedgerLine.objects.filter(record_id=3).count() == 2


def test_an_amount_with_fewer_decimals_hashes_as_the_database_gives_it_back():
    record = _append(1, amount="600000")
    assert LEDGER.verify().ok
    assert LEDGER.verify_one(seq=record.seq, digest=record.hash)


def test_the_database_refuses_update_and_delete():
    _append(1)
    _append(2)
    assert all(append_only_installed(table) for table in LEDGER_TABLES)
    statements = [
        "UPDATE talent_ledgerrecord SET amount = 1 WHERE seq = 1",
        "DELETE FROM talent_ledgerrecord WHERE seq = 2",
        "UPDATE talent_ledgerline SET value = '1' WHERE record_id = 1",
        "DELETE FROM talent_ledgerline",
    ]
    for sql in statements:
        with (
            pytest.raises(DatabaseError, match="append-only"),
            transaction.atomic(),
            connection.cursor() as cursor,
        ):
            cursor.execute(sql)
    with pytest.raises(DatabaseError), transaction.atomic():
        LedgerRecord.objects.filter(seq=1).update(actor="someone else")
    assert LEDGER.verify().ok


@pytest.mark.parametrize(
    ("sql", "first_bad"),
    [
        ("UPDATE talent_ledgerrecord SET amount = 1.00 WHERE seq = 3", 3),
        ("UPDATE talent_ledgerline SET value = '1.00' WHERE record_id = 4 AND position = 2", 4),
        ("DELETE FROM talent_ledgerrecord WHERE seq = 2", 2),
        ("UPDATE talent_ledgerrecord SET prev_hash = hash WHERE seq = 5", 5),
    ],
)
def test_verify_names_the_first_bad_record(sql, first_bad):
    for n in range(1, 7):
        _append(n)
    if "DELETE FROM talent_ledgerrecord" in sql:
        sql = "DELETE FROM talent_ledgerline WHERE record_id = 2; " + sql
        for part in sql.split("; "):
            _as_attacker(part)
    else:
        _as_attacker(sql)
    result = LEDGER.verify(batch=4)
    assert result.ok is False
    assert result.first_bad == first_bad
    assert result.records == first_bad - 1


def test_verify_one_checks_the_number_the_hash_and_the_contents():
    records = [_append(n) for n in range(1, 4)]
    assert LEDGER.verify_one(seq=2, digest=records[1].hash)
    assert LEDGER.verify_one(seq=2, digest=records[1].hash.upper())
    assert not LEDGER.verify_one(seq=2, digest=records[0].hash)
    assert not LEDGER.verify_one(seq=9, digest=records[1].hash)
    _as_attacker("UPDATE talent_ledgerline SET value = '1' WHERE record_id = 2 AND position = 1")
    assert not LEDGER.verify_one(seq=2, digest=records[1].hash)
