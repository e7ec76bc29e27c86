"""Features for a forecast issued at an origin hour for the hours that follow.

Every feature of a (sensor, origin, step) row reads only counts strictly before the
origin: the target hour's own weekly and yearly lags (t − 168·j with step < 168 are all
before the origin), the most recent same hour of day, and levels over windows that end at the
origin. That is what makes the rolling evaluation free of peeking; a test poisons the
future to check it.

Last year's counts (52 weeks back, which keeps the weekday, and 365 days back, which
keeps the date of fixed holidays) enter relative to last year's level at the same
point, so they carry the season's shape rather than last year's volume.

Counts enter as ratios to the sensor's recent level (mean of the last week), so one
global model serves sensors of any size and follows level shifts at once.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from .calendar import DayCalendar
from .matrix import HOURS_PER_DAY, HOURS_PER_WEEK, CountsMatrix

WEEKS_OF_LAGS = 4
RECENT_DAYS_FOR_HOUR_PROFILE = 28
# Left padding covers the longest look-back, right padding the longest horizon.
# 52 weeks back keeps the weekday; a year of 365 days keeps the date (Christmas).
YEAR_WEEKS_HOURS = 52 * HOURS_PER_WEEK
YEAR_DATE_HOURS = 365 * HOURS_PER_DAY
LOOKBACK_HOURS = YEAR_DATE_HOURS + HOURS_PER_WEEK
MAX_HORIZON_HOURS = HOURS_PER_WEEK
CALENDAR_MARGIN_DAYS = LOOKBACK_HOURS // HOURS_PER_DAY + 2

FEATURE_NAMES = (
    "sensor",
    "step",
    "hour",
    "day_of_week",
    "day_of_year",
    "is_public_holiday",
    "is_working_day",
    "is_adjusted_workday",
    "days_since_holiday",
    "days_until_holiday",
    "last_week_was_working_day",
    "last_week_was_holiday",
    "last_same_hour_was_working_day",
    "lag_week_1",
    "lag_week_2",
    "lag_week_3",
    "lag_week_4",
    "mean_of_weekly_lags",
    "last_same_hour",
    "last_hour",
    "last_day_vs_week_before",
    "last_day_vs_four_weeks",
    "same_day_type_recent_mean",
    "same_day_type_last",
    "week_vs_four_weeks",
    "log_level",
    "year_ago_same_weekday",
    "year_ago_same_weekday_day",
    "year_ago_same_date_day",
    "year_ago_week_vs_level",
)


@dataclass(frozen=True)
class FeatureRows:
    """Rows for (sensor, origin, step) triples, flattened in that order."""

    features: pd.DataFrame
    sensor_rows: np.ndarray
    origin_columns: np.ndarray
    target_columns: np.ndarray
    level: np.ndarray  # the scale every count feature was divided by
    recent_hour_profile: np.ndarray  # mean of the same hour over the last 28 days


class FeatureBuilder:
    def __init__(self, matrix: CountsMatrix, calendar: DayCalendar):
        self.matrix = matrix
        values = matrix.values
        self.padded = np.pad(
            values, ((0, 0), (LOOKBACK_HOURS, MAX_HORIZON_HOURS)), constant_values=np.nan
        )
        observed = np.isfinite(self.padded)
        # Prefix sums give the mean of any window in O(1), gaps excluded.
        self.sum_prefix = np.concatenate(
            [np.zeros((len(values), 1)), np.cumsum(np.where(observed, self.padded, 0.0), axis=1)],
            axis=1,
        )
        self.count_prefix = np.concatenate(
            [np.zeros((len(values), 1)), np.cumsum(observed, axis=1)], axis=1
        )
        days = pd.date_range(
            matrix.first_day - pd.Timedelta(days=CALENDAR_MARGIN_DAYS),
            matrix.last_day + pd.Timedelta(days=CALENDAR_MARGIN_DAYS),
            freq="D",
        )
        day_table = calendar.rows_for(days)
        if day_table.isna().any().any():
            raise ValueError("calendar does not cover the counts history")
        self.day_table = {name: day_table[name].to_numpy(dtype=float) for name in day_table}

    def _value(self, sensor_rows: np.ndarray, columns: np.ndarray) -> np.ndarray:
        return self.padded[sensor_rows, columns + LOOKBACK_HOURS]

    def window_mean(self, sensor_rows, end_columns, hours) -> np.ndarray:
        """Mean of the `hours` before each end column (exclusive), NaN if none observed."""
        end = end_columns + LOOKBACK_HOURS
        start = np.maximum(end - hours, 0)
        total = self.sum_prefix[sensor_rows, end] - self.sum_prefix[sensor_rows, start]
        count = self.count_prefix[sensor_rows, end] - self.count_prefix[sensor_rows, start]
        with np.errstate(invalid="ignore", divide="ignore"):
            return np.where(count > 0, total / np.maximum(count, 1), np.nan)

    def level(self, sensor_rows, origin_columns) -> np.ndarray:
        """Last week's mean; a longer window, then all history, when the week is a gap."""
        level = self.window_mean(sensor_rows, origin_columns, HOURS_PER_WEEK)
        for hours in (4 * HOURS_PER_WEEK, origin_columns.max() + LOOKBACK_HOURS):
            level = np.where(
                np.isfinite(level), level, self.window_mean(sensor_rows, origin_columns, hours)
            )
        # A sensor that has counted only zeros still needs a positive scale.
        return np.where(np.isfinite(level), np.maximum(level, 1.0), np.nan)

    def rows(self, sensor_rows: np.ndarray, origin_columns: np.ndarray, steps: int) -> FeatureRows:
        if not 1 <= steps <= MAX_HORIZON_HOURS:
            raise ValueError(f"steps must be 1..{MAX_HORIZON_HOURS}")
        grid = np.meshgrid(sensor_rows, origin_columns, np.arange(steps), indexing="ij")
        sensor, origin, step = (axis.ravel() for axis in grid)
        target = origin + step
        level = self.level(sensor, origin)

        hour = target % HOURS_PER_DAY
        day = target // HOURS_PER_DAY + CALENDAR_MARGIN_DAYS
        first_dow = self.matrix.first_day.day_of_week
        lags = np.stack(
            [
                self._value(sensor, target - week * HOURS_PER_WEEK)
                for week in range(1, WEEKS_OF_LAGS + 1)
            ]
        )
        last_same_hour_back = HOURS_PER_DAY * (step // HOURS_PER_DAY + 1)
        last_day = self.window_mean(sensor, origin, HOURS_PER_DAY)
        week_before_last_day = self.window_mean(sensor, origin - HOURS_PER_WEEK, HOURS_PER_DAY)
        four_weeks = self.window_mean(sensor, origin, 4 * HOURS_PER_WEEK)
        days_back = np.arange(
            step.max() // HOURS_PER_DAY + 1,
            step.max() // HOURS_PER_DAY + 1 + RECENT_DAYS_FOR_HOUR_PROFILE,
        )
        profile = np.stack(
            [self._value(sensor, target - HOURS_PER_DAY * back) for back in days_back]
        )
        # The same hour on recent days of the target's kind (working or not): yesterday
        # speaks for a Tuesday, last Sunday for a public holiday.
        working = self.day_table["is_working_day"]
        same_kind = np.stack([working[day - back] == working[day] for back in days_back])
        same_kind_profile = np.where(same_kind, profile, np.nan)
        most_recent_same_kind = _first_observed(same_kind_profile)
        same_kind_recent = _mean_ignoring_gaps(_keep_first_observed(same_kind_profile, 5))
        four_weeks_of_days = _mean_ignoring_gaps(
            np.stack(
                [week_before_last_day]
                + [
                    self.window_mean(sensor, origin - week * HOURS_PER_WEEK, HOURS_PER_DAY)
                    for week in range(2, WEEKS_OF_LAGS + 1)
                ]
            )
        )
        with np.errstate(invalid="ignore", divide="ignore"):
            recent_hour_profile = _mean_ignoring_gaps(profile)
            columns = {
                "sensor": sensor,
                "step": step,
                "hour": hour,
                "day_of_week": (first_dow + target // HOURS_PER_DAY) % 7,
                "day_of_year": (
                    self.matrix.first_day + pd.to_timedelta(target // HOURS_PER_DAY, unit="D")
                ).day_of_year,
                **{
                    name: self.day_table[name][day]
                    for name in (
                        "is_public_holiday",
                        "is_working_day",
                        "is_adjusted_workday",
                        "days_since_holiday",
                        "days_until_holiday",
                    )
                },
                "last_week_was_working_day": self.day_table["is_working_day"][day - 7],
                "last_week_was_holiday": self.day_table["is_public_holiday"][day - 7],
                "last_same_hour_was_working_day": self.day_table["is_working_day"][
                    day - last_same_hour_back // HOURS_PER_DAY
                ],
                **{f"lag_week_{week + 1}": lags[week] / level for week in range(WEEKS_OF_LAGS)},
                "mean_of_weekly_lags": _mean_ignoring_gaps(lags) / level,
                "last_same_hour": self._value(sensor, target - last_same_hour_back) / level,
                "last_hour": self._value(sensor, origin - 1) / level,
                "last_day_vs_week_before": last_day / week_before_last_day,
                "last_day_vs_four_weeks": last_day / four_weeks_of_days,
                "same_day_type_recent_mean": same_kind_recent / level,
                "same_day_type_last": most_recent_same_kind / level,
                "week_vs_four_weeks": self.window_mean(sensor, origin, HOURS_PER_WEEK) / four_weeks,
                "log_level": np.log(level),
                **self._year_ago(sensor, origin, target),
            }
        features = pd.DataFrame(columns, columns=list(FEATURE_NAMES))
        return FeatureRows(
            features=features,
            sensor_rows=sensor,
            origin_columns=origin,
            target_columns=target,
            level=level,
            recent_hour_profile=recent_hour_profile,
        )

    def _year_ago(self, sensor, origin, target) -> dict:
        """Last year's shape around the target, relative to last year's level at the
        origin: annual seasons and fixed-date holidays that the weekly lags cannot see."""
        weekday_level = self.level(sensor, origin - YEAR_WEEKS_HOURS)
        date_level = self.level(sensor, origin - YEAR_DATE_HOURS)
        target_day = target - target % HOURS_PER_DAY + HOURS_PER_DAY
        return {
            "year_ago_same_weekday": self._value(sensor, target - YEAR_WEEKS_HOURS) / weekday_level,
            "year_ago_same_weekday_day": self.window_mean(
                sensor, target_day - YEAR_WEEKS_HOURS, HOURS_PER_DAY
            )
            / weekday_level,
            "year_ago_same_date_day": self.window_mean(
                sensor, target_day - YEAR_DATE_HOURS, HOURS_PER_DAY
            )
            / date_level,
            "year_ago_week_vs_level": self.window_mean(
                sensor, origin - YEAR_WEEKS_HOURS + HOURS_PER_WEEK, HOURS_PER_WEEK
            )
            / weekday_level,
        }

    def actuals(self, sensor_rows: np.ndarray, target_columns: np.ndarray) -> np.ndarray:
        return self._value(sensor_rows, target_columns)


def _mean_ignoring_gaps(stacked: np.ndarray) -> np.ndarray:
    """Mean over the first axis without NaNs; NaN where all are gaps (no warning)."""
    observed = np.isfinite(stacked)
    count = observed.sum(axis=0)
    total = np.where(observed, stacked, 0.0).sum(axis=0)
    return np.where(count > 0, total / np.maximum(count, 1), np.nan)


def _first_observed(stacked: np.ndarray) -> np.ndarray:
    """Along the first axis (most recent first), the first value that is not NaN."""
    observed = np.isfinite(stacked)
    first = np.argmax(observed, axis=0)
    values = np.take_along_axis(stacked, first[None, :], axis=0)[0]
    return np.where(observed.any(axis=0), values, np.nan)


def _keep_first_observed(stacked: np.ndarray, how_many: int) -> np.ndarray:
    """NaN out all but the first `how_many` observed values along the first axis."""
    rank = np.cumsum(np.isfinite(stacked), axis=0)
    return np.where(rank <= how_many, stacked, np.nan)
