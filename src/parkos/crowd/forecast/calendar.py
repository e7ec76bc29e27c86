"""Day-level calendar features: public holidays and official working days.

China publishes its holidays each year together with adjusted workdays (调休): weekend
days that become working days to bridge a holiday. `chinese-calendar` carries the State
Council notices and is the primary source for China; `holidays` covers every other
country and is used to cross-check China. Where the two disagree on a working day the
notice data wins and the disagreement is kept on the calendar for whoever wants to see it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import chinese_calendar
import holidays
import numpy as np
import pandas as pd
from django.utils.translation import gettext as _

from .errors import CalendarUnavailableError

# Distances to the nearest public holiday are capped: beyond a week they carry no signal
# and an uncapped value would let trees split on the holiday schedule of a single year.
HOLIDAY_DISTANCE_CAP_DAYS = 7

DAY_FEATURES = (
    "is_public_holiday",
    "is_working_day",
    "is_adjusted_workday",
    "days_since_holiday",
    "days_until_holiday",
)


@dataclass(frozen=True)
class DayCalendar:
    """Calendar features for a contiguous run of days, indexed by day."""

    region: str
    features: pd.DataFrame
    disagreements: tuple[dt.date, ...] = field(default=())

    def rows_for(self, days: pd.DatetimeIndex) -> pd.DataFrame:
        return self.features.reindex(days)


def _split_region(region: str) -> tuple[str, str | None]:
    """`"NZ"` or `"NZ-AUK"` (ISO 3166-2 style) into country and subdivision."""
    country, _sep, subdivision = region.strip().upper().partition("-")
    return country, subdivision or None


def _holidays_calendar(country: str, subdivision: str | None, years: list[int]):
    try:
        return holidays.country_holidays(country, subdiv=subdivision, years=years)
    except NotImplementedError as error:
        raise CalendarUnavailableError(
            _("No public-holiday data for country “%(country)s”.") % {"country": country},
            field="country",
        ) from error


def _chinese_day_types(days: pd.DatetimeIndex) -> tuple[np.ndarray, np.ndarray] | None:
    """Holiday and working-day flags from the State Council notices, or None when the
    days fall outside the years `chinese-calendar` knows."""
    try:
        holiday = np.array([chinese_calendar.is_holiday(day.date()) for day in days])
        working = np.array([chinese_calendar.is_workday(day.date()) for day in days])
    except NotImplementedError:
        return None
    # chinese-calendar counts ordinary weekends as holidays; a public holiday is a day off
    # with a name.
    named = np.array(
        [chinese_calendar.get_holiday_detail(day.date())[1] is not None for day in days]
    )
    return holiday & named, working


def build_day_calendar(region: str, first_day: dt.date, last_day: dt.date) -> DayCalendar:
    """Calendar features for every day from `first_day` to `last_day` inclusive.

    `region` is an ISO country code, optionally with a subdivision (`"NZ-AUK"`), whose
    regional holidays are then included.
    """
    country, subdivision = _split_region(region)
    days = pd.date_range(first_day, last_day, freq="D")
    # One year of margin each side so the distance to the nearest holiday is right at the edges.
    years = list(range(first_day.year - 1, last_day.year + 2))
    official = _holidays_calendar(country, subdivision, years)
    margin = pd.date_range(dt.date(years[0], 1, 1), dt.date(years[-1], 12, 31), freq="D")

    is_holiday = np.array([day.date() in official for day in margin])
    is_working = np.array([official.is_working_day(day.date()) for day in margin])
    disagreements: list[dt.date] = []
    if country == "CN":
        chinese = _chinese_day_types_by_year(margin)
        if chinese is not None:
            known, cn_holiday, cn_working = chinese
            # Compared on working days only: `holidays` leaves weekend days inside a
            # festival unnamed where the notices name them, which is no real difference.
            differs = known & (cn_working != is_working)
            disagreements = [day.date() for day in margin[differs & margin.isin(days)]]
            is_holiday = np.where(known, cn_holiday, is_holiday)
            is_working = np.where(known, cn_working, is_working)

    is_weekend = margin.day_of_week.isin(list(official.weekend))
    frame = pd.DataFrame(
        {
            "is_public_holiday": is_holiday,
            "is_working_day": is_working,
            "is_adjusted_workday": is_weekend & is_working,
            "days_since_holiday": _days_from_last(is_holiday),
            "days_until_holiday": _days_from_last(is_holiday[::-1])[::-1],
        },
        index=margin,
    )
    return DayCalendar(region=region, features=frame.loc[days], disagreements=tuple(disagreements))


def _chinese_day_types_by_year(days: pd.DatetimeIndex):
    """chinese-calendar flags for the years it covers; `known` marks those days."""
    known = np.zeros(len(days), dtype=bool)
    holiday = np.zeros(len(days), dtype=bool)
    working = np.zeros(len(days), dtype=bool)
    for year in sorted(set(days.year)):
        in_year = days.year == year
        flags = _chinese_day_types(days[in_year])
        if flags is None:
            continue
        known[in_year] = True
        holiday[in_year], working[in_year] = flags
    return (known, holiday, working) if known.any() else None


def _days_from_last(flags: np.ndarray) -> np.ndarray:
    """For each position, days since the last True (0 on a True day), capped."""
    distance = np.full(len(flags), HOLIDAY_DISTANCE_CAP_DAYS, dtype=np.int16)
    since = HOLIDAY_DISTANCE_CAP_DAYS
    for position, flag in enumerate(flags):
        since = 0 if flag else min(since + 1, HOLIDAY_DISTANCE_CAP_DAYS)
        distance[position] = since
    return distance
