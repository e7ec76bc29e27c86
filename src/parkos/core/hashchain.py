"""Tamper-evident hash chains: an append-only table whose every row carries the SHA-256 of its
own contents (its child rows included) and of the row before it, numbered without gaps. Changing,
removing or inserting a row anywhere breaks every hash after it, so `verify` names the first bad
row; publishing the chain head (the last hash) outside the database, in a monthly report, makes a
rewrite of the whole chain visible too.

The talent app's housing-subsidy ledger and the analytics app's sealed periods use it the same way:

    LEDGER = HashChain(LedgerRecord, fields=("kind", "amount", ...),
                       children=Children(LedgerLine, fk="record", fields=("name", "value")))
    LEDGER.append(kind="decision", amount=Decimal("600000.00"), children=[{...}, ...])
    LEDGER.verify()  # Verification(ok=True, records=50, first_bad=None)

The table also refuses UPDATE and DELETE in the database itself (a trigger on SQLite and on
PostgreSQL, installed from the app's migration with `append_only_operation`), so a mistaken
service or a hand-typed SQL statement fails loudly instead of rewriting history.

Why not the hash of "some fields" (odoo#17671): a record is hashed whole, child rows included,
from the same column list that `verify` reads back, so nothing stored is outside the seal.
"""

import hashlib
import json
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from decimal import Decimal
from uuid import UUID

from django.db import connection, migrations, models, transaction

GENESIS = "0" * 64


class CanonicalError(TypeError):
    """A value the canonical form refuses (a naive datetime, a float): it could be read back
    differently from how it was hashed."""


def _canonical_value(value):
    if isinstance(value, Decimal):
        # Decimal as a plain string in fixed notation, never "6E+5": the database gives back the
        # column's scale, and the chain normalises to it before hashing (see _normalise).
        return format(value, "f")
    if isinstance(value, datetime):
        if value.tzinfo is None or value.utcoffset() is None:
            raise CanonicalError("naive datetime in a hashed record")
        return value.astimezone(UTC).isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, UUID):
        return str(value)
    if isinstance(value, float):
        # Floats have no single decimal spelling; money and measures go in as Decimal.
        raise CanonicalError("float in a hashed record")
    raise CanonicalError(f"cannot hash a {type(value).__name__}")


def _refuse_floats(value) -> None:
    if isinstance(value, float):
        raise CanonicalError("float in a hashed record")
    if isinstance(value, dict):
        for item in value.values():
            _refuse_floats(item)
    elif isinstance(value, list | tuple):
        for item in value:
            _refuse_floats(item)


def canonical_json(value) -> bytes:
    """One byte string per value: keys sorted, no spaces, UTF-8, Decimal as string, aware
    datetimes in UTC ISO 8601, dates ISO, UUIDs as text. Floats are refused (json would write
    them itself, in a spelling that differs between platforms and versions)."""
    _refuse_floats(value)
    return _dumps(value)


def _dumps(value) -> bytes:
    return json.dumps(
        value,
        sort_keys=True,
        separators=(",", ":"),
        ensure_ascii=False,
        allow_nan=False,
        default=_canonical_value,
    ).encode("utf-8")


def record_hash(*, seq: int, prev_hash: str, record: dict, children: Sequence[dict] = ()) -> str:
    """SHA-256 (hex) over the canonical JSON of the whole record, its child rows (in order) and
    the previous hash."""
    body = {"seq": seq, "prev": prev_hash, "record": record, "children": list(children)}
    return hashlib.sha256(canonical_json(body)).hexdigest()


_FLOAT_FIELDS = (models.FloatField,)


@dataclass(frozen=True)
class Children:
    """Child rows sealed with their record: `model` has a foreign key `fk` to the chained model
    and is ordered by `order_by` (a column unique within one record)."""

    model: type[models.Model]
    fk: str
    fields: Sequence[str]
    order_by: str = "position"


@dataclass(frozen=True)
class Verification:
    ok: bool
    records: int
    first_bad: int | None
    head: str = GENESIS

    def as_dict(self) -> dict:
        return {"ok": self.ok, "records": self.records, "first_bad": self.first_bad}


def _converter(model_field):
    """The canonical spelling of one column's value, as `canonical_json` would write it, done
    once per column so that verifying a million records spends no time deciding."""
    if isinstance(model_field, models.DecimalField):
        quantum = Decimal(1).scaleb(-model_field.decimal_places)

        def decimal(value):
            return None if value is None else format(Decimal(value).quantize(quantum), "f")

        return decimal
    if isinstance(model_field, models.DateTimeField):

        def moment(value):
            if value is None:
                return None
            if value.tzinfo is None or value.utcoffset() is None:
                raise CanonicalError("naive datetime in a hashed record")
            return value.astimezone(UTC).isoformat()

        return moment
    if isinstance(model_field, models.DateField):
        return lambda value: None if value is None else value.isoformat()
    if isinstance(model_field, models.UUIDField):
        return lambda value: None if value is None else str(value)
    return None


@dataclass
class HashChain:
    """A chain over `model`, whose primary key is the gapless sequence number `seq` (1, 2, ...)
    and which has `prev_hash` and `hash` columns (64 hex characters). `fields` are the columns
    sealed in the hash; `children` the child rows sealed with each record."""

    model: type[models.Model]
    fields: Sequence[str]
    children: Children | None = None
    _converters: dict[type, list] = field(init=False, repr=False)

    def __post_init__(self):
        self.fields = tuple(self.fields)
        self._converters = {}
        models_fields = [(self.model, self.fields)]
        if self.children:
            models_fields.append((self.children.model, tuple(self.children.fields)))
        for model, names in models_fields:
            converters = []
            for index, name in enumerate(names):
                model_field = model._meta.get_field(name)
                if isinstance(model_field, _FLOAT_FIELDS):
                    raise CanonicalError(
                        f"{model.__name__}.{name}: a float column cannot be sealed"
                    )
                converter = _converter(model_field)
                if converter is not None:
                    converters.append((index, name, converter))
            self._converters[model] = converters

    # Normalising: what is hashed at append is what the database gives back at verify.

    def _normalise(self, model, values: dict) -> dict:
        for _index, name, converter in self._converters[model]:
            if name in values:
                values[name] = converter(values[name])
        return values

    def _row(self, model, names, row) -> dict:
        """A row read back (a tuple in `names` order) as the dict that was hashed."""
        values = dict(zip(names, row, strict=True))
        for index, name, converter in self._converters[model]:
            values[name] = converter(row[index])
        return values

    # Appending

    def _lock(self) -> None:
        """Serialise appenders: on PostgreSQL a transaction-scoped advisory lock per chain; on
        SQLite every write transaction already begins IMMEDIATE (one writer at a time). The
        unique sequence number stays the last line of defence either way."""
        if connection.vendor == "postgresql":
            key = int.from_bytes(
                hashlib.sha256(self.model._meta.db_table.encode()).digest()[:8], "big", signed=True
            )
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_xact_lock(%s)", [key])

    def head(self) -> tuple[int, str]:
        """The last sequence number and hash (0 and GENESIS for an empty chain)."""
        last = self.model._base_manager.order_by("-pk").values_list("pk", "hash").first()
        return (0, GENESIS) if last is None else (last[0], last[1])

    def head_at(self, moment: datetime, *, stamp: str = "recorded_at") -> tuple[int, str]:
        """The chain head as it stood at `moment` (the last record stamped before it)."""
        last = (
            self.model._base_manager.filter(**{f"{stamp}__lt": moment})
            .order_by("-pk")
            .values_list("pk", "hash")
            .first()
        )
        return (0, GENESIS) if last is None else (last[0], last[1])

    def append(self, *, children: Sequence[dict] = (), **values):
        """Append one record (and its child rows) at the end of the chain and return it. Runs in
        the caller's transaction, or its own."""
        with transaction.atomic():
            self._lock()
            seq, prev = self.head()
            seq += 1
            record = self._normalise(self.model, {name: values.get(name) for name in self.fields})
            rows = []
            if self.children:
                for position, child in enumerate(children, start=1):
                    child = {self.children.order_by: position, **child}
                    rows.append(
                        self._normalise(
                            self.children.model,
                            {name: child.get(name) for name in self.children.fields},
                        )
                    )
            digest = record_hash(seq=seq, prev_hash=prev, record=record, children=rows)
            instance = self.model._base_manager.create(
                pk=seq, prev_hash=prev, hash=digest, **values
            )
            if self.children and rows:
                fk = self.children.fk
                self.children.model._base_manager.bulk_create(
                    [
                        self.children.model(**{fk: instance}, **child)
                        for child in (
                            {self.children.order_by: position, **given}
                            for position, given in enumerate(children, start=1)
                        )
                    ]
                )
            return instance

    # Verifying

    def _batches(self, batch: int) -> Iterator[list[tuple]]:
        columns = ("pk", "prev_hash", "hash", *self.fields)
        after = 0
        manager = self.model._base_manager
        while True:
            rows = list(manager.filter(pk__gt=after).order_by("pk").values_list(*columns)[:batch])
            if not rows:
                return
            yield rows
            after = rows[-1][0]

    def _children_of(self, first: int, last: int) -> dict[int, list[dict]]:
        if not self.children:
            return {}
        child = self.children
        fk_column = f"{child.fk}_id"
        found: dict[int, list[dict]] = {}
        rows = (
            child.model._base_manager.filter(
                **{f"{fk_column}__gte": first, f"{fk_column}__lte": last}
            )
            .order_by(fk_column, child.order_by)
            .values_list(fk_column, *child.fields)
        )
        names = tuple(child.fields)
        if self._converters[child.model]:
            for row in rows.iterator(chunk_size=20_000):
                found.setdefault(row[0], []).append(self._row(child.model, names, row[1:]))
        else:
            for row in rows.iterator(chunk_size=20_000):
                found.setdefault(row[0], []).append(dict(zip(names, row[1:], strict=True)))
        return found

    def verify(self, *, batch: int = 20_000) -> Verification:
        """Recompute every hash from the stored columns, in order. The first record whose
        number is out of sequence, whose link to the previous hash is broken, or whose hash does
        not match its contents is `first_bad`."""
        expected_seq, prev, count = 1, GENESIS, 0
        fields, model, row_of = self.fields, self.model, self._row
        # Columns are known not to hold floats (checked at construction), and every value is
        # already spelled canonically: the encoder's fast path, no per-value callback.
        sha256, dumps = hashlib.sha256, _dumps
        no_children: list = []
        for rows in self._batches(batch):
            kids = self._children_of(rows[0][0], rows[-1][0])
            for row in rows:
                seq, prev_hash, digest = row[0], row[1], row[2]
                body = {
                    "seq": seq,
                    "prev": prev_hash,
                    "record": row_of(model, fields, row[3:]),
                    "children": kids.get(seq, no_children),
                }
                if (
                    seq != expected_seq
                    or prev_hash != prev
                    or sha256(dumps(body)).hexdigest() != digest
                ):
                    return Verification(False, count, min(seq, expected_seq), prev)
                count += 1
                expected_seq, prev = seq + 1, digest
        return Verification(True, count, None, prev)

    def verify_one(self, *, seq: int, digest: str) -> bool:
        """One record's seal: it exists with this hash, its contents give this hash, and it links
        to the record before it. (The whole chain is checked by `verify`.)"""
        row = (
            self.model._base_manager.filter(pk=seq)
            .values_list("pk", "prev_hash", "hash", *self.fields)
            .first()
        )
        if row is None or row[2] != (digest or "").strip().lower():
            return False
        record = self._row(self.model, self.fields, row[3:])
        children = self._children_of(seq, seq).get(seq, []) if self.children else []
        if record_hash(seq=seq, prev_hash=row[1], record=record, children=children) != row[2]:
            return False
        if seq == 1:
            return row[1] == GENESIS
        before = self.model._base_manager.filter(pk=seq - 1).values_list("hash", flat=True).first()
        return before == row[1]


# The database's refusal


def _sqlite_statements(table: str) -> list[str]:
    return [
        f'CREATE TRIGGER IF NOT EXISTS "{table}_no_update" BEFORE UPDATE ON "{table}" '
        f"BEGIN SELECT RAISE(ABORT, '{table} is append-only: UPDATE refused'); END",
        f'CREATE TRIGGER IF NOT EXISTS "{table}_no_delete" BEFORE DELETE ON "{table}" '
        f"BEGIN SELECT RAISE(ABORT, '{table} is append-only: DELETE refused'); END",
    ]


def _postgres_statements(table: str) -> list[str]:
    return [
        "CREATE OR REPLACE FUNCTION parkos_append_only() RETURNS trigger LANGUAGE plpgsql AS $$ "
        "BEGIN RAISE EXCEPTION '% is append-only: % refused', TG_TABLE_NAME, TG_OP "
        "USING ERRCODE = 'restrict_violation'; END $$",
        f'DROP TRIGGER IF EXISTS "{table}_append_only" ON "{table}"',
        f'CREATE TRIGGER "{table}_append_only" BEFORE UPDATE OR DELETE ON "{table}" '
        "FOR EACH ROW EXECUTE FUNCTION parkos_append_only()",
    ]


def append_only_statements(vendor: str, table: str) -> list[str]:
    if vendor == "sqlite":
        return _sqlite_statements(table)
    if vendor == "postgresql":
        return _postgres_statements(table)
    raise NotImplementedError(f"no append-only trigger for {vendor}")


def append_only_drop_statements(vendor: str, table: str) -> list[str]:
    if vendor == "sqlite":
        return [
            f'DROP TRIGGER IF EXISTS "{table}_no_update"',
            f'DROP TRIGGER IF EXISTS "{table}_no_delete"',
        ]
    if vendor == "postgresql":
        return [f'DROP TRIGGER IF EXISTS "{table}_append_only" ON "{table}"']
    raise NotImplementedError(f"no append-only trigger for {vendor}")


def _run(schema_editor, statements: Iterable[str]) -> None:
    for statement in statements:
        schema_editor.execute(statement, params=None)


def append_only_operation(*tables: str) -> migrations.RunPython:
    """A migration operation installing the UPDATE/DELETE-refusing triggers on `tables` for
    whichever database the migration runs on (and removing them when it is reversed)."""

    def forward(apps, schema_editor):
        for table in tables:
            _run(schema_editor, append_only_statements(schema_editor.connection.vendor, table))

    def backward(apps, schema_editor):
        for table in tables:
            _run(schema_editor, append_only_drop_statements(schema_editor.connection.vendor, table))

    return migrations.RunPython(forward, backward, elidable=False)


def append_only_installed(table: str) -> bool:
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute(
                "SELECT count(*) FROM sqlite_master WHERE type = 'trigger' AND tbl_name = %s",
                [table],
            )
            return cursor.fetchone()[0] == 2
        cursor.execute(
            "SELECT count(*) FROM pg_trigger WHERE tgname = %s AND NOT tgisinternal",
            [f"{table}_append_only"],
        )
        return cursor.fetchone()[0] == 1


def purge_for_tests(*tables: str) -> None:
    """Empty append-only tables by lifting their triggers for the moment: only for a test
    database torn down between tests (SQLite flushes with DELETE) or a demo being reloaded.
    Never called by a service."""
    with transaction.atomic(), connection.cursor() as cursor:
        for table in tables:
            for statement in append_only_drop_statements(connection.vendor, table):
                cursor.execute(statement)
            cursor.execute(f'DELETE FROM "{table}"')
            for statement in append_only_statements(connection.vendor, table):
                cursor.execute(statement)
