import numpy as np
import pytest

from parkos.crowd.forecast.errors import CountsFileError
from parkos.crowd.forecast.io import read_counts_csv


def write(tmp_path, text, encoding="utf-8"):
    path = tmp_path / "counts.csv"
    path.write_bytes(text.encode(encoding))
    return path


def rejected(tmp_path, text) -> CountsFileError:
    with pytest.raises(CountsFileError) as raised:
        read_counts_csv(write(tmp_path, text))
    return raised.value


def test_valid_file_keeps_gaps_as_gaps(tmp_path):
    frame = read_counts_csv(
        write(
            tmp_path,
            "sensor,timestamp,count\n"
            "东门,2025-01-01T00:00:00,5\n"
            "东门,2025-01-01T01:00:00,\n"
            "东门,2025-01-01T03:00:00,7\n",
        )
    )
    assert list(frame.columns) == ["timestamp", "sensor", "count"]
    assert len(frame) == 3
    assert np.isnan(frame["count"].iloc[1])
    assert frame["count"].sum() == 12


def test_unknown_column(tmp_path):
    error = rejected(tmp_path, "timestamp,sensor,count,weather\n2025-01-01T00:00,a,1,sun\n")
    assert (error.row, error.field) == (1, "weather")


def test_missing_column(tmp_path):
    assert rejected(tmp_path, "timestamp,sensor\n2025-01-01T00:00,a\n").field == "count"


def test_negative_count_names_the_row(tmp_path):
    error = rejected(
        tmp_path, "timestamp,sensor,count\n2025-01-01T00:00,a,1\n2025-01-01T01:00,a,-3\n"
    )
    assert (error.row, error.field) == (3, "count")


def test_non_numeric_count(tmp_path):
    error = rejected(tmp_path, "timestamp,sensor,count\n2025-01-01T00:00,a,many\n")
    assert (error.row, error.field) == (2, "count")
    assert "many" in error.message


def test_duplicate_sensor_hour(tmp_path):
    error = rejected(
        tmp_path,
        "timestamp,sensor,count\n2025-01-01T00:00,a,1\n2025-01-01T00:00,b,1\n"
        "2025-01-01T00:00,a,2\n",
    )
    assert (error.row, error.field) == (4, "timestamp")
    assert "row 2" in error.message


def test_out_of_order(tmp_path):
    error = rejected(
        tmp_path,
        "timestamp,sensor,count\n2025-01-01T02:00,a,1\n2025-01-01T00:00,b,1\n"
        "2025-01-01T01:00,a,1\n",
    )
    assert (error.row, error.field) == (4, "timestamp")


def test_timezone_mix(tmp_path):
    error = rejected(
        tmp_path,
        "timestamp,sensor,count\n2025-01-01T00:00+08:00,a,1\n2025-01-01T01:00,a,1\n",
    )
    assert (error.row, error.field) == (3, "timestamp")


def test_bad_and_off_the_hour_timestamps(tmp_path):
    assert rejected(tmp_path, "timestamp,sensor,count\nyesterday,a,1\n").row == 2
    assert rejected(tmp_path, "timestamp,sensor,count\n2025-01-01T00:30,a,1\n").row == 2


def test_empty_sensor(tmp_path):
    assert rejected(tmp_path, "timestamp,sensor,count\n2025-01-01T00:00, ,1\n").field == "sensor"


def test_not_utf8(tmp_path):
    path = write(tmp_path, "timestamp,sensor,count\n2025-01-01T00:00,东门,1\n", encoding="gb18030")
    with pytest.raises(CountsFileError):
        read_counts_csv(path)


def test_repeated_wall_clock_hour_with_offsets_is_averaged(tmp_path):
    # Auckland, 6 April 2025: 02:00 happens at +13:00 and again at +12:00.
    frame = read_counts_csv(
        write(
            tmp_path,
            "timestamp,sensor,count\n"
            "2025-04-06T01:00:00+13:00,a,10\n"
            "2025-04-06T02:00:00+13:00,a,20\n"
            "2025-04-06T02:00:00+12:00,a,40\n"
            "2025-04-06T03:00:00+12:00,a,10\n",
        )
    )
    assert len(frame) == 3
    assert frame["count"].tolist() == [10, 30, 10]
    assert frame["timestamp"].dt.tz is None
