"""Energy figures (energy.py): today so far against the same elapsed time of earlier days,
and the departure shown as a percentage."""

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone, translation

from parkos.iot.energy import meter_figures

SHANGHAI = ZoneInfo("Asia/Shanghai")


def _office_day_profile(now):
    """Hourly consumption of a meter with a busy 08:00 hour, for the past 15 days and today
    up to `now` (the current hour only partly over, as a register read at `now` is)."""
    midnight = now.replace(hour=0, minute=0, second=0, microsecond=0)
    hourly = {}
    for day in range(15, -1, -1):
        for hour in range(24):
            ts = midnight - timedelta(days=day) + timedelta(hours=hour)
            if ts > now:
                break
            kwh = 32.0 if 8 <= hour < 19 else 7.0
            if ts + timedelta(hours=1) > now:
                kwh *= (now - ts) / timedelta(hours=1)
            hourly[ts.astimezone(UTC)] = kwh
    return hourly


@pytest.mark.django_db
def test_an_ordinary_morning_is_not_unusual():
    now = datetime(2026, 11, 23, 8, 40, tzinfo=SHANGHAI)
    with timezone.override(SHANGHAI):
        figures = meter_figures(hourly=_office_day_profile(now), daily={}, last_year={}, now=now)
    assert figures["departure"] == 0
    assert figures["unusual"] is False
    assert figures["yesterday_same_time"] == figures["today"]


@pytest.mark.django_db
def test_departure_is_a_percentage():
    now = datetime(2026, 11, 23, 8, 40, tzinfo=SHANGHAI)
    hourly = _office_day_profile(now)
    midnight = now.replace(hour=0, minute=0)
    for ts in list(hourly):
        if ts >= midnight:
            hourly[ts] *= 0.5
    with timezone.override(SHANGHAI):
        figures = meter_figures(hourly=hourly, daily={}, last_year={}, now=now)
    assert figures["departure"] == -50
    assert figures["unusual"] is True


def test_energy_page_shows_the_departure_as_a_percent():
    from django.template.loader import render_to_string

    meter = {"device": "电表", "departure": -30, "unusual": True}
    report = {"buildings": [{"building": None, "meters": [meter], "totals": {}}]}
    with translation.override("en"):
        page = render_to_string("iot/energy.html", {"report": report, "park": {"id": 1}})
    assert "-30% from usual" in page
