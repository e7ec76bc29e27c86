"""The standard device types of a park, with their telemetry keys. `device_types_ensure()`
creates any that are missing; a park may add its own types beside them."""

from django.db import transaction
from django.utils.translation import gettext, gettext_noop

from parkos.iot.models import DeviceKind, DeviceType, TelemetryKey, ValueKind

NUMBER, BOOLEAN, TEXT = ValueKind.NUMBER, ValueKind.BOOLEAN, ValueKind.TEXT

# code, name (zh, the demo's language), kind, offline after (s), keys: (key, name, unit, kind)
STANDARD_TYPES = [
    ("camera", "网络摄像机", DeviceKind.CAMERA, 900, [
        ("online", gettext_noop("online"), "", BOOLEAN),
        ("bitrate", gettext_noop("bitrate"), "kbps", NUMBER),
    ]),
    ("climate", "温湿度传感器", DeviceKind.CLIMATE, 900, [
        ("temperature", gettext_noop("temperature"), "°C", NUMBER),
        ("humidity", gettext_noop("humidity"), "%", NUMBER),
    ]),
    ("air", "空气质量传感器", DeviceKind.AIR_QUALITY, 900, [
        ("pm25", "PM2.5", "μg/m³", NUMBER),
        ("co2", "CO₂", "ppm", NUMBER),
        ("tvoc", "TVOC", "mg/m³", NUMBER),
    ]),
    ("energy", "智能电表", DeviceKind.ENERGY_METER, 1800, [
        ("energy", gettext_noop("energy"), "kWh", NUMBER),
        ("power", gettext_noop("power"), "kW", NUMBER),
    ]),
    ("water", "智能水表", DeviceKind.WATER_METER, 3600, [
        ("volume", gettext_noop("volume"), "m³", NUMBER),
        ("flow", gettext_noop("flow"), "m³/h", NUMBER),
    ]),
    ("thermal", "红外测温仪", DeviceKind.THERMAL_SCANNER, 900, [
        ("body_temperature", gettext_noop("body temperature"), "°C", NUMBER),
        ("scans", gettext_noop("scans"), "", NUMBER),
    ]),
    ("parking", "车位传感器", DeviceKind.PARKING_SENSOR, 3600, [
        ("occupied", gettext_noop("occupied"), "", BOOLEAN),
    ]),
    ("smoke", "烟感火警探测器", DeviceKind.SMOKE_ALARM, 3600, [
        ("smoke", gettext_noop("smoke"), "", BOOLEAN),
        ("battery", gettext_noop("battery"), "%", NUMBER),
    ]),
    ("people", "客流计数器", DeviceKind.PEOPLE_COUNTER, 900, [
        ("count", gettext_noop("count"), "", NUMBER),
        ("in", gettext_noop("in"), "", NUMBER),
        ("out", gettext_noop("out"), "", NUMBER),
        ("occupancy", gettext_noop("occupancy"), "", NUMBER),
    ]),
    ("gate", "门禁闸机", DeviceKind.ACCESS_GATE, 900, [
        ("passes", gettext_noop("passes"), "", NUMBER),
        ("door_open", gettext_noop("door open"), "", BOOLEAN),
        ("last_card", gettext_noop("last card"), "", TEXT),
    ]),
    ("gateway", "物联网网关", DeviceKind.GATEWAY, 600, [
        ("uptime", gettext_noop("uptime"), "s", NUMBER),
    ]),
]  # fmt: skip


def device_types_ensure() -> dict[str, DeviceType]:
    """The standard device types, created where missing; a key added to a standard type in
    a later release is added to the existing type too."""
    types = {t.code: t for t in DeviceType.objects.all()}
    with transaction.atomic():
        for code, name, kind, offline_after, keys in STANDARD_TYPES:
            if code not in types:
                types[code] = DeviceType.objects.create(
                    code=code, name=name, kind=kind, offline_after=offline_after
                )
            known = set(types[code].keys.values_list("key", flat=True))
            TelemetryKey.objects.bulk_create(
                TelemetryKey(device_type=types[code], key=key, name=label, unit=unit, value_kind=vk)
                for key, label, unit, vk in keys
                if key not in known
            )
    return types


def metric_label(spec, *, with_unit: bool = True) -> str:
    """A telemetry key's display name in the active language, with its unit: "温度 (°C)"."""
    if spec is None:
        return ""
    name = gettext(spec.name) if spec.name else spec.key
    return f"{name} ({spec.unit})" if with_unit and spec.unit else name
