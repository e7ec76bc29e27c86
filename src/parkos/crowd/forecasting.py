"""The crowd app's one door to the forecasting engine (`parkos.crowd.forecast`): stored
counts go in as the engine's long frame, forecasts come out as plain rows.

The engine works in naive local wall-clock hours; this module converts from and to the
aware datetimes the database keeps, in the park's time zone.

Known future inputs: event registrations and the day's visitor passes will enter here, as
extra per-hour columns passed to the engine beside the counts, once the events and passes
capabilities exist. `counts_frame` is where they will be joined (by area and hour).
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from dataclasses import dataclass

import numpy as np
import pandas as pd
from django.conf import settings

from parkos.crowd.forecast.calendar import build_day_calendar
from parkos.crowd.forecast.engine import (
    INTERVAL_QUANTILES,
    EngineSettings,
    forecast_area,
    forecast_sensors,
)
from parkos.crowd.forecast.errors import CountsFileError, ForecastInputError
from parkos.crowd.forecast.features import MAX_HORIZON_HOURS

__all__ = [
    "MAX_HORIZON_HOURS",
    "CountsFileError",
    "ForecastInputError",
    "ForecastRows",
    "SensorChoice",
    "forecast_counts",
    "holiday_days",
]

BOUNDS = tuple(INTERVAL_QUANTILES)  # lower_95, lower_80, upper_80, upper_95


def holiday_region() -> str:
    """The country whose public holidays shape the forecasts (CN for the demo park)."""
    return getattr(settings, "CROWD_HOLIDAY_REGION", "CN")


def time_zone() -> str:
    return settings.TIME_ZONE


def engine_settings(horizon_hours: int) -> EngineSettings:
    overrides = getattr(settings, "CROWD_ENGINE_SETTINGS", {})
    return EngineSettings(horizon_hours=horizon_hours, **overrides)


def to_aware(naive: pd.Series) -> list[dt.datetime]:
    """Local wall-clock hours to aware datetimes; a repeated hour (daylight saving ends)
    is read as the first, a skipped one (it begins) as the hour after."""
    aware = pd.Series(naive).dt.tz_localize(
        zoneinfo.ZoneInfo(time_zone()),
        ambiguous=np.ones(len(naive), dtype=bool),
        nonexistent="shift_forward",
    )
    return list(aware.dt.to_pydatetime())


def to_naive_local(moment: dt.datetime) -> pd.Timestamp:
    zone = zoneinfo.ZoneInfo(time_zone())
    return pd.Timestamp(moment.astimezone(zone).replace(tzinfo=None))


@dataclass(frozen=True)
class SensorChoice:
    model: str
    is_fallback: bool
    reason: str


@dataclass(frozen=True)
class ForecastRows:
    """Engine output, keyed by sensor name and by area key; each row is
    (starts_at aware, step, expected, lower_80, upper_80, lower_95, upper_95)."""

    sensors: dict[str, list[tuple]]
    areas: dict[object, list[tuple]]
    choices: dict[str, SensorChoice]


def _rows(frame: pd.DataFrame) -> list[tuple]:
    values = {name: frame[name].to_numpy(dtype=float) for name in ("forecast", *BOUNDS)}
    starts = [moment.to_pydatetime() for moment in frame["starts_at"]]
    steps = frame["step"].to_numpy(dtype=int)
    return [
        (
            starts[i],
            int(steps[i]),
            float(values["forecast"][i]),
            float(values["lower_80"][i]),
            float(values["upper_80"][i]),
            float(values["lower_95"][i]),
            float(values["upper_95"][i]),
        )
        for i in range(len(frame))
    ]


def forecast_counts(
    counts: pd.DataFrame,
    *,
    origin: dt.datetime,
    horizon_hours: int,
    areas: dict[object, list[str]],
) -> ForecastRows:
    """Forecasts every sensor of `counts` (long frame, naive local) for `horizon_hours`
    from the hour `origin` (aware), and each area of `areas` (key → sensor names) as the
    sum of its sensors."""
    origin_local = to_naive_local(origin)
    # The engine starts the forecast one hour after the last row; a gap row just before
    # `origin` makes that the origin even when the latest counts are late.
    padding = pd.DataFrame(
        {
            "timestamp": [origin_local - pd.Timedelta(hours=1)],
            "sensor": [counts["sensor"].iloc[0]],
            "count": [np.nan],
        }
    )
    counts = pd.concat([counts[counts["timestamp"] < origin_local], padding], ignore_index=True)
    frame, fitted = forecast_sensors(
        counts,
        region=holiday_region(),
        time_zone=time_zone(),
        horizon_hours=horizon_hours,
        settings=engine_settings(horizon_hours),
    )
    sensors = {name: _rows(part) for name, part in frame.groupby("sensor", sort=False)}
    area_rows = {}
    known = set(sensors)
    for key, names in areas.items():
        names = [name for name in names if name in known]
        if names:
            area_rows[key] = _rows(forecast_area(frame, fitted, names))
    choices = {
        choice.sensor: SensorChoice(choice.model, choice.is_fallback, str(choice.reason))
        for choice in fitted.choices
    }
    return ForecastRows(sensors=sensors, areas=area_rows, choices=choices)


def holiday_days(first: dt.date, last: dt.date) -> list[dt.date]:
    """Public holidays of the park's country between `first` and `last` inclusive."""
    calendar = build_day_calendar(holiday_region(), first, last)
    flags = calendar.features["is_public_holiday"]
    return [day.date() for day, flag in flags.items() if flag]
