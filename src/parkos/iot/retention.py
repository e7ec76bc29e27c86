"""Retention per key: numeric readings are rolled up into hourly rows (kept for ever), and raw
readings older than their key's `raw_retention_days` are deleted, with their five-minute
roll-ups. Keys no device type declares keep the default of 90 days."""

from datetime import datetime, timedelta

from django.db import connection, transaction
from django.utils import timezone

from parkos.iot.models import Device, Telemetry, TelemetryHourly, TelemetryKey, TelemetryRollup

DEFAULT_RAW_DAYS = 90


def telemetry_rollup(*, start: datetime, end: datetime) -> int:
    """(Re)compute the hourly rows of the whole hours in [start, end); returns rows written."""
    start = start.replace(minute=0, second=0, microsecond=0)
    device_ids = list(Device.objects.values_list("id", flat=True))
    if not device_ids:
        return 0
    from parkos.iot.selectors import telemetry_series

    keys = set(
        Telemetry.objects.filter(ts__gte=start, ts__lt=end, value__isnull=False)
        .values_list("key", flat=True)
        .distinct()
    )
    written = 0
    with transaction.atomic():
        for key in sorted(keys):
            series = telemetry_series(
                device_ids=device_ids, key=key, start=start, end=end, bucket=3600
            )
            rows = [
                TelemetryHourly(
                    device_id=device_id,
                    key=key,
                    hour=b["ts"],
                    avg=b["avg"],
                    min=b["min"],
                    max=b["max"],
                    last=b["last"],
                    count=b["count"],
                )
                for device_id, buckets in series.items()
                for b in buckets
            ]
            TelemetryHourly.objects.filter(key=key, hour__gte=start, hour__lt=end).delete()
            TelemetryHourly.objects.bulk_create(rows, batch_size=2000)
            written += len(rows)
    return written


def telemetry_expire(*, now: datetime | None = None) -> int:
    """Delete raw readings past their key's retention, after rolling their hours up."""
    now = now or timezone.now()
    by_days: dict[int, set[str]] = {}
    for key, days in TelemetryKey.objects.values_list("key", "raw_retention_days"):
        by_days.setdefault(days, set()).add(key)
    declared = set().union(*by_days.values()) if by_days else set()
    deleted = 0
    plans = [(days, keys) for days, keys in by_days.items()] + [(DEFAULT_RAW_DAYS, None)]
    for days, keys in plans:
        cutoff = now - timedelta(days=days)
        old = Telemetry.objects.filter(ts__lt=cutoff)
        old = old.filter(key__in=keys) if keys is not None else old.exclude(key__in=declared)
        first = old.order_by("ts").values_list("ts", flat=True).first()
        if first is None:
            continue
        telemetry_rollup(start=first, end=cutoff.replace(minute=0, second=0, microsecond=0))
        hour = cutoff.replace(minute=0, second=0, microsecond=0)
        with transaction.atomic():
            deleted += old.filter(ts__lt=hour).delete()[0]
            # The five-minute roll-ups go with the raw readings; the hourly ones stay.
            rollups = TelemetryRollup.objects.filter(bucket__lt=hour)
            rollups = (
                rollups.filter(key__in=keys)
                if keys is not None
                else rollups.exclude(key__in=declared)
            )
            rollups.delete()
    if connection.vendor == "postgresql" and deleted:
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE iot_telemetry")
    return deleted
