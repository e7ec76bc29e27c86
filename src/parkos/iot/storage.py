"""Where readings go: plain SQL on the hot path, one statement per batch where the database
allows.

On PostgreSQL a batch is written with one binary COPY straight into the partitioned table,
inside a savepoint. A reading that is already stored (a message delivered again after a
crash or a broker restart) makes that COPY fail as a whole; the batch is then staged in a
session-local table and stored with INSERT … ON CONFLICT DO NOTHING, which costs about twice
as much and is only needed then. SQLite gets batched INSERT OR IGNORE.

The hot path carries a reading as a row tuple (device_id, key, ts_us, value, text), ts_us
being microseconds since the Unix epoch, so that no datetime is built per reading."""

import json
import struct
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from uuid import UUID

from django.db import IntegrityError, connection, transaction

from parkos.iot.rollup import stale_mark

STAGE = "iot_telemetry_stage"
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_MICROSECOND = timedelta(microseconds=1)
# COPY's text format: these characters must be escaped inside a field.
_COPY_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})
_TS_SQL = "(timestamptz 'epoch' + ts_us * interval '1 microsecond')"
# PostgreSQL's binary COPY: a header, then per row the field count and each field as its
# length and bytes (-1 for NULL); timestamps count microseconds from 2000-01-01.
_COPY_HEADER = b"PGCOPY\n\xff\r\n\x00" + struct.pack("!ii", 0, 0)
_COPY_TRAILER = b"\xff\xff"
_PG_EPOCH_US = 946_684_800 * 1_000_000
_ROW_HEAD = struct.Struct("!hi16si")
_TS = struct.Struct("!iq")
_VALUE = struct.Struct("!id")
# Timestamp, number and a NULL text: the usual row's tail in one pack.
_TS_VALUE = struct.Struct("!iqidi")
_NULL = struct.pack("!i", -1)
_LENGTH = struct.Struct("!i")


@dataclass
class WriteResult:
    inserted: int = 0
    # Newly stored readings of the devices the caller watches (for the rules), as Readings.
    rows: list = field(default_factory=list)
    # (ts, value) of the latest value per (device, key) of those readings before this batch.
    previous: dict = field(default_factory=dict)


def ts_us(value: datetime) -> int:
    return (value - EPOCH) // _MICROSECOND


def _from_ts_us(value: int) -> datetime:
    return EPOCH + timedelta(microseconds=value)


def _reading(row):
    from parkos.iot.ingest import Reading

    device_id, key, ts, value, text = row
    return Reading(
        device_id if isinstance(device_id, UUID) else UUID(device_id), key, ts, value, text
    )


def telemetry_rows_store(rows: list[tuple], *, watched: set[UUID] = frozenset()) -> WriteResult:
    """Store readings once each (a reading already stored is skipped) and move the latest
    value of each (device, key) forward. For the devices in `watched` the result holds the
    readings that were new and the latest values they replace."""
    if not rows:
        return WriteResult()
    with transaction.atomic():
        if connection.vendor == "postgresql":
            return _store_postgres(rows, watched)
        return _store_sqlite(rows, watched)


def telemetry_write(readings: Iterable) -> WriteResult:
    """Store Readings (demo data, imports) without touching the latest values."""
    rows = [(r.device_id, r.key, ts_us(r.ts), r.value, r.text) for r in readings]
    if not rows:
        return WriteResult()
    with transaction.atomic():
        if connection.vendor == "postgresql":
            return _store_postgres(rows, frozenset(), latest=False)
        return _store_sqlite(rows, frozenset(), latest=False)


def _copy_binary(rows: list[tuple], *, ts_column: bool) -> bytes:
    """The rows in COPY's binary format; ts as a timestamptz (ts_column) or as ts_us.

    Per (device, key) the bytes up to the timestamp are built once. Rows of one message
    follow each other, so the device is looked up by identity first: hashing a UUID is a
    Python call."""
    prefixes: dict = {}
    shift = _PG_EPOCH_US if ts_column else 0
    parts = [_COPY_HEADER]
    append = parts.append
    head, stamp_number, stamp, length = _ROW_HEAD.pack, _TS_VALUE.pack, _TS.pack, _LENGTH.pack
    last_device, per_key = None, None
    for device_id, key, ts, value, text in rows:
        if device_id is not last_device:
            last_device = device_id
            per_key = prefixes.get(device_id)
            if per_key is None:
                per_key = prefixes[device_id] = {}
        prefix = per_key.get(key)
        if prefix is None:
            raw_key = key.encode()
            prefix = per_key[key] = head(5, 16, device_id.bytes, len(raw_key)) + raw_key
        append(prefix)
        if text is None and value is not None:
            append(stamp_number(8, ts - shift, 8, value, -1))
            continue
        append(stamp(8, ts - shift))
        append(_NULL if value is None else _VALUE.pack(8, value))
        if text is None:
            append(_NULL)
        else:
            raw_text = text.encode()
            append(length(len(raw_text)))
            append(raw_text)
    append(_COPY_TRAILER)
    return b"".join(parts)


def _stage(cursor, rows: list[tuple]) -> None:
    # Emptied after each use with DELETE and at commit in place: a TRUNCATE per batch gave
    # the table a new file and rewrote its catalogue row every time.
    cursor.execute(
        f"CREATE TEMP TABLE IF NOT EXISTS {STAGE} (device_id uuid, key varchar(64), "
        "ts_us bigint, value double precision, text text) ON COMMIT DELETE ROWS"
    )
    with cursor.cursor.copy(
        f"COPY {STAGE} (device_id, key, ts_us, value, text) FROM STDIN (FORMAT binary)"
    ) as copy:
        copy.write(_copy_binary(rows, ts_column=False))


def _store_postgres(rows: list[tuple], watched, latest: bool = True) -> WriteResult:
    result = WriteResult()
    columns = f"device_id, key, {_TS_SQL}, value, text"
    with connection.cursor() as cursor:
        try:
            with (
                transaction.atomic(),
                cursor.cursor.copy(
                    "COPY iot_telemetry (device_id, key, ts, value, text) FROM STDIN "
                    "(FORMAT binary)"
                ) as copy,
            ):
                copy.write(_copy_binary(rows, ts_column=True))
            result.inserted = len(rows)
            if watched:
                result.rows = [
                    _reading((row[0], row[1], _from_ts_us(row[2]), row[3], row[4]))
                    for row in rows
                    if row[0] in watched
                ]
        except Exception as error:
            if not _duplicate(error):
                raise
            _stage(cursor, rows)
            insert = (
                "INSERT INTO iot_telemetry (device_id, key, ts, value, text) "
                f"SELECT {columns} FROM {STAGE} "
            )
            if watched:
                ids = list(watched)
                cursor.execute(
                    f"{insert} WHERE device_id = ANY(%s) ON CONFLICT DO NOTHING "
                    "RETURNING device_id, key, ts, value, text",
                    [ids],
                )
                result.rows = [_reading(row) for row in cursor.fetchall()]
                result.inserted += len(result.rows)
                cursor.execute(f"{insert} WHERE device_id <> ALL(%s) ON CONFLICT DO NOTHING", [ids])
            else:
                cursor.execute(f"{insert} ON CONFLICT DO NOTHING")
            result.inserted += cursor.rowcount
            cursor.execute(f"DELETE FROM {STAGE}")
        stale_mark(cursor, rows)
        if result.rows:
            result.previous = latest_values_get({(r.device_id, r.key) for r in result.rows})
        if latest:
            # One row per (device, key), sorted so that two workers lock the same latest
            # values in the same order.
            _stage(cursor, _newest(rows))
            cursor.execute(
                "INSERT INTO iot_latestvalue (device_id, key, ts, value, text) "
                f"SELECT {columns} FROM {STAGE} ORDER BY device_id, key "
                "ON CONFLICT (device_id, key) DO UPDATE SET ts = excluded.ts, "
                "value = excluded.value, text = excluded.text "
                "WHERE excluded.ts >= iot_latestvalue.ts"
            )
            # The transaction may go on (an import, a test) and stage more.
            cursor.execute(f"DELETE FROM {STAGE}")
    return result


def _duplicate(error: Exception) -> bool:
    """A unique violation, raised by psycopg itself (COPY on the raw cursor) or by Django."""
    while error is not None:
        if isinstance(error, IntegrityError) or getattr(error, "sqlstate", None) == "23505":
            return True
        error = error.__cause__
    return False


def _newest(rows: list[tuple]) -> list[tuple]:
    """The newest row per (device, key). Devices are grouped by identity first, as in
    _copy_binary."""
    by_device: dict = {}
    last_device, per_key = None, None
    for row in rows:
        device_id = row[0]
        if device_id is not last_device:
            last_device = device_id
            per_key = by_device.get(device_id)
            if per_key is None:
                per_key = by_device[device_id] = {}
        current = per_key.get(row[1])
        if current is None or current[2] < row[2]:
            per_key[row[1]] = row
    return [row for per_key in by_device.values() for row in per_key.values()]


def _store_sqlite(rows: list[tuple], watched, latest: bool = True) -> WriteResult:
    sql = (
        "INSERT OR IGNORE INTO iot_telemetry (device_id, key, ts, value, text) "
        "VALUES (?, ?, ?, ?, ?)"
    )
    adapt = connection.ops.adapt_datetimefield_value
    stamps: dict[int, str] = {}
    hexes: dict[UUID, str] = {}

    def params(row):
        device_id, key, ts, value, text = row
        stamp = stamps.get(ts)
        if stamp is None:
            stamp = stamps[ts] = adapt(_from_ts_us(ts))
        name = hexes.get(device_id)
        if name is None:
            name = hexes[device_id] = device_id.hex
        return (name, key, stamp, value, text)

    result = WriteResult()
    mine = [row for row in rows if row[0] in watched] if watched else []
    rest = [row for row in rows if row[0] not in watched] if watched else rows
    with connection.cursor() as cursor:
        raw = cursor.cursor
        if rest:
            raw.executemany(sql, [params(row) for row in rest])
            result.inserted += max(raw.rowcount, 0)
        for row in mine:
            raw.execute(sql, params(row))
            if raw.rowcount == 1:
                result.inserted += 1
                result.rows.append(_reading((row[0], row[1], _from_ts_us(row[2]), row[3], row[4])))
        stale_mark(cursor, rows)
    if result.rows:
        result.previous = latest_values_get({(r.device_id, r.key) for r in result.rows})
    if latest:
        _latest_upsert(
            [
                (hexes[d], key, stamps[ts], value, text)
                for d, key, ts, value, text in sorted(_newest(rows), key=lambda r: (r[0].hex, r[1]))
            ]
        )
    return result


def latest_values_get(pairs: set[tuple[UUID, str]]) -> dict[tuple[UUID, str], tuple]:
    """(ts, value) of the latest value per (device, key), before a batch is applied."""
    if not pairs:
        return {}
    from parkos.iot.models import LatestValue

    device_ids = {device_id for device_id, _ in pairs}
    found = {}
    for row in LatestValue.objects.filter(device_id__in=device_ids).values_list(
        "device_id", "key", "ts", "value"
    ):
        if (row[0], row[1]) in pairs:
            found[(row[0], row[1])] = (row[2], row[3])
    return found


def _latest_upsert(rows: list[tuple]) -> None:
    placeholder = "%s" if connection.vendor == "postgresql" else "?"
    sql = (
        "INSERT INTO iot_latestvalue (device_id, key, ts, value, text) "
        f"VALUES ({', '.join([placeholder] * 5)}) "
        "ON CONFLICT (device_id, key) DO UPDATE SET ts = excluded.ts, value = excluded.value, "
        "text = excluded.text WHERE excluded.ts >= iot_latestvalue.ts"
    )
    with connection.cursor() as cursor:
        cursor.cursor.executemany(sql, rows)


def latest_values_upsert(readings: Iterable) -> None:
    """Move the latest values forward from Readings (demo data, imports)."""
    newest: dict[tuple[UUID, str], object] = {}
    for r in readings:
        current = newest.get((r.device_id, r.key))
        if current is None or current.ts < r.ts:
            newest[(r.device_id, r.key)] = r
    if not newest:
        return
    postgres = connection.vendor == "postgresql"
    adapt = connection.ops.adapt_datetimefield_value
    rows = [
        (
            r.device_id if postgres else r.device_id.hex,
            r.key,
            r.ts if postgres else adapt(r.ts),
            r.value,
            r.text,
        )
        for r in newest.values()
    ]
    # Sorted so that two workers touching the same rows take their locks in the same order.
    rows.sort(key=lambda row: (str(row[0]), row[1]))
    _latest_upsert(rows)


# A device's last-seen time is refreshed at most this often: on a busy park every batch
# would otherwise rewrite (and lock) the same device rows to move them by a fraction of a
# second, far below any device type's offline delay.
SEEN_RESOLUTION = timedelta(seconds=5)


def devices_seen(device_ids: list[UUID], now: datetime) -> None:
    if not device_ids:
        return
    from django.db.models import Q

    from parkos.iot.models import Device

    if connection.vendor == "postgresql":
        # One array parameter: the ORM's IN list of a batch's devices was built, and its
        # query text split by psycopg, anew for every batch.
        with connection.cursor() as cursor:
            cursor.execute(
                f"UPDATE {Device._meta.db_table} SET last_seen_at = %s WHERE id = ANY(%s) "
                "AND (last_seen_at IS NULL OR last_seen_at < %s)",
                [now, sorted(device_ids, key=str), now - SEEN_RESOLUTION],
            )
        return
    Device.objects.filter(
        Q(last_seen_at__isnull=True) | Q(last_seen_at__lt=now - SEEN_RESOLUTION),
        pk__in=sorted(device_ids, key=str),
    ).update(last_seen_at=now)


def ingest_counts_add(*, channel: str, day: date, counts) -> None:
    rows = [(day, channel, outcome, n) for outcome, n in sorted(counts.items()) if n]
    if not rows:
        return
    placeholder = "%s" if connection.vendor == "postgresql" else "?"
    sql = (
        "INSERT INTO iot_ingestcount (day, channel, outcome, count) "
        f"VALUES ({', '.join([placeholder] * 4)}) ON CONFLICT (day, channel, outcome) "
        "DO UPDATE SET count = iot_ingestcount.count + excluded.count"
    )
    if connection.vendor != "postgresql":
        rows = [(day.isoformat(), *rest) for day, *rest in rows]
    with connection.cursor() as cursor:
        cursor.cursor.executemany(sql, rows)


def device_attributes_merge(device_id: UUID, data: dict) -> dict:
    from parkos.iot.models import Device

    device = Device.objects.select_for_update().get(pk=device_id)
    attributes = {**device.attributes}
    for key, value in data.items():
        if isinstance(key, str) and 0 < len(key) <= 64:
            attributes[key] = value if len(json.dumps(value, default=str)) <= 1000 else None
    device.attributes = attributes
    device.save(update_fields=["attributes"])
    return attributes
