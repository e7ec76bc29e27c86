"""Property demo: a company per flagship zone (A区 B区 C区), 40 technicians with skills and
shifts, two years of tickets with Chinese descriptions, patrol rounds, spot checks, surveys,
trained dispatch models and monthly scores. The demo `technician` is on a 24-hour on-call
shift in the zone where `tenant` leases, so the browser journey assigns to them."""

from datetime import datetime, time, timedelta
from decimal import Decimal

from django.contrib.auth.hashers import make_password
from django.utils import timezone

from parkos.accounts.selectors import Role
from parkos.accounts.services import membership_grant, user_create
from parkos.demo.context import DEMO_PASSWORD, DemoContext
from parkos.parks.models import Building, Lease, Unit
from parkos.property import categorize, sla, texts
from parkos.property.models import (
    CategoryCorrection,
    Finding,
    InspectionRound,
    InspectionSchedule,
    InspectionTemplate,
    MonthClose,
    PropertyCompany,
    ScoreWeights,
    Shift,
    SpotCheck,
    Survey,
    SurveyResponse,
    Team,
    Technician,
    TenantProfile,
    Ticket,
    TicketEvent,
)
from parkos.property.months import month_range
from parkos.property.services import month_compute

COMPANIES = {
    "A区": ("上海浦江安居物业服务有限公司", 0.93),
    "B区": ("上海景澜物业管理有限公司", 0.86),
    "C区": ("上海衡达物业服务有限公司", 0.78),
}
TEAMS = {
    "工程部": ["hvac", "electrical", "plumbing", "elevator", "fire_safety"],
    "弱电组": ["network", "electrical", "security"],
    "保洁部": ["cleaning", "noise"],
    "安保部": ["security", "parking", "noise", "fire_safety"],
}
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘"
GIVEN = "伟强磊军勇杰涛斌超明刚平辉鹏华飞"
ROOMS = ["会议室", "办公室", "大会议室", "前台", "茶水间", "机房", "经理室", "开放办公区", "培训室"]
# Descriptions as tenants write them, "|" between variants; {slots} are filled at random.
TEXTS = {
    "hvac": "{room}空调不制冷，温度一直{t}度|{room}空调漏水，水滴到办公桌上|{room}空调噪音很大，嗡嗡响|{room}出风口不出风，很闷|{room}暖气不热，温度只有{c}度|新风系统有异味，{room}空气很差|{room}空调遥控器失灵，无法调温度|中央空调制热效果差，{room}很冷|{room}空调一直显示故障代码|The air conditioner in the {en} is not cooling",
    "electrical": "{room}灯管不亮了|{room}插座没电，电脑无法充电|{floor}整层跳闸断电|{room}照明开关坏了|{room}电闸频繁跳闸|{room}灯一直闪烁|走廊应急灯以外的照明全部不亮|配电箱有焦糊味|Power outage in the {en}, sockets not working",
    "plumbing": "{floor}卫生间水龙头漏水|{floor}洗手间马桶堵塞|茶水间下水道堵了，水排不下去|水管爆裂，地面积水|饮水机没有热水|{floor}卫生间冲水按钮坏了|天花板渗水，{room}地上有水|洗手池水压很小|The toilet on {floor} is blocked",
    "elevator": "{b}电梯困人，请尽快处理|{b}电梯门关不上|{b}电梯运行时有异响|货梯按钮失灵|{b}电梯停在{n}楼不动|电梯显示屏不亮|电梯平层不准，有台阶|The lift in {b} is stuck",
    "cleaning": "{floor}走廊垃圾没有及时清理|{room}地毯有污渍需要清洗|卫生间很脏，没有纸巾|楼道有异味|大堂玻璃门需要擦拭|{room}需要深度保洁|垃圾桶满了没人倒|{floor}地面有积水很滑|Please clean the {en}, the floor is dirty",
    "security": "{b}门禁卡刷不开|有陌生人在{floor}徘徊|监控摄像头不工作|访客登记太慢，客户在大堂等很久|夜间大门没锁|{room}门锁被撬，需要查看监控|快递被人拿错了，请调监控|Access card not working at {b}",
    "network": "{room}网络断了，无法上网|{room}WiFi信号很弱|{room}网口没有网络|网速很慢，视频会议卡顿|{room}电话线路不通|无线网络连不上，提示密码错误|{room}光纤中断|The network in the {en} is down",
    "parking": "我的车位被别人占用|地库道闸不抬杆|月卡车辆无法识别车牌|停车场照明太暗|访客车辆无法进入地库|地下车库有漏水滴到车上|充电桩无法使用|Someone parked in our reserved space",
    "noise": "楼上装修噪音太大，无法办公|{floor}有人大声喧哗|空调外机噪音扰民|夜间施工噪音很大|隔壁公司音响太吵|楼下餐厅排风机噪音大|Loud drilling noise from upstairs",
    "fire_safety": "{floor}灭火器过期了|消防通道被杂物堵塞|{room}烟感报警器误报|应急照明灯不亮|消防栓箱门损坏|安全出口指示灯不亮|Fire exit on {floor} is blocked",
    "other": "需要借用会议室桌椅|{room}门锁坏了，打不开|{room}窗户关不上|需要搬运办公家具|{room}天花板吊顶掉落|百叶窗拉绳断了|Need help moving furniture to {floor}",
}
EN_ROOMS = ["meeting room", "office", "reception", "pantry", "server room"]
CATEGORY_WEIGHTS = {
    "hvac": 18,
    "electrical": 14,
    "plumbing": 12,
    "elevator": 6,
    "cleaning": 14,
    "security": 7,
    "network": 9,
    "parking": 7,
    "noise": 5,
    "fire_safety": 4,
    "other": 4,
}
KINDS = {"noise": "complaint", "cleaning": "complaint", "other": "request", "parking": "complaint"}
TEMPLATES = [
    (
        "空调机房日巡检",
        "daily",
        [
            ("chiller", "冷水机组运行正常", "check", None, None, "hvac"),
            ("water_temp", "冷冻水出水温度(℃)", "value", 6, 12, "hvac"),
            ("leak", "机房无漏水", "check", None, None, "plumbing"),
        ],
    ),
    (
        "公共区域卫生日检",
        "daily",
        [
            ("lobby", "大堂地面清洁", "check", None, None, "cleaning"),
            ("toilet", "卫生间无异味、耗材齐全", "check", None, None, "cleaning"),
        ],
    ),
    (
        "配电房周巡检",
        "weekly",
        [
            ("panel", "配电柜指示正常", "check", None, None, "electrical"),
            ("room_temp", "配电房温度(℃)", "value", 5, 35, "electrical"),
        ],
    ),
    (
        "消防设施月检",
        "monthly",
        [
            ("extinguisher", "灭火器在有效期内", "check", None, None, "fire_safety"),
            ("exit", "安全出口畅通", "check", None, None, "fire_safety"),
            ("alarm", "烟感报警器测试正常", "check", None, None, "fire_safety"),
        ],
    ),
]
TICKETS_PER_DAY = 3
HISTORY_DAYS = 730


def load(context: DemoContext) -> None:
    rng = context.rng_for("property")
    flagship = context.parks["pujiang"]
    today = context.today
    tz = timezone.get_current_timezone()
    now = timezone.now()
    zones = {z.name: z for z in flagship.zones.all()}
    journey_zone = _tenant_zone(context) or zones["A区"]
    companies, quality = {}, {}
    for zone_name, (name, q) in COMPANIES.items():
        company = PropertyCompany.objects.create(
            park=flagship,
            zone=zones[zone_name],
            name=name,
            phone=f"021-5080{rng.randint(1000, 9999)}",
        )
        companies[zone_name], quality[company.id] = company, q
    ScoreWeights.objects.create(park=flagship)
    buildings = {
        c.id: list(Building.objects.filter(zone=c.zone).order_by("name"))
        for c in companies.values()
    }
    techs = _technicians(context, rng, companies, buildings, journey_zone, today, tz)
    units = _units_by_company(companies, today)
    _tickets(rng, companies, quality, techs, buildings, units, today, now, tz)
    _inspections(rng, companies, techs, buildings, today, tz, context)
    _spot_checks(rng, companies, today)
    _surveys(rng, flagship, companies, units, today, tz, context)
    for company in companies.values():
        categorize.model_train(company=company)
    months = month_range(today - timedelta(days=HISTORY_DAYS), today)
    for month in months:
        month_compute(actor=None, park=flagship, month=month, audit=False)
    MonthClose.objects.bulk_create(
        MonthClose(park=flagship, month=m, closed_by=context.users["operator"], closed_at=now)
        for m in months[:-2]
    )
    tenant = context.extra["tenant_enterprises"]["tenant"]
    TenantProfile.objects.create(
        enterprise=tenant,
        consent=True,
        consent_at=now,
        vehicles=["沪A·8K253", "沪B·61C09"],
        parking_spaces="B2-017, B2-018",
        usual_hours="工作日 9:00–20:00，周六偶尔加班",
        preferences="维修请提前电话联系前台；午休12:00–13:30请勿打扰",
        updated_by=context.users["tenant"],
    )
    context.extra["property_companies"] = companies


def _tenant_zone(context):
    tenant = context.extra.get("tenant_enterprises", {}).get("tenant")
    if tenant is None:
        return None
    lease = (
        Lease.objects.filter(enterprise=tenant, start__lte=context.today, end__gte=context.today)
        .select_related("unit__floor__building__zone")
        .order_by("unit__floor__building__name", "unit__number")
        .first()
    )
    return lease.unit.floor.building.zone if lease else None


def _technicians(context, rng, companies, buildings, journey_zone, today, tz):
    journey = next(c for c in companies.values() if c.zone_id == journey_zone.id)
    for username in ("dispatcher", "technician"):
        role = Role.DISPATCHER if username == "dispatcher" else Role.TECHNICIAN
        membership_grant(user=context.users[username], role=role, organization=journey)
    techs = {c.id: [] for c in companies.values()}
    ordered = list(companies.values())
    tenant_building = _tenant_building(context)
    # One hash for every demo technician: hashing forty times costs more than the rest.
    password = make_password(DEMO_PASSWORD)
    for index in range(40):
        company = journey if index == 39 else ordered[index % 3]
        if index == 39:
            user = context.users["technician"]
        else:
            user = user_create(
                username=f"tech{index + 1:02d}",
                password=None,
                display_name=f"维修技师 {rng.choice(SURNAMES)}{rng.choice(GIVEN)}{rng.choice(GIVEN)}",
            )
            user.password = password
            user.save(update_fields=["password"])
            membership_grant(user=user, role=Role.TECHNICIAN, organization=company)
        team_name = "工程部" if index == 39 else rng.choice(list(TEAMS))
        team, _created = Team.objects.get_or_create(company=company, name=team_name)
        skills = sorted(set(rng.sample(TEAMS[team_name], min(3, len(TEAMS[team_name])))))
        base = rng.choice(
            [b for b in buildings[company.id] if b.id != getattr(tenant_building, "id", None)]
            or buildings[company.id]
        )
        if index == 39:
            skills, base = ["electrical", "hvac", "plumbing"], tenant_building or base
        tech = Technician.objects.create(
            user=user, company=company, team=team, skills=skills, base_building=base
        )
        tech.zones.set([company.zone])
        techs[company.id].append(tech)
    manager = user_create(
        username="pm_" + "abc"[ordered.index(journey)],
        password=None,
        display_name="物业经理 " + rng.choice(SURNAMES) + rng.choice(GIVEN),
    )
    manager.password = password
    manager.save(update_fields=["password"])
    membership_grant(user=manager, role=Role.PROPERTY_MANAGER, organization=journey)
    shifts = []
    for company_techs in techs.values():
        for position, tech in enumerate(company_techs):
            if tech.user_id == context.users["technician"].id:
                start = timezone.make_aware(
                    datetime.combine(today - timedelta(days=1), time(0)), tz
                )
                shifts.append(Shift(technician=tech, start=start, end=start + timedelta(days=31)))
                continue
            for offset in range(-7, 8):
                day = today + timedelta(days=offset)
                night = (position + offset) % 3 == 0
                start = timezone.make_aware(datetime.combine(day, time(20 if night else 8)), tz)
                shifts.append(Shift(technician=tech, start=start, end=start + timedelta(hours=12)))
    Shift.objects.bulk_create(shifts)
    return techs


def _tenant_building(context):
    zone = _tenant_zone(context)
    tenant = context.extra.get("tenant_enterprises", {}).get("tenant")
    if zone is None:
        return None
    lease = (
        Lease.objects.filter(
            enterprise=tenant,
            unit__floor__building__zone=zone,
            start__lte=context.today,
            end__gte=context.today,
        )
        .select_related("unit__floor__building")
        .first()
    )
    return lease.unit.floor.building


def _units_by_company(companies, today):
    result = {}
    for company in companies.values():
        leases = Lease.objects.filter(
            unit__floor__building__zone=company.zone, start__lte=today, end__gte=today
        ).select_related("unit__floor__building")
        result[company.id] = [(lease.unit, lease.enterprise_id) for lease in leases] or [
            (u, None) for u in Unit.objects.filter(floor__building__zone=company.zone)[:20]
        ]
    return result


def _describe(rng, category, unit):
    template = rng.choice(TEXTS[category].split("|"))
    return template.format(
        room=rng.choice(ROOMS),
        t=rng.randint(28, 33),
        c=rng.randint(14, 18),
        en=rng.choice(EN_ROOMS),
        floor=f"{unit.floor.level}楼"
        if "{floor}" in template and not template.isascii()
        else f"floor {unit.floor.level}",
        b=unit.floor.building.name,
        n=rng.randint(2, 9),
    )


def _tickets(rng, companies, quality, techs, buildings, units, today, now, tz):
    categories, weights = list(CATEGORY_WEIGHTS), list(CATEGORY_WEIGHTS.values())
    tickets, events, corrections = [], [], []
    serial = 0
    for company in companies.values():
        q = quality[company.id]
        by_skill = {
            c: [t for t in techs[company.id] if c in t.skills and t.user.username != "technician"]
            for c in categories
        }
        for days_ago in range(HISTORY_DAYS, -1, -1):
            day = today - timedelta(days=days_ago)
            for _ in range(rng.randint(TICKETS_PER_DAY - 2, TICKETS_PER_DAY + 2)):
                serial += 1
                category = rng.choices(categories, weights)[0]
                unit, enterprise_id = rng.choice(units[company.id])
                created = timezone.make_aware(
                    datetime.combine(day, time(rng.randint(7, 20), rng.randint(0, 59))), tz
                )
                if created > now:
                    created = now - timedelta(minutes=rng.randint(5, 300))
                priority = rng.choices(["urgent", "high", "normal", "low"], [5, 20, 60, 15])[0]
                description = _describe(rng, category, unit)
                t = Ticket(
                    number=f"WO{created:%Y%m%d}{serial:06d}",
                    company=company,
                    building=unit.floor.building,
                    floor=unit.floor,
                    unit=unit,
                    enterprise_id=enterprise_id,
                    source=rng.choice(["web", "app", "app", "phone"]),
                    kind=KINDS.get(category, "repair"),
                    category=category,
                    title=description[:40],
                    description=description,
                    priority=priority,
                    created_at=created,
                )
                t.response_due, t.resolution_due = sla.deadlines(
                    company, priority=priority, category=category, start=created, policies=[]
                )
                t.assignee = rng.choice(
                    by_skill[category] or techs[company.id][:-1] or techs[company.id]
                )
                t.assignment_reasons = [texts.skill(category)]
                _life(rng, t, q, now, days_ago, events)
                if rng.random() < 0.05:
                    wrong = rng.choice(categories)
                    if wrong != category:
                        corrections.append(
                            CategoryCorrection(
                                ticket=t, predicted=wrong, corrected=category, at=created
                            )
                        )
                tickets.append(t)
    Ticket.objects.bulk_create(tickets, batch_size=2000)
    TicketEvent.objects.bulk_create(events, batch_size=5000)
    CategoryCorrection.objects.bulk_create(corrections, batch_size=2000)


def _life(rng, t, q, now, days_ago, events):
    """The ticket's history up to now; a better company (q) is faster and better rated."""

    def ev(kind, at, status, before, note=""):
        events.append(
            TicketEvent(ticket=t, at=at, kind=kind, from_status=before, to_status=status, note=note)
        )

    ev("created", t.created_at, "new", "")
    t.dispatched_at = t.created_at + timedelta(minutes=rng.randint(0, 3))
    ev("dispatch", t.dispatched_at, "dispatched", "new")
    slow = 1 / q
    steps = [
        ("accepted_at", "accept", "accepted", rng.randint(3, 40) * slow**3),
        ("arrived_at", "arrive", "on_site", rng.randint(10, 50) * slow),
        ("resolved_at", "resolve", "resolved", rng.randint(20, 400) * slow**4),
    ]
    status, at = "dispatched", t.dispatched_at
    for field, kind, new_status, minutes in steps:
        at = at + timedelta(minutes=minutes)
        if at > now or (days_ago == 0 and rng.random() < 0.4):
            break
        setattr(t, field, at)
        ev(kind, at, new_status, status)
        status = new_status
    if status == "resolved" and days_ago > 2:
        if rng.random() < (1 - q) * 0.5:
            t.reopen_count = 1
            ev("reopen", at + timedelta(hours=2), "reopened", "resolved", "问题没有彻底解决")
            ev("dispatch", at + timedelta(hours=2), "dispatched", "reopened")
            at = at + timedelta(hours=rng.randint(4, 30))
            t.resolved_at = at
            ev("resolve", at, "resolved", "dispatched")
        if rng.random() < 0.9:
            t.rating = min(
                5, max(1, round(rng.gauss(3.2 + 2 * q - (0.6 if t.reopen_count else 0), 0.7)))
            )
            t.closed_at = at + timedelta(hours=rng.randint(1, 20))
            status = "confirmed"
            ev("confirm", t.closed_at, status, "resolved")
    elif status in ("dispatched", "new") and days_ago > 3:
        t.closed_at, status = at + timedelta(hours=1), "cancelled"
        ev("cancel", t.closed_at, status, "dispatched", "租户已自行处理")
    t.status = status


def _inspections(rng, companies, techs, buildings, today, tz, context):
    rounds = []
    start = today - timedelta(days=HISTORY_DAYS)
    for company in companies.values():
        for name, frequency, items in TEMPLATES:
            template = InspectionTemplate.objects.create(
                company=company,
                name=name,
                items=[
                    {"key": k, "label": label, "kind": kind, "min": lo, "max": hi, "category": cat}
                    for k, label, kind, lo, hi, cat in items
                ],
            )
            candidates = [
                t for t in techs[company.id] if set(t.skills) & {i[5] for i in items}
            ] or techs[company.id]
            tech = next((t for t in candidates if t.user.username == "technician"), candidates[0])
            schedule = InspectionSchedule.objects.create(
                template=template,
                building=buildings[company.id][0],
                frequency=frequency,
            )
            schedule.technicians.set([tech])
            day = start
            while day <= today:
                if schedule.is_due(day):
                    rnd = InspectionRound(
                        schedule=schedule,
                        template=template,
                        company=company,
                        technician=tech,
                        building=schedule.building,
                        due_date=day,
                        items_total=len(items),
                    )
                    if day < today and rng.random() < 0.97:
                        results = [
                            {"key": i[0], "passed": rng.random() > 0.03, "note": ""} for i in items
                        ]
                        rnd.status, rnd.results = "done", results
                        rnd.items_failed = sum(1 for r in results if not r["passed"])
                        rnd.completed_at = timezone.make_aware(
                            datetime.combine(day, time(9, rng.randint(0, 59))), tz
                        )
                    elif day < today:
                        rnd.status = "missed"
                    rounds.append(rnd)
                day += timedelta(days=1)
    InspectionRound.objects.bulk_create(rounds, batch_size=2000)


def _spot_checks(rng, companies, today):
    findings_text = {
        "low": ["设备间标识不清", "巡检记录填写不完整", "灭火器压力表轻微偏低"],
        "medium": ["消防通道堆放纸箱", "配电房门未上锁", "电梯年检标志过期未更换"],
        "high": ["安全出口被锁闭", "消防水泵无法自动启动", "地下车库排烟风机故障"],
        "critical": ["消防控制室无人值守", "自动喷淋系统主阀关闭"],
    }
    for month in month_range(today - timedelta(days=HISTORY_DAYS), today):
        for company in companies.values():
            checked_on = month.replace(day=rng.randint(5, 25))
            if checked_on > today:
                continue
            check = SpotCheck.objects.create(
                company=company, inspector="上海安泰第三方安全评估有限公司", checked_on=checked_on
            )
            for _ in range(rng.choices([0, 1, 2, 3], [40, 35, 18, 7])[0]):
                severity = rng.choices(list(findings_text), [50, 35, 12, 3])[0]
                deadline = checked_on + timedelta(
                    days={"low": 14, "medium": 7, "high": 3, "critical": 1}[severity]
                )
                closed = deadline < today - timedelta(days=3)
                Finding.objects.create(
                    spot_check=check,
                    severity=severity,
                    description=rng.choice(findings_text[severity]),
                    deadline=deadline,
                    status="closed" if closed else "open",
                    follow_ups=[
                        {
                            "at": str(deadline),
                            "by": "物业",
                            "status": "closed",
                            "note": "已整改完毕",
                        }
                    ]
                    if closed
                    else [],
                    closed_at=timezone.now() if closed else None,
                )


def _surveys(rng, park, companies, units, today, tz, context):
    questions = [
        {"key": "overall", "label": "总体满意度", "kind": "rating"},
        {"key": "repair", "label": "报修响应速度", "kind": "rating"},
        {"key": "clean", "label": "公共区域保洁", "kind": "rating"},
        {"key": "advice", "label": "意见和建议", "kind": "text"},
    ]
    responses = []
    quarter_ends = [
        m
        for m in month_range(today - timedelta(days=HISTORY_DAYS), today)
        if m.month in (3, 6, 9, 12)
    ]
    for index, month in enumerate([*quarter_ends, today.replace(day=1)]):
        current = index == len(quarter_ends)
        opens = today - timedelta(days=3) if current else month.replace(day=10)
        closes = today + timedelta(days=10) if current else month.replace(day=25)
        survey = Survey.objects.create(
            park=park,
            title=f"{opens.year}年{opens.month}月物业服务满意度调查",
            questions=questions,
            opens_on=opens,
            closes_on=closes,
            created_by=context.users["operator"],
        )
        if current:
            continue
        answered = set()
        for company in companies.values():
            base = {"A区": 4.5, "B区": 4.1, "C区": 3.7}.get(company.zone.name, 4.0)
            for enterprise_id in sorted({e for _u, e in units[company.id] if e}, key=str):
                if enterprise_id in answered or rng.random() > 0.6:
                    continue
                answered.add(enterprise_id)
                answers = {
                    q["key"]: min(5, max(1, round(rng.gauss(base, 0.6)))) for q in questions[:3]
                }
                answers["advice"] = rng.choice(
                    ["", "希望保洁更及时", "空调维修响应再快一些", "很满意"]
                )
                responses.append(
                    SurveyResponse(
                        survey=survey,
                        enterprise_id=enterprise_id,
                        company=company,
                        answers=answers,
                        average_rating=(
                            Decimal(sum(answers[k] for k in ("overall", "repair", "clean"))) / 3
                        ).quantize(Decimal("0.01")),
                        answered_at=timezone.make_aware(
                            datetime.combine(closes - timedelta(days=rng.randint(1, 10)), time(10)),
                            tz,
                        ),
                    )
                )
    SurveyResponse.objects.bulk_create(responses, batch_size=2000)
