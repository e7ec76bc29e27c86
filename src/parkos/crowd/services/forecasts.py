"""Forecast refresh: the scheduled job splits a park's areas into chunks, one task per
chunk (Celery workers share them out on a large park), and each task fits the engine on
its chunk's counters, stores the forecasts of the counters and of the areas, and
re-evaluates the areas' early warnings."""

import logging
from datetime import datetime, timedelta

import pandas as pd
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from parkos.core.jobs import enqueue
from parkos.crowd import forecasting
from parkos.crowd.models import Area, Counter, ForecastPoint, HourlyCount
from parkos.crowd.services.counts import current_hour
from parkos.crowd.services.warnings import area_forecast_evaluate

logger = logging.getLogger(__name__)


def forecast_horizon() -> int:
    """Hours stored ahead by a refresh; the API and pages read 1 up to this."""
    return getattr(settings, "CROWD_FORECAST_HOURS", forecasting.MAX_HORIZON_HOURS)


def history_days() -> int:
    """Days of counts a refresh reads: enough for the engine's weekly lags, backtest and
    training window."""
    return getattr(settings, "CROWD_HISTORY_DAYS", 120)


def chunk_size() -> int:
    return getattr(settings, "CROWD_AREAS_PER_TASK", 8)


def forecast_chunks(*, park_id=None) -> list[tuple[str, list[str], list[str]]]:
    """(park id, area ids, ids of counters without an area) per task."""
    areas = Area.objects.order_by("park_id", "name")
    loose = Counter.objects.filter(area__isnull=True).order_by("park_id", "name")
    if park_id:
        areas, loose = areas.filter(park_id=park_id), loose.filter(park_id=park_id)
    chunks: dict = {}
    for area_id, park in areas.values_list("id", "park_id"):
        chunks.setdefault(park, ([], []))[0].append(str(area_id))
    for counter_id, park in loose.values_list("id", "park_id"):
        chunks.setdefault(park, ([], []))[1].append(str(counter_id))
    size = chunk_size()
    result = []
    for park, (area_ids, counter_ids) in chunks.items():
        for start in range(0, len(area_ids), size):
            result.append((str(park), area_ids[start : start + size], []))
        for start in range(0, len(counter_ids), size * 4):
            result.append((str(park), [], counter_ids[start : start + size * 4]))
    return result


def forecasts_refresh(
    *, park_id=None, now: datetime | None = None, inline: bool | None = None
) -> int:
    """Schedules one task per chunk; returns how many. Without a broker (`inline`) the
    chunks run here, one after another."""
    from parkos.crowd.tasks import refresh_forecast_chunk

    origin = current_hour(now).isoformat()
    chunks = forecast_chunks(park_id=park_id)
    if inline is None:
        inline = not settings.CELERY_BROKER_URL
    for _park, area_ids, counter_ids in chunks:
        if inline:
            forecast_chunk_refresh(area_ids=area_ids, counter_ids=counter_ids, origin=origin)
        else:
            enqueue(refresh_forecast_chunk, area_ids, counter_ids, origin)
    return len(chunks)


def counts_frame(counters: list[Counter], *, start: datetime, end: datetime) -> pd.DataFrame:
    """The engine's long frame of `counters`' counts from `start` to `end` (gaps absent)."""
    names = {counter.id: counter.name for counter in counters}
    rows = HourlyCount.objects.filter(
        counter_id__in=list(names), starts_at__gte=start, starts_at__lt=end
    ).values_list("counter_id", "starts_at", "count")
    frame = pd.DataFrame.from_records(list(rows), columns=["counter", "starts_at", "count"])
    if frame.empty:
        return pd.DataFrame(columns=["timestamp", "sensor", "count"])
    local = pd.to_datetime(frame["starts_at"], utc=True).dt.tz_convert(forecasting.time_zone())
    return pd.DataFrame(
        {
            "timestamp": local.dt.tz_localize(None),
            "sensor": frame["counter"].map(names),
            "count": frame["count"].astype(float),
        }
    )


def _points(rows, *, issued_at, counter=None, area=None) -> list[ForecastPoint]:
    return [
        ForecastPoint(
            counter=counter,
            area=area,
            issued_at=issued_at,
            starts_at=starts_at,
            step=step,
            expected=expected,
            lower_80=lower_80,
            upper_80=upper_80,
            lower_95=lower_95,
            upper_95=upper_95,
        )
        for starts_at, step, expected, lower_80, upper_80, lower_95, upper_95 in rows
    ]


def forecast_chunk_refresh(*, area_ids: list, counter_ids: list, origin: str) -> dict:
    """Forecast the counters of `area_ids` and the counters `counter_ids` from the hour
    `origin` (ISO), replace their stored forecasts and re-evaluate the areas' warnings."""
    origin_at = datetime.fromisoformat(origin)
    areas = list(Area.objects.filter(id__in=area_ids).select_related("park"))
    counters = list(
        Counter.objects.filter(area_id__in=area_ids) | Counter.objects.filter(id__in=counter_ids)
    )
    frame = counts_frame(counters, start=origin_at - timedelta(days=history_days()), end=origin_at)
    if frame.empty:
        for area in areas:
            area_forecast_evaluate(area=area, now=origin_at)
        return {"counters": 0, "areas": 0}
    names = {c.name: c for c in counters}
    result = forecasting.forecast_counts(
        frame,
        origin=origin_at,
        horizon_hours=forecast_horizon(),
        areas={area.id: [c.name for c in counters if c.area_id == area.id] for area in areas},
    )
    issued_at = timezone.now()
    points: list[ForecastPoint] = []
    for name, rows in result.sensors.items():
        points += _points(rows, issued_at=issued_at, counter=names[name])
    by_id = {area.id: area for area in areas}
    for area_id, rows in result.areas.items():
        points += _points(rows, issued_at=issued_at, area=by_id[area_id])
    with transaction.atomic():
        ForecastPoint.objects.filter(counter__in=counters).delete()
        ForecastPoint.objects.filter(area__in=areas).delete()
        ForecastPoint.objects.bulk_create(points, batch_size=2000)
        for name, choice in result.choices.items():
            counter = names[name]
            counter.forecast_model = choice.model
            counter.forecast_is_fallback = choice.is_fallback
            counter.forecast_reason = choice.reason[:300]
            counter.forecast_updated_at = issued_at
        Counter.objects.bulk_update(
            [names[name] for name in result.choices],
            ["forecast_model", "forecast_is_fallback", "forecast_reason", "forecast_updated_at"],
        )
    for area in areas:
        area_forecast_evaluate(area=area, now=origin_at)
    return {"counters": len(result.sensors), "areas": len(result.areas)}
