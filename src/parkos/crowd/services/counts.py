"""Hourly counts: the history import from a counts CSV and the roll-up of live IOC
telemetry. Gaps stay gaps: an hour without a count has no row."""

import math
import re
from datetime import datetime, timedelta
from pathlib import Path

import pandas as pd
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from parkos.core import imports
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


# An hour's count beyond this is a typing or sensor error, not a crowd.
MAX_HOURLY_COUNT = 1_000_000
# A long counts file holds years of hourly rows for dozens of sensors.
MAX_ROWS = 2_000_000
MAX_BYTES = 50 * 1024 * 1024
_OFFSET_SUFFIX = re.compile(r"(?:Z|[+-]\d{2}(?::?\d{2})?)$")


def _counts_permission(actor, ctx) -> None:
    permissions.require_manage(actor, ctx.park_id)


def _counts_prepare(ctx) -> None:
    ctx.state["counters"] = {c.name: c for c in Counter.objects.filter(park_id=ctx.park_id)}
    ctx.state["last"] = {}


def _counts_timestamp(text: str, ctx) -> tuple[datetime, datetime]:
    """(local wall-clock hour, instant to order by); the first row decides whether every
    timestamp carries a UTC offset."""
    has_offset = bool(_OFFSET_SUFFIX.search(text))
    if ctx.state.setdefault("offset", has_offset) != has_offset:
        raise ValidationFailed.for_field(
            "timestamp",
            _("Timestamps mix local times with and without a UTC offset; use one form throughout."),
        )
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise ValidationFailed.for_field("timestamp", _("The timestamp is not ISO 8601.")) from None
    wall_clock = moment.replace(tzinfo=None)
    if wall_clock != wall_clock.replace(minute=0, second=0, microsecond=0):
        raise ValidationFailed.for_field(
            "timestamp", _("The timestamp is not on the hour (hourly counts).")
        )
    return wall_clock, moment


def _counts_clean(row: dict[str, str], ctx) -> tuple:
    sensor = row["sensor"]
    if not sensor:
        raise ValidationFailed.for_field("sensor", _("The sensor name is empty."))
    if sensor not in ctx.state["counters"] and not ctx.options.get("create_counters"):
        raise ValidationFailed.for_field(
            "sensor",
            _(
                "Unknown sensor “%(sensor)s”; create the counters first or ask for them to be created."
            )
            % {"sensor": sensor},
        )
    count = None
    if row["count"]:
        try:
            count = float(row["count"])
        except ValueError:
            count = math.nan
        if not math.isfinite(count):
            raise ValidationFailed.for_field(
                "count", _("The count “%(value)s” is not a number.") % {"value": row["count"]}
            )
        if count < 0:
            raise ValidationFailed.for_field("count", _("The count is negative."))
        if count > MAX_HOURLY_COUNT:
            raise ValidationFailed.for_field(
                "count",
                _("The count is above %(max)s people in an hour.")
                % {"max": f"{MAX_HOURLY_COUNT:,}"},
            )
    wall_clock, instant = _counts_timestamp(row["timestamp"], ctx)
    previous = ctx.state["last"].get(sensor)
    if previous is not None and instant <= previous[0]:
        if instant == previous[0]:
            message = _(
                "Sensor “%(sensor)s” has a second row for %(timestamp)s (first on row %(first)d)."
            )
        else:
            message = _("Timestamps of sensor “%(sensor)s” go back in time at %(timestamp)s.")
        raise ValidationFailed.for_field(
            "timestamp",
            message % {"sensor": sensor, "timestamp": wall_clock.isoformat(), "first": previous[1]},
        )
    ctx.state["last"][sensor] = (instant, ctx.row)
    return wall_clock, sensor, count


def _counts_write(rows: list[tuple], ctx) -> dict:
    park = ctx.options["park"]
    # The engine models a day of 24 wall-clock hours: the hour repeated when daylight
    # saving ends (two offsets, one local hour) is kept as the mean of its counts.
    merged: dict[tuple[str, datetime], list[float]] = {}
    for wall_clock, sensor, count in rows:
        values = merged.setdefault((sensor, wall_clock), [])
        if count is not None:
            values.append(count)
    sensors = sorted({sensor for sensor, _hour in merged})
    counters = ctx.state["counters"]
    created = [Counter(park=park, name=name) for name in sensors if name not in counters]
    Counter.objects.bulk_create(created)
    counters.update({counter.name: counter for counter in created})
    counted = [(key, sum(values) / len(values)) for key, values in merged.items() if values]
    hours = [hour for (_sensor, hour), _value in counted]
    starts = forecasting.to_aware(pd.Series(hours, dtype="datetime64[ns]")) if hours else []
    hourly = [
        HourlyCount(
            counter=counters[sensor],
            starts_at=starts[i],
            count=value,
            source=CountSource.IMPORT,
        )
        for i, ((sensor, _hour), value) in enumerate(counted)
    ]
    _upsert(hourly)
    report = {
        "rows": len(merged),
        "counts": len(hourly),
        "gaps": len(merged) - len(hourly),
        "sensors": len(sensors),
        "counters_created": len(created),
        "first": min(starts).isoformat() if starts else None,
        "last": max(starts).isoformat() if starts else None,
    }
    audit_record(
        actor=ctx.actor,
        action="crowd.counts_import",
        instance=park,
        changes=report,
        park_id=park.id,
    )
    return report


COUNTS_IMPORTER = imports.Importer(
    kind="crowd.counts",
    label=gettext_lazy("Hourly people counts"),
    columns=(
        imports.Column(
            "timestamp", HourlyCount._meta.get_field("starts_at").verbose_name, required=True
        ),
        imports.Column(
            "sensor",
            Counter._meta.get_field("name").verbose_name,
            required=True,
            max_length=Counter._meta.get_field("name").max_length,
        ),
        imports.Column("count", HourlyCount._meta.get_field("count").verbose_name, required=True),
    ),
    clean_row=_counts_clean,
    write=_counts_write,
    permission=_counts_permission,
    prepare=_counts_prepare,
    title_column="sensor",
    strict_columns=True,
    max_rows=MAX_ROWS,
    max_bytes=MAX_BYTES,
)


def counts_import(*, actor, park, source, create_counters: bool = False) -> dict:
    """Load a long counts file (`timestamp,sensor,count`; CSV or Excel) into `park`'s
    counters, matched by sensor name, through the core import kernel. The whole file is
    checked first; on any error nothing is written and the error names the row and the
    column. A counted hour already stored is replaced; an empty count is a gap and writes
    nothing. `source` is a path or a binary file."""
    if isinstance(source, str | Path):
        file_name, content = str(source), Path(source).read_bytes()
    else:
        file_name, content = getattr(source, "name", "") or "counts.csv", source.read()
    summary = imports.import_file(
        importer=COUNTS_IMPORTER,
        actor=actor,
        file_name=str(file_name),
        content=content,
        park_id=park.id,
        options={"create_counters": create_counters, "park": park},
    )
    return summary


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
