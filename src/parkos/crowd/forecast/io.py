"""Reading the long counts CSV: `timestamp,sensor,count`, one row per sensor and hour.

Rules (checked before anything is kept, so a bad file imports nothing):

* UTF-8; exactly the columns `timestamp`, `sensor` and `count`, in any order.
* `timestamp` is ISO 8601 local time on the hour. Either every timestamp carries a UTC
  offset or none does. With offsets, the engine keeps the local wall-clock time; the
  hour that repeats when daylight saving ends then appears twice and its two counts are
  averaged, because the engine models a day of 24 wall-clock hours.
* `sensor` is a non-empty name.
* `count` is a non-negative number. An empty `count` is a gap, as is a missing row;
  gaps stay gaps and are never read as zero.
* No sensor has two rows for the same timestamp, and each sensor's rows are in time order.
"""

from __future__ import annotations

import io as stdlib_io
from pathlib import Path
from typing import BinaryIO

import numpy as np
import pandas as pd
from django.utils.translation import gettext as _

from .errors import CountsFileError

COLUMNS = ("timestamp", "sensor", "count")
# The header is line 1, so the first data row is line 2 of the file.
FIRST_DATA_LINE = 2
_OFFSET_SUFFIX = r"(?:Z|[+-]\d{2}(?::?\d{2})?)$"


def read_counts_csv(source: str | Path | BinaryIO) -> pd.DataFrame:
    """Validated long frame: `timestamp` (naive local wall-clock), `sensor`, `count`
    (float, NaN for a gap), sorted by sensor then time. Raises `CountsFileError`."""
    raw = _read_text_columns(source)
    line_numbers = np.arange(len(raw)) + FIRST_DATA_LINE

    sensors = raw["sensor"].str.strip()
    _reject_first(sensors == "", line_numbers, "sensor", _("The sensor name is empty."))
    counts = _parse_counts(raw["count"].str.strip(), line_numbers)
    wall_clock, instants = _parse_timestamps(raw["timestamp"].str.strip(), line_numbers)

    frame = pd.DataFrame(
        {
            "timestamp": wall_clock,
            "instant": instants,
            "sensor": sensors,
            "count": counts,
            "line": line_numbers,
        }
    )
    _reject_duplicates(frame)
    _reject_disorder(frame)
    # Only the repeated wall-clock hour at the end of daylight saving can collide here.
    merged = frame.groupby(["sensor", "timestamp"], sort=True, as_index=False)["count"].mean()
    return merged[["timestamp", "sensor", "count"]].reset_index(drop=True)


def _read_text_columns(source) -> pd.DataFrame:
    try:
        data = Path(source).read_bytes() if isinstance(source, (str, Path)) else source.read()
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise CountsFileError(_("The file is not UTF-8 text.")) from error
    try:
        raw = pd.read_csv(
            stdlib_io.StringIO(text), dtype=str, keep_default_na=False, skipinitialspace=True
        )
    except pd.errors.EmptyDataError as error:
        raise CountsFileError(_("The file is empty.")) from error
    except pd.errors.ParserError as error:
        raise CountsFileError(
            _("The file is not valid CSV: %(detail)s") % {"detail": error}
        ) from error

    header = [name.strip() for name in raw.columns]
    unknown = [name for name in header if name not in COLUMNS]
    if unknown:
        raise CountsFileError(
            _("Unknown column “%(column)s”; expected exactly timestamp, sensor, count.")
            % {"column": unknown[0]},
            row=1,
            field=unknown[0],
        )
    missing = [name for name in COLUMNS if name not in header]
    if missing:
        raise CountsFileError(
            _("Missing column “%(column)s”.") % {"column": missing[0]}, row=1, field=missing[0]
        )
    raw.columns = header
    if raw.empty:
        raise CountsFileError(_("The file has a header but no rows."))
    return raw


def _reject_first(bad: pd.Series | np.ndarray, lines: np.ndarray, field: str, message: str):
    bad = np.asarray(bad, dtype=bool)
    if bad.any():
        raise CountsFileError(message, row=int(lines[np.argmax(bad)]), field=field)


def _parse_counts(text: pd.Series, lines: np.ndarray) -> np.ndarray:
    counts = pd.to_numeric(text.where(text != ""), errors="coerce").to_numpy(dtype=float)
    not_numeric = (text != "").to_numpy() & ~np.isfinite(counts)
    if not_numeric.any():
        position = int(np.argmax(not_numeric))
        raise CountsFileError(
            _("The count “%(value)s” is not a number.") % {"value": text.iloc[position]},
            row=int(lines[position]),
            field="count",
        )
    _reject_first(counts < 0, lines, "count", _("The count is negative."))
    return counts


def _parse_timestamps(text: pd.Series, lines: np.ndarray) -> tuple[pd.Series, pd.Series]:
    has_offset = text.str.contains(_OFFSET_SUFFIX, regex=True).to_numpy()
    _reject_first(
        has_offset != has_offset[0],
        lines,
        "timestamp",
        _("Timestamps mix local times with and without a UTC offset; use one form throughout."),
    )
    wall_text = text.str.replace(_OFFSET_SUFFIX, "", regex=True) if has_offset[0] else text
    wall_clock = pd.to_datetime(wall_text, format="ISO8601", errors="coerce")
    _reject_first(
        wall_clock.isna().to_numpy(), lines, "timestamp", _("The timestamp is not ISO 8601.")
    )
    off_the_hour = (wall_clock != wall_clock.dt.floor("h")).to_numpy()
    _reject_first(
        off_the_hour, lines, "timestamp", _("The timestamp is not on the hour (hourly counts).")
    )
    if has_offset[0]:
        instants = pd.to_datetime(text, format="ISO8601", utc=True, errors="coerce")
        _reject_first(
            instants.isna().to_numpy(), lines, "timestamp", _("The timestamp is not ISO 8601.")
        )
    else:
        instants = wall_clock
    return wall_clock, instants


def _reject_duplicates(frame: pd.DataFrame) -> None:
    repeated = frame.duplicated(subset=["sensor", "instant"], keep="first").to_numpy()
    if repeated.any():
        row = frame.iloc[int(np.argmax(repeated))]
        first = frame[(frame["sensor"] == row["sensor"]) & (frame["instant"] == row["instant"])]
        raise CountsFileError(
            _("Sensor “%(sensor)s” has a second row for %(timestamp)s (first on row %(first)d).")
            % {
                "sensor": row["sensor"],
                "timestamp": row["timestamp"].isoformat(),
                "first": int(first["line"].iloc[0]),
            },
            row=int(row["line"]),
            field="timestamp",
        )


def _reject_disorder(frame: pd.DataFrame) -> None:
    by_sensor = frame.sort_values(["sensor", "line"], kind="stable")
    steps_back = (
        by_sensor.groupby("sensor", sort=False)["instant"].diff() <= pd.Timedelta(0)
    ).to_numpy()
    if steps_back.any():
        row = by_sensor[steps_back].sort_values("line").iloc[0]
        raise CountsFileError(
            _("Timestamps of sensor “%(sensor)s” go back in time at %(timestamp)s.")
            % {"sensor": row["sensor"], "timestamp": row["timestamp"].isoformat()},
            row=int(row["line"]),
            field="timestamp",
        )
