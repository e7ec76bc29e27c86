"""Where readings go: plain SQL on the hot path, one statement per batch where the database
allows. PostgreSQL gets COPY into a staging table and one INSERT … ON CONFLICT DO NOTHING;
SQLite gets batched INSERT OR IGNORE."""

import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from uuid import UUID

from django.db import connection

STAGE = "iot_telemetry_stage"


@dataclass
class WriteResult:
    inserted: int = 0
    # Rows newly stored among those the caller asked about (`need_new`).
    rows: list = field(default_factory=list)


def _uuid(value: UUID):
    return value if connection.vendor == "postgresql" else value.hex


def _dt(value: datetime):
    if connection.vendor == "postgresql":
        return value
    return connection.ops.adapt_datetimefield_value(value)


def _from_db_uuid(value) -> UUID:
    return value if isinstance(value, UUID) else UUID(value)


def telemetry_write(readings: list, need_new: Callable = lambda r: False) -> WriteResult:
    watched = [r for r in readings if need_new(r)]
    if connection.vendor == "postgresql":
        return _write_postgres(readings, bool(watched))
    return _write_sqlite(readings, watched)


def _write_postgres(readings: list, want_rows: bool) -> WriteResult:
    from parkos.iot.ingest import Reading

    with connection.cursor() as cursor:
        cursor.execute(
            f"CREATE TEMP TABLE IF NOT EXISTS {STAGE} "
            "(device_id uuid, key varchar(64), ts timestamptz, value double precision, text text)"
        )
        with cursor.cursor.copy(
            f"COPY {STAGE} (device_id, key, ts, value, text) FROM STDIN"
        ) as copy:
            for r in readings:
                copy.write_row((r.device_id, r.key, r.ts, r.value, r.text))
        returning = " RETURNING device_id, key, ts, value, text" if want_rows else ""
        cursor.execute(
            "INSERT INTO iot_telemetry (device_id, key, ts, value, text) "
            f"SELECT device_id, key, ts, value, text FROM {STAGE} "
            f"ON CONFLICT DO NOTHING{returning}"
        )
        result = WriteResult(inserted=cursor.rowcount)
        if want_rows:
            result.rows = [Reading(*row) for row in cursor.fetchall()]
        cursor.execute(f"TRUNCATE {STAGE}")
    return result


def _write_sqlite(readings: list, watched: list) -> WriteResult:
    sql = "INSERT OR IGNORE INTO iot_telemetry (device_id, key, ts, value, text) VALUES (?, ?, ?, ?, ?)"
    result = WriteResult()
    watched_set = set(watched)
    rest = [r for r in readings if r not in watched_set] if watched else readings
    with connection.cursor() as cursor:
        raw = cursor.cursor
        if rest:
            raw.executemany(
                sql, [(r.device_id.hex, r.key, _dt(r.ts), r.value, r.text) for r in rest]
            )
            result.inserted += max(raw.rowcount, 0)
        for r in watched:
            raw.execute(sql, (r.device_id.hex, r.key, _dt(r.ts), r.value, r.text))
            if raw.rowcount == 1:
                result.inserted += 1
                result.rows.append(r)
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


def latest_values_upsert(readings: Iterable) -> None:
    newest: dict[tuple[UUID, str], object] = {}
    for r in readings:
        current = newest.get((r.device_id, r.key))
        if current is None or current.ts < r.ts:
            newest[(r.device_id, r.key)] = r
    if not newest:
        return
    placeholder = "%s" if connection.vendor == "postgresql" else "?"
    sql = (
        "INSERT INTO iot_latestvalue (device_id, key, ts, value, text) "
        f"VALUES ({', '.join([placeholder] * 5)}) "
        "ON CONFLICT (device_id, key) DO UPDATE SET ts = excluded.ts, value = excluded.value, "
        "text = excluded.text WHERE excluded.ts >= iot_latestvalue.ts"
    )
    rows = [(_uuid(r.device_id), r.key, _dt(r.ts), r.value, r.text) for r in newest.values()]
    # Sorted so that two workers touching the same rows take their locks in the same order.
    rows.sort(key=lambda row: (str(row[0]), row[1]))
    with connection.cursor() as cursor:
        cursor.cursor.executemany(sql, rows)


def devices_seen(device_ids: list[UUID], now: datetime) -> None:
    if not device_ids:
        return
    from parkos.iot.models import Device

    Device.objects.filter(pk__in=sorted(device_ids, key=str)).update(last_seen_at=now)


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
