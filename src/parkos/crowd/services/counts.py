"""Hourly counts: the history import from a counts CSV and the roll-up of live IOC
telemetry. Gaps stay gaps: an hour without a count has no row."""

from datetime import datetime, timedelta

import numpy as np
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from parkos.core.audit import audit_record
from parkos.core.errors import ValidationFailed
from parkos.crowd import forecasting, permissions
from parkos.crowd.models import Counter, CountSource, HourlyCount
from parkos.iot import selectors as iot_selectors

BATCH_SIZE = 5000


def current_hour(now: datetime | None = None) -> datetime:
    now = timezone.localtime(now or timezone.now())
    return now.replace(minute=0, second=0, microsecond=0)


def _upsert(rows: list[HourlyCount]) -> None:
    HourlyCount.objects.bulk_create(
        rows,
        batch_size=BATCH_SIZE,
        update_conflicts=True,
        unique_fields=["counter", "starts_at"],
        update_fields=["count", "source"],
    )


def counts_import(*, actor, park, source, create_counters: bool = False) -> dict:
    """Load a long counts CSV (`timestamp,sensor,count`) into `park`'s counters, matched
    by sensor name. The whole file is checked first; on any error nothing is written and
    the error names the row and the field. A counted hour already stored is replaced; an
    empty count is a gap and writes nothing."""
    permissions.require_manage(actor, park.id)
    try:
        frame = forecasting.read_counts_file(source)
    except forecasting.CountsFileError as error:
        field = error.field or "file"
        message = (
            _("Row %(row)d: %(message)s") % {"row": error.row, "message": error.message}
            if error.row
            else error.message
        )
        raise ValidationFailed(
            message, code="bad_counts_file", fields={field: [message]}
        ) from error

    sensors = sorted(frame["sensor"].unique())
    counters = {c.name: c for c in Counter.objects.filter(park=park, name__in=sensors)}
    unknown = [name for name in sensors if name not in counters]
    if unknown and not create_counters:
        raise ValidationFailed.for_field(
            "sensor",
            _(
                "Unknown sensor “%(sensor)s” (%(count)d unknown); create the counters first or ask for them to be created."
            )
            % {"sensor": unknown[0], "count": len(unknown)},
            code="unknown_sensor",
        )
    counted = frame[np.isfinite(frame["count"].to_numpy(dtype=float))]
    with transaction.atomic():
        created = [Counter(park=park, name=name) for name in unknown]
        Counter.objects.bulk_create(created)
        counters.update({counter.name: counter for counter in created})
        starts = forecasting.to_aware(counted["timestamp"])
        names = counted["sensor"].to_numpy()
        values = counted["count"].to_numpy(dtype=float)
        rows = [
            HourlyCount(
                counter=counters[names[i]],
                starts_at=starts[i],
                count=float(values[i]),
                source=CountSource.IMPORT,
            )
            for i in range(len(counted))
        ]
        _upsert(rows)
        report = {
            "rows": len(frame),
            "counts": len(rows),
            "gaps": int(len(frame) - len(counted)),
            "sensors": len(sensors),
            "counters_created": len(created),
            "first": starts[0].isoformat() if starts else None,
            "last": max(starts).isoformat() if starts else None,
        }
        audit_record(
            actor=actor,
            action="crowd.counts_import",
            instance=park,
            changes=report,
            park_id=park.id,
        )
    return report


def counts_rollup(*, now: datetime | None = None, hours_back: int = 3) -> dict:
    """Rolls the `count` telemetry of every counter linked to an IOC device up into hourly
    counts for the complete hours of the last `hours_back`, and returns each area's live
    count (the larger of the last complete hour and the current hour so far)."""
    from parkos.crowd.services.warnings import area_live_evaluate

    hour = current_hour(now)
    start = hour - timedelta(hours=hours_back)
    counters = list(
        Counter.objects.filter(device_id__isnull=False).select_related("area", "area__park")
    )
    by_key: dict[str, list[Counter]] = {}
    for counter in counters:
        by_key.setdefault(counter.telemetry_key, []).append(counter)
    complete: list[HourlyCount] = []
    last_hour: dict = {}
    so_far: dict = {}
    for key, group in by_key.items():
        series = iot_selectors.telemetry_series(
            device_ids=[c.device_id for c in group],
            key=key,
            start=start,
            end=hour + timedelta(hours=1),
            bucket=3600,
        )
        for counter in group:
            for bucket in series.get(counter.device_id, []):
                total = float(bucket["avg"]) * int(bucket["count"])
                if bucket["ts"] >= hour:
                    so_far[counter.id] = total
                    continue
                complete.append(
                    HourlyCount(
                        counter=counter,
                        starts_at=bucket["ts"],
                        count=max(total, 0.0),
                        source=CountSource.TELEMETRY,
                    )
                )
                if bucket["ts"] == hour - timedelta(hours=1):
                    last_hour[counter.id] = total
    with transaction.atomic():
        _upsert(complete)
    live: dict = {}
    areas = {c.area_id: c.area for c in counters if c.area_id}
    for area_id, area in areas.items():
        members = [c for c in counters if c.area_id == area_id]
        previous = sum(last_hour.get(c.id, 0.0) for c in members)
        current = sum(so_far.get(c.id, 0.0) for c in members)
        if not any(c.id in last_hour or c.id in so_far for c in members):
            continue
        live[area_id] = max(previous, current)
        area_live_evaluate(area=area, count=live[area_id], now=now)
    return {"hours": len(complete), "areas": len(live)}
