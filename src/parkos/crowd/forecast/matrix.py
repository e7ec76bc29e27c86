"""The engine's working form of a counts history: one row per sensor on a regular grid
of local wall-clock hours (naive timestamps), starting at a midnight. Gaps are NaN.

Working in naive wall-clock time keeps "hour of day" and "same hour last week" simple
across daylight-saving changes; times are made timezone-aware only where forecasts
leave the engine (see `engine.forecast_sensors`).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

HOURS_PER_DAY = 24
HOURS_PER_WEEK = 168


@dataclass(frozen=True)
class CountsMatrix:
    sensors: tuple[str, ...]
    first_day: pd.Timestamp
    values: np.ndarray  # shape (len(sensors), hours), float64, NaN for a gap

    @classmethod
    def from_long(cls, counts: pd.DataFrame) -> CountsMatrix:
        """From the long frame that `io.read_counts_csv` returns."""
        sensors = tuple(sorted(counts["sensor"].unique()))
        first_day = counts["timestamp"].min().floor("D")
        last_day = counts["timestamp"].max().floor("D")
        hours = int((last_day - first_day) / pd.Timedelta(hours=1)) + HOURS_PER_DAY
        values = np.full((len(sensors), hours), np.nan)
        rows = pd.Categorical(counts["sensor"], categories=sensors).codes
        columns = ((counts["timestamp"] - first_day) / pd.Timedelta(hours=1)).astype(int)
        values[rows, columns.to_numpy()] = counts["count"].to_numpy(dtype=float)
        return cls(sensors=sensors, first_day=first_day, values=values)

    @property
    def hours(self) -> int:
        return self.values.shape[1]

    @property
    def last_day(self) -> pd.Timestamp:
        return self.first_day + pd.Timedelta(days=self.hours // HOURS_PER_DAY - 1)

    def column_of(self, moment: pd.Timestamp) -> int:
        return int((pd.Timestamp(moment) - self.first_day) / pd.Timedelta(hours=1))

    def timestamps_of(self, columns: np.ndarray) -> pd.DatetimeIndex:
        return self.first_day + pd.to_timedelta(np.asarray(columns), unit="h")

    def observed_hours_before(self, column: int) -> np.ndarray:
        """Per sensor, how many hours before `column` have a count."""
        return np.isfinite(self.values[:, : max(column, 0)]).sum(axis=1)

    def with_values(self, values: np.ndarray) -> CountsMatrix:
        return CountsMatrix(sensors=self.sensors, first_day=self.first_day, values=values)
