"""ECharts options of the operations center, built on the server so labels come translated."""

from datetime import timedelta

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from parkos.core.charts import SEVERITY_COLOURS
from parkos.iot import selectors
from parkos.iot.catalogue import metric_label
from parkos.iot.models import SEVERITY_ORDER, DeviceKind, ValueKind

# A device dot's colour: its worst open alarm's severity, else online or offline.
STATUS_COLOURS = SEVERITY_COLOURS
# The key charted for a device of each kind when none is asked for.
CHART_KEYS = {
    DeviceKind.CLIMATE: "temperature",
    DeviceKind.AIR_QUALITY: "pm25",
    DeviceKind.ENERGY_METER: "power",
    DeviceKind.WATER_METER: "flow",
    DeviceKind.THERMAL_SCANNER: "body_temperature",
    DeviceKind.PEOPLE_COUNTER: "occupancy",
    DeviceKind.SMOKE_ALARM: "battery",
    DeviceKind.ACCESS_GATE: "passes",
}


def _device_status(device, alarm_severity: dict, now) -> str:
    worst = alarm_severity.get(device.id)
    if worst:
        return worst
    return "online" if device.is_online(now) else "offline"


def _worst_severity(alarms) -> dict:
    worst: dict = {}
    for alarm in alarms:
        if alarm.device_id is None:
            continue
        current = worst.get(alarm.device_id)
        if current is None or SEVERITY_ORDER.index(alarm.severity) < SEVERITY_ORDER.index(current):
            worst[alarm.device_id] = alarm.severity
    return worst


def _labels() -> dict:
    return {
        "critical": pgettext("alarm severity", "Critical"),
        "major": _("Major"),
        "minor": _("Minor"),
        "warning": pgettext("alarm severity", "Warning"),
        "online": _("Online"),
        "offline": _("Offline"),
    }


def legend() -> list[tuple[str, str]]:
    """What the colours of the device dots mean, for the floor views' legend."""
    labels = _labels()
    return [(colour, labels[status]) for status, colour in STATUS_COLOURS.items()]


def _scatter(devices, alarms, *, now) -> list[dict]:
    worst = _worst_severity(alarms)
    groups: dict[str, list] = {status: [] for status in STATUS_COLOURS}
    for device in devices:
        status = _device_status(device, worst, now)
        groups[status].append(
            {
                "name": device.name,
                "value": [round(device.map_x, 2), round(device.map_y, 2)],
                "id": str(device.id),
            }
        )
    labels = _labels()
    return [
        {
            "name": labels[status],
            "type": "scatter",
            "symbolSize": 14 if status in SEVERITY_ORDER else 8,
            "itemStyle": {"color": STATUS_COLOURS[status]},
            "data": points,
            "z": 3 if status in SEVERITY_ORDER else 2,
        }
        for status, points in groups.items()
    ]


def _axes() -> dict:
    axis = {"min": 0, "max": 100, "show": False}
    return {"xAxis": {**axis}, "yAxis": {**axis, "inverse": True}}


def park_map(*, devices, alarms) -> dict:
    """The park map: devices at their map positions, coloured by status and worst alarm."""
    now = timezone.now()
    series = _scatter(devices, alarms, now=now)
    return {
        "tooltip": {"trigger": "item", "formatter": "{b}"},
        "legend": {"bottom": 0},
        "grid": {"left": 10, "right": 10, "top": 10, "bottom": 40},
        **_axes(),
        "series": series,
    }


def floor_maps(*, building, devices, alarms) -> list[dict]:
    now = timezone.now()
    floors: dict = {}
    for device in devices:
        floors.setdefault(device.floor, []).append(device)
    result = []
    for floor, members in sorted(
        floors.items(), key=lambda item: item[0].level if item[0] else -999, reverse=True
    ):
        option = {
            "tooltip": {"trigger": "item", "formatter": "{b}"},
            "grid": {"left": 10, "right": 10, "top": 10, "bottom": 10},
            **_axes(),
            "series": _scatter(members, alarms, now=now),
        }
        result.append(
            {
                "floor": floor,
                "devices": members,
                "option": option,
                "chart_id": f"floor-{floor.id if floor else 'none'}",
                "option_id": f"floor-{floor.id if floor else 'none'}-option",
                "alarms": sum(1 for a in alarms if a.device_id in {d.id for d in members}),
            }
        )
    return result


def chart_key(device) -> str:
    key = CHART_KEYS.get(device.device_type.kind)
    if key:
        return key
    numeric = [k.key for k in device.device_type.keys.all() if k.value_kind == ValueKind.NUMBER]
    return numeric[0] if numeric else ""


def default_chart_device(devices, wanted: str | None):
    if wanted:
        chosen = next((d for d in devices if str(d.id) == wanted), None)
        if chosen:
            return chosen
    for kind in (DeviceKind.CLIMATE, DeviceKind.ENERGY_METER):
        chosen = next((d for d in devices if d.device_type.kind == kind), None)
        if chosen:
            return chosen
    return devices[0] if devices else None


def _key_spec(device, key: str):
    return next((k for k in device.device_type.keys.all() if k.key == key), None)


def chart_label(device) -> str:
    """The charted key's display name with its unit, e.g. "温度 (°C)"."""
    key = chart_key(device)
    if not key:
        return ""
    return metric_label(_key_spec(device, key)) or key


def device_chart(device, hours: int = 24) -> dict | None:
    """The device's default key over the last hours; None when there is nothing to draw."""
    key = chart_key(device)
    if not key:
        return None
    end = timezone.now()
    series = selectors.telemetry_series(
        device_ids=[device.id], key=key, start=end - timedelta(hours=hours), end=end, bucket=300
    )[device.id]
    if not series:
        return None
    spec = _key_spec(device, key)
    unit = spec.unit if spec else ""
    return {
        "tooltip": {"trigger": "axis"},
        "grid": {"left": 50, "right": 20, "top": 30, "bottom": 30},
        "xAxis": {"type": "time"},
        "yAxis": {"type": "value", "name": unit, "scale": True},
        "series": [
            {
                "name": metric_label(spec, with_unit=False) or key,
                "type": "line",
                "showSymbol": False,
                "data": [[int(b["ts"].timestamp() * 1000), round(b["avg"], 2)] for b in series],
            }
        ],
    }


def energy_chart(report: dict) -> dict:
    hours = [f"{h:02d}:00" for h in range(24)]
    today = report["hourly_today"][: report["now_hour"] + 1]
    return {
        "tooltip": {"trigger": "axis"},
        "legend": {"data": [_("Today"), _("Yesterday")]},
        "grid": {"left": 50, "right": 20, "top": 40, "bottom": 30},
        "xAxis": {"type": "category", "data": hours},
        "yAxis": {"type": "value", "name": "kWh"},
        "series": [
            {"name": _("Yesterday"), "type": "line", "data": report["hourly_yesterday"]},
            {"name": _("Today"), "type": "bar", "data": today},
        ],
    }
