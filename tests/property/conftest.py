"""Fixtures of property management: one zone with its company, a tenant leasing a unit,
the company's desk and technicians on shift, and a small trained dispatch model."""

import io
from datetime import timedelta

import pytest
from django.utils import timezone, translation

from factories import (
    BuildingFactory,
    EnterpriseFactory,
    LeaseFactory,
    ParkFactory,
    UnitFactory,
    member,
)
from parkos.accounts.models import Role
from parkos.accounts.services import membership_grant
from parkos.parks.models import Floor, Zone
from parkos.property.models import Technician
from property.factories import (
    InspectionScheduleFactory,
    InspectionTemplateFactory,
    PropertyCompanyFactory,
    ShiftFactory,
)

CORPUS = {
    "hvac": [
        "会议室空调不制冷",
        "空调漏水",
        "办公室空调温度太高",
        "暖气不热",
        "空调噪音大出风口不出风",
        "The air conditioner is not cooling",
        "新风系统有异味",
        "空调显示故障代码",
    ],
    "electrical": [
        "灯管不亮",
        "插座没电",
        "整层跳闸断电",
        "照明开关坏了",
        "电闸频繁跳闸",
        "Power outage in the office",
        "灯一直闪烁",
        "配电箱有焦糊味",
    ],
    "plumbing": [
        "水龙头漏水",
        "马桶堵塞",
        "下水道堵了",
        "水管爆裂地面积水",
        "洗手池水压很小",
        "The toilet is blocked",
        "天花板渗水",
        "冲水按钮坏了",
    ],
    "cleaning": [
        "走廊垃圾没有清理",
        "地毯有污渍需要清洗",
        "卫生间很脏没有纸巾",
        "楼道有异味",
        "Please clean the floor",
        "垃圾桶满了没人倒",
        "玻璃门需要擦拭",
        "需要深度保洁",
    ],
}


@pytest.fixture
def png_bytes():
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), (200, 30, 30)).save(buffer, format="PNG")
    return buffer.getvalue()


class Place:
    """A small world: one park, zone A with a company, one building, a leased unit."""


def _technician(company, username_skills, building, *, on_shift=True):
    user = member(Role.TECHNICIAN, organization=company)
    tech = Technician.objects.create(
        user=user, company=company, skills=username_skills, base_building=building
    )
    tech.zones.set([company.zone])
    now = timezone.now()
    if on_shift:
        ShiftFactory(technician=tech, start=now - timedelta(hours=2), end=now + timedelta(hours=6))
    return tech


@pytest.fixture
def place(db):
    w = Place()
    w.park = ParkFactory()
    w.zone = Zone.objects.create(park=w.park, name="A区")
    w.other_zone = Zone.objects.create(park=w.park, name="B区")
    w.building = BuildingFactory(
        park=w.park, zone=w.zone, name="1号楼", latitude=31.2, longitude=121.5
    )
    w.far_building = BuildingFactory(
        park=w.park, zone=w.zone, name="2号楼", latitude=31.21, longitude=121.51
    )
    w.other_building = BuildingFactory(park=w.park, zone=w.other_zone, name="3号楼")
    floor = Floor.objects.create(building=w.building, level=3)
    w.unit = UnitFactory(floor=floor, number="301")
    w.other_unit = UnitFactory(floor=floor, number="302")
    w.enterprise = EnterpriseFactory(park=w.park)
    w.other_enterprise = EnterpriseFactory(park=w.park)
    LeaseFactory(
        unit=w.unit, enterprise=w.enterprise, start=timezone.localdate() - timedelta(days=30)
    )
    LeaseFactory(
        unit=w.other_unit,
        enterprise=w.other_enterprise,
        start=timezone.localdate() - timedelta(days=30),
    )
    w.company = PropertyCompanyFactory(zone=w.zone, name="A区物业")
    w.other_company = PropertyCompanyFactory(zone=w.other_zone, name="B区物业")
    w.tenant = member(Role.ENTERPRISE_ADMIN, enterprise=w.enterprise, park=w.park)
    w.other_tenant = member(Role.ENTERPRISE_ADMIN, enterprise=w.other_enterprise, park=w.park)
    w.dispatcher = member(Role.DISPATCHER, organization=w.company)
    w.manager = member(Role.PROPERTY_MANAGER, organization=w.company)
    w.other_dispatcher = member(Role.DISPATCHER, organization=w.other_company)
    w.operator = member(Role.OPERATOR_ADMIN, park=w.park)
    w.hvac_near = _technician(w.company, ["hvac", "electrical"], w.building)
    w.hvac_far = _technician(w.company, ["hvac"], w.far_building)
    w.hvac_off = _technician(w.company, ["hvac"], w.building, on_shift=False)
    w.cleaner = _technician(w.company, ["cleaning"], w.building)
    w.other_tech = _technician(w.other_company, ["hvac"], w.other_building)
    return w


@pytest.fixture
def trained(place):
    """A dispatch model for the company, learnt from a small labelled history."""
    from parkos.property import categorize
    from parkos.property.models import Ticket

    now = timezone.now()
    rows = []
    for category, texts in CORPUS.items():
        for index, text in enumerate(texts * 2):
            rows.append(
                Ticket(
                    number=f"H{category[:3]}{index:04d}",
                    company=place.company,
                    source="web",
                    kind="repair",
                    category=category,
                    title=text,
                    description=text,
                    priority="normal",
                    status="confirmed",
                    created_at=now - timedelta(days=10),
                )
            )
    Ticket.objects.bulk_create(rows)
    return categorize.model_train(company=place.company)


@pytest.fixture
def grant():
    return membership_grant


@pytest.fixture
def api(client):
    """`api(user, "post", "/api/property/tickets", json=...)`: a call with the user's bearer token."""
    from parkos.accounts.services import token_create

    tokens = {}

    def call(user, method, path, json=None, **extra):
        headers = {}
        if user is not None:
            if user.pk not in tokens:
                tokens[user.pk] = token_create(user=user)[1]
            headers["HTTP_AUTHORIZATION"] = f"Bearer {tokens[user.pk]}"
        sender = getattr(client, method)
        if json is not None:
            return sender(path, data=json, content_type="application/json", **headers, **extra)
        return sender(path, **headers, **extra)

    return call


@pytest.fixture
def read_page(client):
    """`read_page(user, url, language)`: the page as `user` reads it in `language` (their
    account's language too, as the language middleware prefers it)."""

    def read(user, url, language="zh-hans"):
        user.language = language
        user.save(update_fields=["language"])
        client.force_login(user)
        with translation.override(language):
            return client.get(url, HTTP_ACCEPT_LANGUAGE=language)

    return read


@pytest.fixture
def round_today(place):
    """Today's round of a daily pump-room checklist, walked by `hvac_near`."""
    from parkos.property import services
    from parkos.property.models import InspectionRound

    template = InspectionTemplateFactory(
        company=place.company,
        name="水泵房巡检",
        items=[
            {"key": "pump", "label": "水泵运行正常", "kind": "check", "category": "plumbing"},
            {"key": "pressure", "label": "出水压力", "kind": "value", "min": 2, "max": 6},
        ],
    )
    schedule = InspectionScheduleFactory(template=template, technicians=[place.hvac_near])
    services.rounds_generate(day=timezone.localdate())
    return InspectionRound.objects.get(schedule=schedule)
