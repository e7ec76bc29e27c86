"""Demo data of the operations center: ~300 devices across the flagship park, a month of
hourly history for meters and climate sensors, rules, and alarms in every state."""

from datetime import datetime, time, timedelta

from django.utils import timezone

from parkos.demo.context import DemoContext
from parkos.iot import services, storage
from parkos.iot.catalogue import device_types_ensure
from parkos.iot.ingest import Reading
from parkos.iot.models import AlarmRule, Device
from parkos.iot.rules import combination_message, rate_message, reading_message
from parkos.iot.simulator import HOT_ROOM, SILENT_METER, SMOKE, demo_token
from parkos.parks.models import Building

PER_FLOOR = ["climate", "smoke", "energy", "air"]
PER_BUILDING = ["water", "air", "camera", "camera", "people", "gate", "gate", "gateway"]
NAMES = {
    "climate": "温湿度传感器",
    "smoke": "烟感探测器",
    "energy": "楼层电表",
    "water": "总水表",
    "air": "空气质量监测仪",
    "camera": "大堂摄像机",
    "people": "客流计数器",
    "gate": "门禁闸机",
    "gateway": "物联网网关",
    "parking": "地面车位传感器",
    "thermal": "入口红外测温",
}


def load(context: DemoContext) -> None:
    rng = context.rng_for("iot")
    park = context.parks["pujiang"]
    ioc = context.users["ioc"]
    types = device_types_ensure()
    devices: list[Device] = []

    def add(code, serial, name, building=None, floor=None, x=50.0, y=50.0):
        device = services.device_create(
            actor=ioc,
            park=park,
            device_type=types[code],
            serial=serial,
            name=name,
            building=building,
            floor=floor,
            map_x=round(min(max(x, 1), 99), 1),
            map_y=round(min(max(y, 1), 99), 1),
            attributes={
                "firmware": f"2.{rng.randint(0, 4)}.{rng.randint(0, 9)}",
                "model": code.upper(),
            },
            audited=False,
        )
        services.credential_issue(actor=ioc, device=device, token=demo_token(serial))
        devices.append(device)
        return device

    buildings = list(Building.objects.filter(park=park).order_by("name").prefetch_related("floors"))
    for index, building in enumerate(buildings):
        bx, by = 15 + (index % 3) * 30, 25 + (index // 3) * 45
        for code in PER_BUILDING:
            add(
                code,
                f"PJ-{code.upper()}-{index + 1}-{rng.randint(1000, 9999)}",
                f"{building.name}{NAMES[code]}",
                building,
                None,
                bx + rng.uniform(-8, 8),
                by + rng.uniform(-8, 8),
            )
        for floor in building.floors.all():
            for code in PER_FLOOR:
                serial = f"PJ-{code.upper()}-{index + 1}-{floor.level:02d}"
                add(
                    code,
                    serial,
                    f"{building.name}{floor.level}F{NAMES[code]}",
                    building,
                    floor,
                    bx + rng.uniform(-10, 10),
                    by + rng.uniform(-12, 12),
                )
    first = buildings[0]
    add("climate", HOT_ROOM, f"{first.name}数据机房温湿度", first, first.floors.first(), 12, 22)
    add("energy", SILENT_METER, f"{first.name}空调电表", first, first.floors.first(), 18, 20)
    add("smoke", SMOKE, f"{first.name}配电间烟感", first, first.floors.first(), 16, 28)
    for n in range(20):
        add(
            "parking",
            f"PJ-PARKING-{n + 1:03d}",
            f"{NAMES['parking']}{n + 1}",
            None,
            None,
            5 + n * 4.5,
            95,
        )
    for n in range(2):
        add(
            "thermal",
            f"PJ-THERMAL-{n + 1}",
            f"{NAMES['thermal']}{n + 1}",
            None,
            None,
            50 + n * 10,
            5,
        )
    _history(context, devices, rng)
    _rules(context, park, types)
    _alarms(context, park, devices, rng)


def _history(context, devices, rng) -> None:
    """Hourly readings for meters and climate sensors, ending now: from the first of last
    month (or 31 days back, if that is earlier), so the energy page compares this month with a
    whole last month, not with the few days of it a rolling month would leave."""
    tz = timezone.get_current_timezone()
    now = timezone.now().replace(minute=0, second=0, microsecond=0)
    last_month_first = (context.today.replace(day=1) - timedelta(days=1)).replace(day=1)
    first_day = min(last_month_first, context.today - timedelta(days=31))
    start = datetime.combine(first_day, time.min, tzinfo=tz)
    hours = int((now - start).total_seconds() // 3600)
    batch: list[Reading] = []
    for device in devices:
        kind = device.device_type.code
        if kind not in ("energy", "climate") or device.serial == SILENT_METER:
            continue
        energy = 10_000.0 + rng.uniform(0, 5000)
        base = rng.uniform(15, 40)
        for h in range(hours):
            ts = start + timedelta(hours=h)
            local = timezone.localtime(ts)
            busy = 1.0 if 8 <= local.hour < 19 and local.weekday() < 5 else 0.25
            if kind == "energy":
                power = base * busy * rng.uniform(0.85, 1.15)
                energy += power
                batch.append(Reading(device.id, "energy", ts, round(energy, 2), None))
                batch.append(Reading(device.id, "power", ts, round(power, 2), None))
            else:
                batch.append(
                    Reading(
                        device.id,
                        "temperature",
                        ts,
                        round(22 + 3 * busy + rng.gauss(0, 0.5), 1),
                        None,
                    )
                )
                batch.append(
                    Reading(device.id, "humidity", ts, round(48 + rng.gauss(0, 4), 1), None)
                )
        if len(batch) > 20_000:
            storage.telemetry_write(batch)
            storage.latest_values_upsert(batch)
            batch = []
    if batch:
        storage.telemetry_write(batch)
        storage.latest_values_upsert(batch)
    online = [d.id for d in devices if d.serial != SILENT_METER and rng.random() > 0.04]
    Device.objects.filter(pk__in=online).update(last_seen_at=timezone.now())
    Device.objects.filter(serial=SILENT_METER).update(
        last_seen_at=timezone.now() - timedelta(hours=2)
    )


def _rules(context, park, types) -> None:
    ioc = context.users["ioc"]
    specs = [
        dict(
            kind="threshold",
            device_type=types["climate"],
            name="室温过高",
            key="temperature",
            comparison="above",
            high=35,
            duration=60,
            severity="critical",
            opens_ticket=True,
            ticket_category="hvac",
            ticket_priority="urgent",
        ),
        dict(
            kind="threshold",
            device_type=types["smoke"],
            name="烟雾报警",
            key="smoke",
            comparison="above",
            high=0.5,
            severity="critical",
            opens_ticket=True,
            ticket_category="fire_safety",
            ticket_priority="urgent",
        ),
        dict(
            kind="no_data",
            device_type=types["energy"],
            name="电表离线",
            silence_minutes=30,
            severity="warning",
            auto_clear=True,
        ),
        dict(
            kind="rate",
            device_type=types["water"],
            name="用水突增",
            key="flow",
            rate_per_minute=1.5,
            severity="major",
        ),
        dict(
            kind="threshold",
            device_type=types["air"],
            name="PM2.5超标",
            key="pm25",
            comparison="above",
            high=75,
            duration=600,
            severity="minor",
            auto_clear=True,
        ),
        dict(
            kind="combination",
            device_type=types["climate"],
            name="闷热潮湿",
            conditions=[
                {"key": "temperature", "comparison": "above", "high": 30},
                {"key": "humidity", "comparison": "above", "high": 80},
            ],
            severity="minor",
        ),
        dict(
            kind="threshold",
            device_type=types["thermal"],
            name="体温异常",
            key="body_temperature",
            comparison="above",
            high=37.3,
            severity="major",
            enabled=False,
        ),
    ]
    for spec in specs:
        services.rule_create(actor=ioc, park=park, **spec)


def _alarms(context, park, devices, rng) -> None:
    """Past alarms in every state, with their history."""
    ioc, operator = context.users["ioc"], context.users["operator"]
    rules = {r.name: r for r in AlarmRule.objects.filter(park=park)}
    climate = [d for d in devices if d.device_type.code == "climate"]
    air = [d for d in devices if d.device_type.code == "air"]
    water = [d for d in devices if d.device_type.code == "water"]
    now = timezone.now()

    def above(device, key, value, limit):
        return reading_message(device=device, key=key, value=value, comparison="above", high=limit)

    plan = [
        (climate[3], rules["闷热潮湿"], "minor", _muggy(climate[3], 31.2, 83), "active", 3),
        (air[1], rules["PM2.5超标"], "minor", above(air[1], "pm25", 88, 75), "acknowledged", 6),
        (
            water[0],
            rules["用水突增"],
            "major",
            rate_message(device=water[0], key="flow", rate=2.4, limit=1.5),
            "cleared",
            30,
        ),
        (
            climate[7],
            rules["室温过高"],
            "critical",
            above(climate[7], "temperature", 36.1, 35),
            "cleared",
            200,
        ),
        (air[2], rules["PM2.5超标"], "minor", above(air[2], "pm25", 79, 75), "active", 1),
    ]
    for device, rule, severity, message, status, hours_ago in plan:
        at = now - timedelta(hours=hours_ago)
        alarm = services.alarm_raise(
            park=park,
            source="rule",
            dedupe_key=f"{rule.id}:{device.id}",
            severity=severity,
            title=f"{device.name} · {rule.name}",
            message=message,
            device=device,
            rule=rule,
            at=at,
        )
        if status in ("acknowledged", "cleared"):
            services.alarm_acknowledge(actor=ioc, alarm=alarm, note="已通知物业现场核查")
            services.alarm_comment(actor=ioc, alarm=alarm, text="现场人员已到达")
        if status == "cleared":
            services.alarm_clear(actor=operator, alarm=alarm, note="已处理，恢复正常")
    repeat = services.alarm_raise(
        park=park,
        source="rule",
        dedupe_key=f"{rules['闷热潮湿'].id}:{climate[3].id}",
        severity="minor",
        title=f"{climate[3].name} · 闷热潮湿",
        message=_muggy(climate[3], 31.5, 85),
        device=climate[3],
        rule=rules["闷热潮湿"],
    )
    services.alarm_assign(actor=ioc, alarm=repeat, assignee=ioc)


def _muggy(device, temperature: float, humidity: float) -> dict:
    """The message of the demo's combination rule (hot and humid), as the rule writes it."""
    return combination_message(
        device=device,
        readings=[
            ("temperature", temperature, "above", None, 30),
            ("humidity", humidity, "above", None, 80),
        ],
    )
