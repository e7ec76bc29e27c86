import datetime as dt

import pytest

from parkos.crowd.forecast.calendar import build_day_calendar
from parkos.crowd.forecast.errors import CalendarUnavailableError


@pytest.fixture(scope="module")
def china():
    return build_day_calendar("CN", dt.date(2024, 1, 1), dt.date(2026, 12, 31)).features


def day(features, text):
    return features.loc[text]


def test_adjusted_sunday_workday_2024(china):
    sunday = day(china, "2024-02-04")
    assert sunday["is_working_day"] and sunday["is_adjusted_workday"]
    assert not sunday["is_public_holiday"]


def test_national_day_2025_is_a_holiday(china):
    national_day = day(china, "2025-10-01")
    assert national_day["is_public_holiday"] and not national_day["is_working_day"]
    assert day(china, "2025-09-30")["days_until_holiday"] == 1
    assert day(china, "2025-09-28")["is_adjusted_workday"]  # Sunday before, worked


def test_spring_festival_2026(china):
    for date in ("2026-02-16", "2026-02-17", "2026-02-18"):
        assert day(china, date)["is_public_holiday"], date
    assert day(china, "2026-02-14")["is_adjusted_workday"]  # a Saturday, worked
    assert day(china, "2026-02-28")["is_adjusted_workday"]


def test_ordinary_weekend_and_weekday(china):
    saturday = day(china, "2025-03-08")
    assert not saturday["is_working_day"] and not saturday["is_adjusted_workday"]
    assert not saturday["is_public_holiday"]
    assert day(china, "2025-03-10")["is_working_day"]


def test_china_sources_agree_2024_to_2026():
    calendar = build_day_calendar("CN", dt.date(2024, 1, 1), dt.date(2026, 12, 31))
    assert calendar.disagreements == ()


def test_china_beyond_chinese_calendar_uses_holidays():
    features = build_day_calendar("CN", dt.date(2027, 9, 25), dt.date(2027, 10, 10)).features
    assert day(features, "2027-10-01")["is_public_holiday"]


def test_subdivision_adds_regional_holidays():
    national = build_day_calendar("NZ", dt.date(2025, 1, 20), dt.date(2025, 1, 31)).features
    auckland = build_day_calendar("NZ-AUK", dt.date(2025, 1, 20), dt.date(2025, 1, 31)).features
    assert not day(national, "2025-01-27")["is_public_holiday"]
    assert day(auckland, "2025-01-27")["is_public_holiday"]


def test_unknown_country_is_a_clear_error():
    with pytest.raises(CalendarUnavailableError) as raised:
        build_day_calendar("XX", dt.date(2025, 1, 1), dt.date(2025, 1, 31))
    assert raised.value.field == "country"
    assert "XX" in raised.value.message
