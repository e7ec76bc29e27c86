"""Reads of the operations center, each scoped to the acting user (see permissions.py),
except the telemetry door `telemetry_series`, whose callers pass devices they already hold."""

from collections import Counter
from datetime import datetime, timedelta

from django.contrib.auth import get_user_model
from django.db import connection
from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from parkos.core.selectors import get_or_404
from parkos.iot import permissions, rollup
from parkos.iot.models import (
    Alarm,
    AlarmEvent,
    AlarmRule,
    AlarmStatus,
    Device,
    DeviceType,
    IngestCount,
    LatestValue,
    Telemetry,
)


def device_list(
    *,
    actor,
    park_id=None,
    building_id=None,
    floor_id=None,
    kind: str = "",
    q: str = "",
) -> QuerySet[Device]:
    devices = (
        Device.objects.visible_to(actor)
        .select_related("device_type", "building", "floor")
        .order_by("serial")
    )
    if park_id:
        devices = devices.filter(park_id=park_id)
    if building_id:
        devices = devices.filter(building_id=building_id)
    if floor_id:
        devices = devices.filter(floor_id=floor_id)
    if kind:
        devices = devices.filter(device_type__kind=kind)
    q = (q or "").strip()[:100]
    if q:
        devices = devices.filter(Q(name__icontains=q) | Q(serial__icontains=q))
    return devices


def device_get(*, actor, device_id) -> Device:
    return get_or_404(device_list(actor=actor), pk=device_id)


def device_type_get(*, code: str) -> DeviceType | None:
    """A device type by its code (the catalogue is the same for every park), or None."""
    return DeviceType.objects.filter(code=code).first()


def assignee_get(*, actor, user_id) -> object | None:
    """An active user named as an alarm's assignee, or None; whether they may take it is
    the service's decision (alarm_assign), and only operations staff ask."""
    permissions.require_ioc_staff(actor)
    return get_user_model()._default_manager.filter(pk=user_id, is_active=True).first()


def latest_values(*, actor, device_ids) -> dict:
    """{device_id: {key: {"ts", "value", "text"}}} of the devices the actor sees."""
    found: dict = {}
    latest = LatestValue.objects.visible_to(actor).filter(device_id__in=list(device_ids))
    for row in latest.values("device_id", "key", "ts", "value", "text"):
        found.setdefault(row["device_id"], {})[row["key"]] = row
    return found


def telemetry_range(
    *, actor, device, key: str, start: datetime, end: datetime, limit: int = 10_000
):
    """Raw readings of one key of a device the actor sees, oldest first."""
    return list(
        Telemetry.objects.visible_to(actor)
        .filter(device_id=device.id, key=key, ts__gte=start, ts__lt=end)
        .order_by("ts")
        .values_list("ts", "value", "text")[:limit]
    )


def _bucket_sql(bucket: int, offset: int) -> str:
    if connection.vendor == "postgresql":
        # date_bin works on the timestamp itself; extract(epoch) yields a numeric, whose
        # arithmetic was half of the cost of downsampling a day of 1 Hz readings.
        return (
            f"date_bin(interval '{int(bucket)} seconds', ts, "
            f"timestamptz 'epoch' - interval '{int(offset)} seconds')"
        )
    epoch = "CAST(strftime('%%s', ts) AS INTEGER)"
    return f"(CAST(floor(({epoch} + {offset}) / {bucket}) AS BIGINT) * {bucket} - {offset})"


def telemetry_series(*, device_ids, key: str, start: datetime, end: datetime, bucket=None):
    """Readings of one key for several devices from `start` to `end`.

    Without `bucket`: {device_id: [(ts, value), ...]}. With `bucket` (seconds or a
    timedelta): {device_id: [{"ts", "avg", "min", "max", "last", "count"}, ...]} with buckets
    aligned on local time, so daily buckets start at local midnight."""
    device_ids = list(device_ids)
    if not device_ids:
        return {}
    if bucket is None:
        series: dict = {device_id: [] for device_id in device_ids}
        rows = (
            Telemetry.objects.filter(
                device_id__in=device_ids, key=key, ts__gte=start, ts__lt=end, value__isnull=False
            )
            .order_by("device_id", "ts")
            .values_list("device_id", "ts", "value")
        )
        for device_id, ts, value in rows:
            series[device_id].append((ts, value))
        return series
    seconds = int(bucket.total_seconds() if isinstance(bucket, timedelta) else bucket)
    if seconds <= 0:
        raise ValueError("bucket must be positive")
    offset = int(timezone.localtime(start).utcoffset().total_seconds())
    bucket_sql = _bucket_sql(seconds, offset)
    postgres = connection.vendor == "postgresql"
    ids = device_ids if postgres else [device_id.hex for device_id in device_ids]
    placeholders = ", ".join(["%s"] * len(ids))
    bounds = (
        [start, end]
        if postgres
        else [
            connection.ops.adapt_datetimefield_value(start),
            connection.ops.adapt_datetimefield_value(end),
        ]
    )
    if rollup.usable(seconds, offset):
        # Whole five-minute buckets come from the roll-ups (see rollup.py).
        sql = rollup.series_sql(bucket_sql=bucket_sql, n_ids=len(ids))
        params = rollup.series_params(ids=ids, key=key, start=start, end=end)
    elif postgres:
        sql = (
            f"SELECT device_id, {bucket_sql} AS bucket, avg(value), min(value), max(value), "
            "(array_agg(value ORDER BY ts DESC))[1], count(*) FROM iot_telemetry "
            f"WHERE device_id IN ({placeholders}) AND key = %s AND ts >= %s AND ts < %s "
            "AND value IS NOT NULL GROUP BY 1, 2 ORDER BY 1, 2"
        )
        params = [*ids, key, *bounds]
    else:
        sql = (
            "SELECT device_id, bucket, avg(value), min(value), max(value), "
            "max(CASE WHEN rn = 1 THEN value END), count(*) FROM ("
            f"SELECT device_id, value, {bucket_sql} AS bucket, row_number() OVER ("
            f"PARTITION BY device_id, {bucket_sql} ORDER BY ts DESC) AS rn FROM iot_telemetry "
            f"WHERE device_id IN ({placeholders}) AND key = %s AND ts >= %s AND ts < %s "
            "AND value IS NOT NULL) GROUP BY 1, 2 ORDER BY 1, 2"
        )
        params = [*ids, key, *bounds]
    series = {device_id: [] for device_id in device_ids}
    by_hex = {device_id.hex: device_id for device_id in device_ids}
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        zone = timezone.get_current_timezone()
        for device_id, bucket_start, avg, low, high, last, count in cursor.fetchall():
            device_id = device_id if postgres else by_hex[device_id]
            series[device_id].append(
                {
                    "ts": bucket_start.astimezone(zone)
                    if postgres
                    else datetime.fromtimestamp(int(bucket_start), tz=zone),
                    "avg": avg,
                    "min": low,
                    "max": high,
                    "last": last,
                    "count": count,
                }
            )
    return series


def alarm_list(
    *, actor, park_id=None, status: str = "", severity: str = "", open_only: bool = False
) -> QuerySet[Alarm]:
    alarms = (
        Alarm.objects.visible_to(actor)
        .select_related("device", "building", "acknowledged_by", "cleared_by", "assignee")
        .order_by("-last_raised_at", "id")
    )
    if park_id:
        alarms = alarms.filter(park_id=park_id)
    if status:
        alarms = alarms.filter(status=status)
    if severity:
        alarms = alarms.filter(severity=severity)
    if open_only:
        alarms = alarms.exclude(status=AlarmStatus.CLEARED)
    return alarms


def alarm_get(*, actor, alarm_id) -> Alarm:
    return get_or_404(alarm_list(actor=actor).select_related("rule", "park"), pk=alarm_id)


def alarm_events(*, actor, alarm: Alarm) -> QuerySet[AlarmEvent]:
    return (
        AlarmEvent.objects.visible_to(actor)
        .filter(alarm_id=alarm.id)
        .select_related("actor")
        .order_by("at", "id")
    )


def rule_list(*, actor, park_id=None) -> QuerySet[AlarmRule]:
    rules = (
        AlarmRule.objects.visible_to(actor)
        .select_related("device_type", "device")
        .order_by("name", "id")
    )
    return rules.filter(park_id=park_id) if park_id else rules


def rule_get(*, actor, rule_id) -> AlarmRule:
    return get_or_404(rule_list(actor=actor), pk=rule_id)


def ioc_kpis(*, actor, park_id) -> dict:
    """The tiles of the dashboard: devices online, open alarms by severity, open tickets."""
    devices = device_list(actor=actor, park_id=park_id).select_related(None)
    now = timezone.now()
    total = online = 0
    for last_seen, offline_after in devices.values_list(
        "last_seen_at", "device_type__offline_after"
    ):
        total += 1
        if last_seen is not None and (now - last_seen).total_seconds() <= offline_after:
            online += 1
    open_alarms = alarm_list(actor=actor, park_id=park_id, open_only=True)
    by_severity = Counter(
        dict(open_alarms.values_list("severity").annotate(n=Count("id")).order_by())
    )
    with_ticket = open_alarms.filter(ticket_id__isnull=False).values_list("ticket_id", flat=True)
    return {
        "devices": total,
        "online": online,
        "offline": total - online,
        "alarms": by_severity,
        "alarms_total": sum(by_severity.values()),
        "ticket_ids": list(with_ticket),
    }


def ingest_metrics(*, actor, days: int = 1) -> dict:
    """Counters of the ingest pipeline ({channel: {outcome: n}}), for operations staff."""
    permissions.require_ioc_staff(actor)
    since = timezone.localdate() - timedelta(days=days - 1)
    metrics: dict = {}
    for channel, outcome, count in IngestCount.objects.filter(day__gte=since).values_list(
        "channel", "outcome", "count"
    ):
        metrics.setdefault(channel, Counter())[outcome] += count
    return {channel: dict(counts) for channel, counts in metrics.items()}
