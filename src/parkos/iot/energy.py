"""Energy per building and per meter. Meters report `energy`, a cumulative register in kWh;
consumption in a period is the register's rise over it."""

from collections import defaultdict
from datetime import datetime, time, timedelta

from django.utils import timezone

from parkos.iot import selectors
from parkos.iot.models import DeviceKind

# Consumption more than this far from the usual for the time of day is flagged.
PROFILE_TOLERANCE = 0.25
PROFILE_DAYS = 14


def _rises(buckets: list[dict]) -> dict[datetime, float]:
    """Consumption per bucket: the rise of the register since the previous bucket."""
    rises, previous = {}, None
    for bucket in buckets:
        base = previous if previous is not None else bucket["min"]
        rises[bucket["ts"]] = max(bucket["last"] - base, 0.0)
        previous = bucket["last"]
    return rises


def _month_start(day):
    return day.replace(day=1)


def _sum(rises: dict, start: datetime, end: datetime) -> float:
    return round(sum(v for ts, v in rises.items() if start <= ts < end), 1)


def _until(hourly: dict, start: datetime, elapsed: timedelta) -> float:
    """Consumption of an earlier day from `start` over `elapsed`, the way today's is
    known: whole hours, then the share of the next hour that has passed today (today's
    current hour is only partly over, so comparing it with a whole hour would make every
    morning look low)."""
    whole = timedelta(hours=int(elapsed / timedelta(hours=1)))
    partial = (elapsed - whole) / timedelta(hours=1)
    end = start + whole
    total = sum(v for ts, v in hourly.items() if start <= ts < end)
    total += partial * hourly.get(end, 0.0)
    return round(total, 1)


def meter_figures(*, hourly: dict, daily: dict, last_year: dict, now: datetime) -> dict:
    tz = timezone.get_current_timezone()
    today = timezone.localdate(now)
    midnight = datetime.combine(today, time.min, tzinfo=tz)
    yesterday = midnight - timedelta(days=1)
    month = datetime.combine(_month_start(today), time.min, tzinfo=tz)
    last_month = datetime.combine(
        _month_start(today - timedelta(days=today.day)), time.min, tzinfo=tz
    )
    hours_today = {ts: v for ts, v in hourly.items() if ts >= midnight}
    peak = max(hours_today.items(), key=lambda item: item[1], default=None)
    elapsed = now - midnight
    usual = [
        _until(hourly, midnight - timedelta(days=d), elapsed) for d in range(1, PROFILE_DAYS + 1)
    ]
    usual = [u for u in usual if u > 0]
    expected = sum(usual) / len(usual) if usual else None
    so_far = _sum(hourly, midnight, now + timedelta(seconds=1))
    departure = None
    if expected and elapsed >= timedelta(hours=2):
        departure = round((so_far - expected) / expected * 100)
    same_day_last_month = last_month + (now - month)
    return {
        "today": so_far,
        "yesterday": _sum(hourly, yesterday, midnight),
        "yesterday_same_time": _until(hourly, yesterday, elapsed),
        "month": _sum(daily, month, now + timedelta(seconds=1)),
        "last_month": _sum(daily, last_month, month),
        "last_month_same_time": _sum(daily, last_month, same_day_last_month),
        "last_year_month": round(sum(last_year.values()), 1) if last_year else None,
        "peak_hour": timezone.localtime(peak[0]).hour if peak and peak[1] > 0 else None,
        "peak_kwh": round(peak[1], 1) if peak else None,
        "expected_today": round(expected, 1) if expected else None,
        # Percent above (+) or below (-) the usual for this time of day.
        "departure": departure,
        "unusual": departure is not None and abs(departure) > PROFILE_TOLERANCE * 100,
        "hourly_today": {timezone.localtime(ts).hour: round(v, 2) for ts, v in hours_today.items()},
        "hourly_yesterday": {
            timezone.localtime(ts).hour: round(v, 2)
            for ts, v in hourly.items()
            if yesterday <= ts < midnight
        },
    }


def energy_report(*, actor, park, now: datetime | None = None) -> dict:
    now = now or timezone.now()
    meters = list(selectors.device_list(actor=actor, park_id=park.id, kind=DeviceKind.ENERGY_METER))
    tz = timezone.get_current_timezone()
    today = timezone.localdate(now)
    midnight = datetime.combine(today, time.min, tzinfo=tz)
    last_month = datetime.combine(
        _month_start(today - timedelta(days=today.day)), time.min, tzinfo=tz
    )
    month = datetime.combine(_month_start(today), time.min, tzinfo=tz)
    year_ago = month.replace(year=month.year - 1)
    year_ago_end = (year_ago + timedelta(days=32)).replace(day=1)
    ids = [m.id for m in meters]
    hour_start = min(midnight - timedelta(days=PROFILE_DAYS + 1), last_month)
    hourly = selectors.telemetry_series(
        device_ids=ids,
        key="energy",
        start=midnight - timedelta(days=PROFILE_DAYS + 1),
        end=now,
        bucket=3600,
    )
    daily = selectors.telemetry_series(
        device_ids=ids, key="energy", start=min(hour_start, last_month), end=now, bucket=86400
    )
    last_year = selectors.telemetry_series(
        device_ids=ids, key="energy", start=year_ago, end=year_ago_end, bucket=86400
    )
    buildings: dict = defaultdict(lambda: {"meters": [], "totals": defaultdict(float)})
    totals_hourly_today: dict = defaultdict(float)
    totals_hourly_yesterday: dict = defaultdict(float)
    for meter in meters:
        figures = meter_figures(
            hourly=_rises(hourly.get(meter.id, [])),
            daily=_rises(daily.get(meter.id, [])),
            last_year=_rises(last_year.get(meter.id, [])),
            now=now,
        )
        entry = buildings[meter.building]
        entry["meters"].append({"device": meter, **figures})
        for name in ("today", "yesterday_same_time", "yesterday", "month", "last_month"):
            entry["totals"][name] += figures[name]
        for hour, value in figures["hourly_today"].items():
            totals_hourly_today[hour] += value
        for hour, value in figures["hourly_yesterday"].items():
            totals_hourly_yesterday[hour] += value
    rows = []
    for building, entry in buildings.items():
        totals = {k: round(v, 1) for k, v in entry["totals"].items()}
        rows.append(
            {
                "building": building,
                "meters": entry["meters"],
                "totals": totals,
                "unusual": any(m["unusual"] for m in entry["meters"]),
            }
        )
    rows.sort(key=lambda row: row["building"].name if row["building"] else "")
    return {
        "buildings": rows,
        "hourly_today": [round(totals_hourly_today.get(h, 0), 1) for h in range(24)],
        "hourly_yesterday": [round(totals_hourly_yesterday.get(h, 0), 1) for h in range(24)],
        "now_hour": timezone.localtime(now).hour,
    }
