"""Monthly partitions of the readings table on PostgreSQL."""

from datetime import date

from django.db import connection as default_connection
from django.db import transaction
from django.utils import timezone

TABLE = "iot_telemetry"


def _month_start(day: date) -> date:
    return day.replace(day=1)


def _next_month(day: date) -> date:
    return date(day.year + (day.month == 12), day.month % 12 + 1, 1)


def partitioned_telemetry_create(connection) -> None:
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE {TABLE}")
        cursor.execute(
            f"""CREATE TABLE {TABLE} (
                device_id uuid NOT NULL,
                key varchar(64) NOT NULL,
                ts timestamptz NOT NULL,
                value double precision NULL,
                text text NULL,
                PRIMARY KEY (device_id, key, ts)
            ) PARTITION BY RANGE (ts)"""
        )
        cursor.execute(f"CREATE TABLE {TABLE}_default PARTITION OF {TABLE} DEFAULT")
        cursor.execute(f"CREATE INDEX {TABLE}_ts_brin ON {TABLE} USING brin (ts)")
    today = timezone.localdate()
    start = _month_start(today.replace(year=today.year - 1))
    telemetry_partitions_ensure(
        start=start, end=_next_month(_next_month(today)), connection=connection
    )


def partitioned_telemetry_drop(connection) -> None:
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE {TABLE} CASCADE")
        cursor.execute(
            f"""CREATE TABLE {TABLE} (
                device_id uuid NOT NULL, key varchar(64) NOT NULL, ts timestamptz NOT NULL,
                value double precision NULL, text text NULL, PRIMARY KEY (device_id, key, ts))"""
        )


def telemetry_partitions_ensure(*, start: date, end: date, connection=None) -> list[str]:
    """Create the monthly partitions covering [start, end) that do not exist yet. Rows that
    already sit in the default partition for such a month are moved into the new one."""
    connection = connection or default_connection
    if connection.vendor != "postgresql":
        return []
    created = []
    month = _month_start(start)
    with transaction.atomic(using=connection.alias), connection.cursor() as cursor:
        while month < end:
            following = _next_month(month)
            name = f"{TABLE}_{month:%Y%m}"
            cursor.execute("SELECT to_regclass(%s)", [name])
            if cursor.fetchone()[0] is None:
                bounds = [month.isoformat(), following.isoformat()]
                cursor.execute(
                    f"CREATE TEMP TABLE _moving AS SELECT * FROM {TABLE}_default "
                    "WHERE ts >= %s::date AND ts < %s::date",
                    bounds,
                )
                cursor.execute(
                    f"DELETE FROM {TABLE}_default WHERE ts >= %s::date AND ts < %s::date", bounds
                )
                cursor.execute(
                    f"CREATE TABLE {name} PARTITION OF {TABLE} "
                    f"FOR VALUES FROM ('{month.isoformat()}') TO ('{following.isoformat()}')"
                )
                cursor.execute(f"INSERT INTO {TABLE} SELECT * FROM _moving")
                cursor.execute("DROP TABLE _moving")
                created.append(name)
            month = following
    return created
