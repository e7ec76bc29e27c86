"""ECharts options of crowd flow, built on the server so labels come translated."""

from datetime import datetime, timedelta

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from parkos.core.charts import LOAD_SCALE, ROLE_COLOURS, SEVERITY_COLOURS
from parkos.crowd.models import Area

COLOURS = {
    "actual": ROLE_COLOURS["actual"],
    "forecast": ROLE_COLOURS["forecast"],
    "capacity": ROLE_COLOURS["capacity"],
    "warning": SEVERITY_COLOURS["warning"],
    "critical": SEVERITY_COLOURS["critical"],
    # A faint tint of the critical colour behind public holidays.
    "holiday": "rgba(214, 57, 57, 0.08)",
}


def _iso(moment: datetime) -> str:
    return timezone.localtime(moment).isoformat()


def _line(name: str, value: int, colour: str) -> dict:
    return {
        "name": name,
        "yAxis": value,
        "lineStyle": {"color": colour, "type": "dashed"},
        "label": {"formatter": f"{name} {value:,}", "position": "insideEndTop"},
    }


def _band(name: str, lower: list, upper: list, stack: str, opacity: float) -> list[dict]:
    """An interval drawn as a transparent lower series with the width stacked on it. Both
    carry the band's colour, so the legend's mark (taken from the first) matches it."""
    band_colour = {"color": COLOURS["forecast"], "opacity": opacity}
    return [
        {
            "name": name,
            "type": "line",
            "data": lower,
            "stack": stack,
            "symbol": "none",
            "lineStyle": {"opacity": 0},
            "itemStyle": band_colour,
            "tooltip": {"show": False},
        },
        {
            "name": name,
            "type": "line",
            "data": [
                [moment, round(high - low, 1)]
                for (moment, low), (_moment, high) in zip(lower, upper, strict=True)
            ],
            "stack": stack,
            "symbol": "none",
            "lineStyle": {"opacity": 0},
            "areaStyle": {"color": COLOURS["forecast"], "opacity": opacity},
            "itemStyle": band_colour,
            "tooltip": {"show": False},
        },
    ]


def _axis_max(area: Area, actual: list, upper_95: list) -> int:
    """Room above the capacity line and above the highest band and count, so no peak is
    cut off at the top of the chart."""
    highest = max(
        [area.critical_threshold, area.capacity]
        + [value for _moment, value in actual if value is not None]
        + [value for _moment, value in upper_95],
    )
    return round(highest * 1.1)


def area_chart(
    area: Area,
    *,
    actual: dict,
    points: list,
    start: datetime,
    end: datetime,
    holidays: list,
    now: datetime,
) -> dict:
    """Actual counts (gaps left empty) against the forecast with its 80% and 95% bands,
    the capacity and threshold lines, public holidays shaded and the current hour marked."""
    hours = []
    moment = start
    while moment < end:
        hours.append(moment)
        moment += timedelta(hours=1)
    actual_data = [
        [_iso(hour), None if actual.get(hour) is None else round(actual[hour])]
        for hour in hours
        if hour < now.replace(minute=0, second=0, microsecond=0)
    ]
    label_95 = _("%(level)s interval") % {"level": "95%"}
    label_80 = _("%(level)s interval") % {"level": "80%"}
    lower_95 = [[_iso(p.starts_at), round(p.lower_95, 1)] for p in points]
    upper_95 = [[_iso(p.starts_at), round(p.upper_95, 1)] for p in points]
    lower_80 = [[_iso(p.starts_at), round(p.lower_80, 1)] for p in points]
    upper_80 = [[_iso(p.starts_at), round(p.upper_80, 1)] for p in points]
    zone = timezone.get_current_timezone()
    holiday_areas = [
        [
            {
                "name": _("Public holiday"),
                "xAxis": datetime.combine(day, datetime.min.time(), zone).isoformat(),
            },
            {
                "xAxis": datetime.combine(
                    day + timedelta(days=1), datetime.min.time(), zone
                ).isoformat()
            },
        ]
        for day in holidays
    ]
    return {
        "tooltip": {"trigger": "axis"},
        "legend": {"data": [_("Actual"), _("Forecast"), label_80, label_95]},
        "grid": {"left": 60, "right": 30, "top": 40, "bottom": 60},
        "xAxis": {"type": "time", "min": _iso(start), "max": _iso(end)},
        "yAxis": {
            "type": "value",
            "name": _("people per hour"),
            "max": _axis_max(area, actual_data, upper_95),
        },
        "dataZoom": [{"type": "inside"}, {"type": "slider", "height": 18}],
        "series": [
            *_band(label_95, lower_95, upper_95, "band95", 0.15),
            *_band(label_80, lower_80, upper_80, "band80", 0.3),
            {
                "name": _("Forecast"),
                "type": "line",
                "data": [[_iso(p.starts_at), round(p.expected, 1)] for p in points],
                "symbol": "none",
                "lineStyle": {"color": COLOURS["forecast"], "type": "dashed", "width": 2},
                "itemStyle": {"color": COLOURS["forecast"]},
            },
            {
                "name": _("Actual"),
                "type": "line",
                "data": actual_data,
                "connectNulls": False,
                "symbol": "none",
                "lineStyle": {"color": COLOURS["actual"], "width": 2},
                "itemStyle": {"color": COLOURS["actual"]},
                "markLine": {
                    "symbol": "none",
                    "data": [
                        _line(_("Capacity"), area.capacity, COLOURS["capacity"]),
                        _line(
                            pgettext("crowd warning", "Warning"),
                            area.warning_threshold,
                            COLOURS["warning"],
                        ),
                        _line(
                            pgettext("crowd warning", "Critical"),
                            area.critical_threshold,
                            COLOURS["critical"],
                        ),
                        {
                            "name": _("Now"),
                            "xAxis": _iso(now),
                            "lineStyle": {"color": ROLE_COLOURS["target"]},
                            "label": {"formatter": _("Now")},
                        },
                    ],
                },
                "markArea": {
                    "itemStyle": {"color": COLOURS["holiday"]},
                    "label": {"color": COLOURS["critical"]},
                    "data": holiday_areas,
                },
            },
        ],
    }


def _heat_tip(row: dict) -> str:
    expected = "—" if row["expected"] is None else f"{round(row['expected']):,}"
    load = "—" if row["load"] is None else f"{round(row['load'] * 100)}%"
    return _("%(area)s: expected %(expected)s of %(capacity)s (%(load)s)") % {
        "area": row["area"].name.replace("{", "(").replace("}", ")"),
        "expected": expected,
        "capacity": f"{row['area'].capacity:,}",
        "load": load,
    }


def heat_map(loads: list[dict]) -> dict:
    """Areas on the schematic park map, sized by capacity and coloured by expected load."""
    data = [
        {
            "name": row["area"].name,
            "value": [
                row["area"].map_x,
                row["area"].map_y,
                None if row["load"] is None else round(row["load"] * 100),
                row["expected"],
                row["area"].capacity,
            ],
            "symbolSize": max(24, min(90, row["area"].capacity ** 0.5 * 2)),
            # Counts grouped by thousands as everywhere else ("2,774").
            "tooltip": {"formatter": _heat_tip(row)},
        }
        for row in loads
    ]
    return {
        "tooltip": {
            "formatter": "{b}: {@[3]} / {@[4]} ({@[2]}%)",
        },
        "grid": {"left": 10, "right": 10, "top": 10, "bottom": 40},
        "xAxis": {"type": "value", "min": 0, "max": 100, "show": False},
        "yAxis": {"type": "value", "min": 0, "max": 100, "show": False, "inverse": True},
        "visualMap": {
            "dimension": 2,
            "min": 0,
            "max": 120,
            "orient": "horizontal",
            "left": "center",
            "bottom": 0,
            "text": [_("%(share)s of capacity") % {"share": "120%"}, "0%"],
            "inRange": {"color": list(LOAD_SCALE)},
            "outOfRange": {"color": ROLE_COLOURS["muted"]},
        },
        "series": [
            {
                "type": "scatter",
                "data": data,
                "label": {"show": True, "formatter": "{b}\n{@[2]}%", "position": "inside"},
            }
        ],
    }
