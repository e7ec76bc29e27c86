"""Five-minute roll-ups of numeric readings, so that a chart of a day reads 288 rows per
device instead of 86,400 readings.

Two marks, in TelemetryRollupMark, make the roll-ups exact whatever the order in which
readings arrive:

- "closing": a writer reads it (FOR SHARE, after its own readings are written) and marks
  every bucket before it that it writes into as stale (TelemetryRollupStale);
- "rolled": every bucket before it has been rolled up; readers take whole buckets before
  it from the roll-ups, except stale ones, and everything else from the raw readings.

`rollups_refresh` moves "closing" forward first, in its own transaction (which waits for the
writers that read the old value), then rolls up the buckets between "rolled" and "closing":
every reading of those buckets is then either committed, or written by a writer that marks
its bucket stale. Last, it computes the stale buckets again. A stale mark is written with
an upsert that locks it until its writer commits, so that taking it away (DELETE) waits
for the readings it stands for."""

from datetime import UTC, datetime, timedelta

from django.db import connection, transaction
from django.utils import timezone

BUCKET = 300
BUCKET_US = BUCKET * 1_000_000
# How far behind the clock "closing" stays: readings of the last moments, still in flight,
# are not late.
GRACE = timedelta(seconds=30)
# Before the first refresh nothing is rolled up (readings before 2000 are refused).
ORIGIN = datetime(2000, 1, 1, tzinfo=UTC)
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_ADVISORY_KEY = 0x10_7A11_0B  # any fixed number: one refresh at a time per database
ROLLUP = "iot_telemetryrollup"
STALE = "iot_telemetryrollupstale"
MARK = "iot_telemetryrollupmark"


def bucket_floor(value: datetime) -> datetime:
    seconds = int(value.timestamp())
    return datetime.fromtimestamp(seconds - seconds % BUCKET, tz=UTC)


def bucket_ceil(value: datetime) -> datetime:
    floor = bucket_floor(value)
    return floor if floor == value else floor + timedelta(seconds=BUCKET)


def _postgres() -> bool:
    return connection.vendor == "postgresql"


def _db_time(value: datetime):
    return value if _postgres() else connection.ops.adapt_datetimefield_value(value)


def _from_db_time(value) -> datetime:
    """SQLite hands back naive UTC times (as text or, for some columns, parsed)."""
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def _mark_get(cursor, name: str, *, share: bool) -> datetime | None:
    lock = " FOR SHARE" if share and _postgres() else ""
    cursor.execute(f"SELECT until FROM {MARK} WHERE name = %s{lock}", [name])
    row = cursor.fetchone()
    return _from_db_time(row[0]) if row else None


def _marks_ensure(cursor) -> None:
    cursor.execute(
        f"INSERT INTO {MARK} (name, until) VALUES (%s, %s), (%s, %s) ON CONFLICT DO NOTHING",
        ["closing", _db_time(ORIGIN), "rolled", _db_time(ORIGIN)],
    )


def stale_mark(cursor, rows: list[tuple]) -> int:
    """Called by a writer, inside its transaction and after its readings are written (rows
    as storage's tuples, ts in microseconds): mark stale the buckets before "closing" that
    the readings fall in. Returns how many buckets were marked."""
    closing = _mark_get(cursor, "closing", share=True)
    if closing is None:
        _marks_ensure(cursor)
        closing = _mark_get(cursor, "closing", share=True)
    closing_us = (closing - EPOCH) // timedelta(microseconds=1)
    late = {(row[0], row[1], row[2] - row[2] % BUCKET_US) for row in rows if row[2] < closing_us}
    if not late:
        return 0
    postgres = _postgres()
    params = []
    for device_id, key, bucket_us in sorted(late, key=lambda m: (str(m[0]), m[1], m[2])):
        bucket = datetime.fromtimestamp(bucket_us // 1_000_000, tz=UTC)
        params.append(
            (
                device_id if postgres else device_id.hex,
                key,
                bucket if postgres else connection.ops.adapt_datetimefield_value(bucket),
            )
        )
    placeholder = "%s" if postgres else "?"
    # DO UPDATE rather than DO NOTHING: the row stays locked until this transaction commits.
    cursor.cursor.executemany(
        f"INSERT INTO {STALE} (device_id, key, bucket, marks) VALUES "
        f"({placeholder}, {placeholder}, {placeholder}, 1) "
        "ON CONFLICT (device_id, key, bucket) DO UPDATE SET marks = "
        f"{STALE}.marks + 1",
        params,
    )
    return len(params)


def _aggregate_sql(where: str) -> str:
    """SELECT of the roll-up rows (device_id, key, bucket, count, sum, min, max, last_ts,
    last) of the numeric readings matching `where`."""
    if _postgres():
        return (
            "SELECT device_id, key, date_bin(interval '300 seconds', ts, timestamptz 'epoch'), "
            "count(*), sum(value), min(value), max(value), max(ts), "
            "(array_agg(value ORDER BY ts DESC))[1] FROM iot_telemetry "
            f"WHERE {where} AND value IS NOT NULL GROUP BY 1, 2, 3"
        )
    cell = f"(CAST(strftime('%%s', ts) AS INTEGER) / {BUCKET} * {BUCKET})"
    return (
        "SELECT device_id, key, datetime(cell, 'unixepoch'), count(*), sum(value), "
        "min(value), max(value), max(ts), max(CASE WHEN rn = 1 THEN value END) FROM ("
        f"SELECT device_id, key, ts, value, {cell} AS cell, row_number() OVER ("
        f"PARTITION BY device_id, key, {cell} ORDER BY ts DESC) AS rn FROM iot_telemetry "
        f"WHERE {where} AND value IS NOT NULL) GROUP BY 1, 2, 3"
    )


_COLUMNS = "device_id, key, bucket, count, sum, min, max, last_ts, last"


def _refresh_lock(cursor) -> bool:
    """One refresh at a time (SQLite has a single writer anyway)."""
    if not _postgres():
        return True
    cursor.execute("SELECT pg_try_advisory_xact_lock(%s)", [_ADVISORY_KEY])
    return cursor.fetchone()[0]


def rollups_refresh(*, now: datetime | None = None) -> int:
    """Roll up the buckets closed since the last refresh and compute the stale ones again.
    Returns the number of roll-up rows written."""
    now = now or timezone.now()
    target = bucket_floor(now - GRACE)
    with transaction.atomic(), connection.cursor() as cursor:
        if not _refresh_lock(cursor):
            return 0
        _marks_ensure(cursor)
        cursor.execute(
            f"UPDATE {MARK} SET until = %s WHERE name = 'closing' AND until < %s",
            [_db_time(target), _db_time(target)],
        )
    written = 0
    with transaction.atomic(), connection.cursor() as cursor:
        if not _refresh_lock(cursor):
            return 0
        closing = _mark_get(cursor, "closing", share=False)
        rolled = _mark_get(cursor, "rolled", share=False)
        if rolled < closing:
            bounds = [_db_time(rolled), _db_time(closing)]
            cursor.execute(f"DELETE FROM {ROLLUP} WHERE bucket >= %s AND bucket < %s", bounds)
            cursor.execute(
                f"INSERT INTO {ROLLUP} ({_COLUMNS}) " + _aggregate_sql("ts >= %s AND ts < %s"),
                bounds,
            )
            written += cursor.rowcount
            cursor.execute(
                f"UPDATE {MARK} SET until = %s WHERE name = 'rolled'", [_db_time(closing)]
            )
            rolled = closing
    with transaction.atomic(), connection.cursor() as cursor:
        if not _refresh_lock(cursor):
            return written
        written += _stale_recompute(cursor, rolled)
    return written


def _stale_recompute(cursor, rolled: datetime) -> int:
    cursor.execute(
        f"DELETE FROM {STALE} WHERE bucket < %s RETURNING device_id, key, bucket",
        [_db_time(rolled)],
    )
    cells = sorted(cursor.fetchall(), key=lambda c: (str(c[0]), c[1], str(c[2])))
    if not cells:
        return 0
    postgres = _postgres()
    placeholder = "%s" if postgres else "?"
    cursor.cursor.executemany(
        f"DELETE FROM {ROLLUP} WHERE device_id = {placeholder} AND key = {placeholder} "
        f"AND bucket = {placeholder}",
        cells,
    )
    written = 0
    for device_id, key, bucket in cells:
        start = _from_db_time(bucket)
        cursor.execute(
            f"INSERT INTO {ROLLUP} ({_COLUMNS}) "
            + _aggregate_sql("device_id = %s AND key = %s AND ts >= %s AND ts < %s"),
            [
                device_id,
                key,
                _db_time(start),
                _db_time(start + timedelta(seconds=BUCKET)),
            ],
        )
        written += cursor.rowcount
    return written


def usable(seconds: int, offset: int) -> bool:
    """Whether buckets of `seconds` aligned `offset` seconds off UTC are whole roll-ups."""
    return seconds % BUCKET == 0 and offset % BUCKET == 0


def series_sql(*, bucket_sql: str, n_ids: int) -> str:
    """The downsampling query over roll-ups and raw readings, in one statement so that it
    reads one snapshot. Parameters: see `series_params`."""
    ids = ", ".join(["%s"] * n_ids)
    postgres = _postgres()
    upto = (
        f"greatest(%s, least(%s, coalesce((SELECT until FROM {MARK} WHERE name = 'rolled'), %s)))"
        if postgres
        else f"max(%s, min(%s, coalesce((SELECT until FROM {MARK} WHERE name = 'rolled'), %s)))"
    )
    bucket_end = (
        "d.bucket + interval '300 seconds'" if postgres else "datetime(d.bucket, '+300 seconds')"
    )
    raw = (
        "SELECT device_id, ts, 1 AS n, value AS s, value AS lo, value AS hi, ts AS lts, value AS lv"
    )
    parts = (
        f"WITH upto AS (SELECT {upto} AS t), parts AS ("
        "SELECT r.device_id, r.bucket AS ts, r.count AS n, r.sum AS s, r.min AS lo, "
        f"r.max AS hi, r.last_ts AS lts, r.last AS lv FROM {ROLLUP} r "
        f"WHERE r.device_id IN ({ids}) AND r.key = %s AND r.bucket >= %s "
        "AND r.bucket < (SELECT t FROM upto) AND NOT EXISTS ("
        f"SELECT 1 FROM {STALE} d WHERE d.device_id = r.device_id AND d.key = r.key "
        "AND d.bucket = r.bucket) "
        f"UNION ALL {raw} FROM iot_telemetry WHERE device_id IN ({ids}) AND key = %s "
        "AND ts >= %s AND ts < %s AND value IS NOT NULL "
        f"UNION ALL {raw} FROM iot_telemetry WHERE device_id IN ({ids}) AND key = %s "
        "AND ts >= (SELECT t FROM upto) AND ts < %s AND value IS NOT NULL "
        "UNION ALL SELECT t.device_id, t.ts, 1, t.value, t.value, t.value, t.ts, t.value "
        f"FROM {STALE} d JOIN iot_telemetry t ON t.device_id = d.device_id AND t.key = d.key "
        f"AND t.ts >= d.bucket AND t.ts < {bucket_end} "
        f"WHERE d.device_id IN ({ids}) AND d.key = %s AND d.bucket >= %s "
        "AND d.bucket < (SELECT t FROM upto) AND t.value IS NOT NULL)"
    )
    if postgres:
        return (
            f"{parts} SELECT device_id, {bucket_sql} AS bucket, sum(s) / sum(n), min(lo), "
            "max(hi), (array_agg(lv ORDER BY lts DESC))[1], sum(n) FROM parts "
            "GROUP BY 1, 2 ORDER BY 1, 2"
        )
    return (
        f"{parts} SELECT device_id, bucket, sum(s) / sum(n), min(lo), max(hi), "
        "max(CASE WHEN rn = 1 THEN lv END), sum(n) FROM ("
        f"SELECT parts.*, {bucket_sql} AS bucket, row_number() OVER ("
        f"PARTITION BY device_id, {bucket_sql} ORDER BY lts DESC) AS rn FROM parts) "
        "GROUP BY 1, 2 ORDER BY 1, 2"
    )


def series_params(*, ids: list, key: str, start: datetime, end: datetime) -> list:
    whole_from, whole_to = bucket_ceil(start), bucket_floor(end)
    if whole_from >= whole_to:
        # No whole bucket in the range: all of it comes from the raw readings.
        whole_from = whole_to = end
    a, b = _db_time(whole_from), _db_time(whole_to)
    return [
        a,
        b,
        a,
        *ids,
        key,
        a,
        *ids,
        key,
        _db_time(start),
        a,
        *ids,
        key,
        _db_time(end),
        *ids,
        key,
        a,
    ]
