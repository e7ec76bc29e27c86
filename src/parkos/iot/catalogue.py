"""The standard device types of a park, with their telemetry keys. `device_types_ensure()`
creates any that are missing; a park may add its own types beside them."""

from django.db import transaction
from django.utils.translation import gettext_noop as N_

from parkos.iot.models import DeviceKind, DeviceType, TelemetryKey, ValueKind

NUMBER, BOOLEAN, TEXT = ValueKind.NUMBER, ValueKind.BOOLEAN, ValueKind.TEXT

# code, name (zh, the demo's language), kind, offline after (s), keys: (key, name, unit, kind)
STANDARD_TYPES = [
    ("camera", "网络摄像机", DeviceKind.CAMERA, 900, [
        ("online", N_("online"), "", BOOLEAN),
        ("bitrate", N_("bitrate"), "kbps", NUMBER),
    ]),
    ("climate", "温湿度传感器", DeviceKind.CLIMATE, 900, [
        ("temperature", N_("temperature"), "°C", NUMBER),
        ("humidity", N_("humidity"), "%", NUMBER),
    ]),
    ("air", "空气质量传感器", DeviceKind.AIR_QUALITY, 900, [
        ("pm25", "PM2.5", "μg/m³", NUMBER),
        ("co2", "CO₂", "ppm", NUMBER),
        ("tvoc", "TVOC", "mg/m³", NUMBER),
    ]),
    ("energy", "智能电表", DeviceKind.ENERGY_METER, 1800, [
        ("energy", N_("energy"), "kWh", NUMBER),
        ("power", N_("power"), "kW", NUMBER),
    ]),
    ("water", "智能水表", DeviceKind.WATER_METER, 3600, [
        ("volume", N_("volume"), "m³", NUMBER),
        ("flow", N_("flow"), "m³/h", NUMBER),
    ]),
    ("thermal", "红外测温仪", DeviceKind.THERMAL_SCANNER, 900, [
        ("body_temperature", N_("body temperature"), "°C", NUMBER),
        ("scans", N_("scans"), "", NUMBER),
    ]),
    ("parking", "车位传感器", DeviceKind.PARKING_SENSOR, 3600, [
        ("occupied", N_("occupied"), "", BOOLEAN),
    ]),
    ("smoke", "烟感火警探测器", DeviceKind.SMOKE_ALARM, 3600, [
        ("smoke", N_("smoke"), "", BOOLEAN),
        ("battery", N_("battery"), "%", NUMBER),
    ]),
    ("people", "客流计数器", DeviceKind.PEOPLE_COUNTER, 900, [
        ("count", N_("count"), "", NUMBER),
        ("in", N_("in"), "", NUMBER),
        ("out", N_("out"), "", NUMBER),
        ("occupancy", N_("occupancy"), "", NUMBER),
    ]),
    ("gate", "门禁闸机", DeviceKind.ACCESS_GATE, 900, [
        ("passes", N_("passes"), "", NUMBER),
        ("door_open", N_("door open"), "", BOOLEAN),
        ("last_card", N_("last card"), "", TEXT),
    ]),
    ("gateway", "物联网网关", DeviceKind.GATEWAY, 600, [
        ("uptime", N_("uptime"), "s", NUMBER),
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
