"""A compact world for the permission matrix: two tenants, "a" and "b", each a park with one
enterprise, one property company and one service provider, a user for every role, and one
object of every kind the API and the pages address by id.

Tenant "a" owns the objects the matrix calls; tenant "b" has the same roles and objects, so
that "b"'s users are the outsiders of "a"'s objects. The world is built with the apps' own
services (the rows a user would create), with the model only where no service creates the
row. Each app is built on its own: an app whose builder fails leaves its ids missing, and the
operations that need them fail naming the builder's error, while the other apps still run."""

from __future__ import annotations

import random
import time
import traceback
from dataclasses import dataclass, field
from datetime import timedelta
from decimal import Decimal
from typing import Any

from django.core.files.base import ContentFile
from django.utils import timezone

from factories import (
    BuildingFactory,
    EnterpriseFactory,
    FloorFactory,
    LeaseFactory,
    ParkFactory,
    UnitFactory,
    ZoneFactory,
    member,
)
from parkos.accounts.models import Role

TENANTS = ("a", "b")
PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"

# The callers of the matrix, by key: who they are in each tenant. `network` roles hold no park.
CALLERS = (
    "operator",
    "ioc",
    "reviewer",
    "tenant",
    "member",
    "dispatcher",
    "manager",
    "technician",
    "provider",
    "netop",
    "netreviewer",
)


@dataclass
class Tenant:
    key: str
    users: dict[str, Any] = field(default_factory=dict)
    # Path parameter name -> value, e.g. "park_id" -> uuid.
    ids: dict[str, Any] = field(default_factory=dict)
    objects: dict[str, Any] = field(default_factory=dict)


@dataclass
class World:
    tenants: dict[str, Tenant]
    # Builder name -> the error it raised, for the operations that then miss an id.
    broken: dict[str, str] = field(default_factory=dict)
    timings: dict[str, float] = field(default_factory=dict)

    @property
    def a(self) -> Tenant:
        return self.tenants["a"]

    @property
    def b(self) -> Tenant:
        return self.tenants["b"]


def _png() -> bytes:
    import io

    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), (200, 30, 30)).save(buffer, format="PNG")
    return buffer.getvalue()


def _credit_code(seed: int) -> str:
    from parkos.demo.parks import make_credit_code

    return make_credit_code(random.Random(seed), "310115")


def _park_network(t: Tenant, index: int) -> None:
    park = ParkFactory(code=f"matrix-{t.key}", name=f"矩阵园区{t.key.upper()}")
    zone = ZoneFactory(park=park, name=f"{t.key.upper()}区")
    building = BuildingFactory(park=park, zone=zone, name=f"{t.key.upper()}1号楼")
    floor = FloorFactory(building=building, level=2)
    unit = UnitFactory(floor=floor, number="201")
    enterprise = EnterpriseFactory(park=park, name=f"矩阵{t.key.upper()}科技有限公司", headcount=40)
    lease = LeaseFactory(
        unit=unit,
        enterprise=enterprise,
        start=timezone.localdate().replace(day=1) - timedelta(days=400),
        end=timezone.localdate() + timedelta(days=700),
        monthly_rent="10000.00",
    )
    t.objects.update(
        park=park, zone=zone, building=building, floor=floor, unit=unit, enterprise=enterprise
    )
    t.objects["lease"] = lease
    t.ids.update(
        park_id=park.id,
        building_id=building.id,
        unit_id=unit.id,
        enterprise_id=enterprise.id,
        lease_id=lease.id,
    )
    t.users["operator"] = member(Role.OPERATOR_ADMIN, park=park)
    t.users["ioc"] = member(Role.IOC_OPERATOR, park=park)
    t.users["reviewer"] = member(Role.REVIEWER, park=park)
    t.users["tenant"] = member(Role.ENTERPRISE_ADMIN, enterprise=enterprise, park=park)
    t.users["member"] = member(Role.ENTERPRISE_MEMBER, enterprise=enterprise, park=park)
    # Network-wide roles are one per world; both tenants share them (they see everything).
    t.users["netop"] = _shared("netop", lambda: member(Role.OPERATOR_ADMIN))
    t.users["netreviewer"] = _shared("netreviewer", lambda: member(Role.REVIEWER))


_SHARED: dict[str, Any] = {}


def _shared(key, make):
    if key not in _SHARED:
        _SHARED[key] = make()
    return _SHARED[key]


def _parks_import(t: Tenant, index: int) -> None:
    from parkos.parks.imports import import_start

    job = import_start(
        actor=t.users["operator"],
        park=t.objects["park"],
        file_name="enterprises.csv",
        content=(
            "企业名称,统一社会信用代码,行业\n"
            f"矩阵导入{t.key.upper()}科技有限公司,{_credit_code(200 + index)},software\n"
        ).encode(),
    )
    t.ids["job_id"] = job.id


def _property(t: Tenant, index: int) -> None:
    from parkos.property import services
    from parkos.property.models import InspectionRound, PropertyCompany, Shift, Technician

    park, zone, building = t.objects["park"], t.objects["zone"], t.objects["building"]
    company = PropertyCompany.objects.create(park=park, zone=zone, name=f"{t.key.upper()}区物业")
    t.objects["company"] = company
    t.users["dispatcher"] = member(Role.DISPATCHER, organization=company)
    t.users["manager"] = member(Role.PROPERTY_MANAGER, organization=company)
    t.users["technician"] = member(Role.TECHNICIAN, organization=company)
    technician = Technician.objects.create(
        user=t.users["technician"], company=company, skills=["hvac"], base_building=building
    )
    technician.zones.set([zone])
    now = timezone.now()
    Shift.objects.create(
        technician=technician, start=now - timedelta(hours=2), end=now + timedelta(hours=6)
    )
    ticket = services.ticket_create(
        actor=t.users["tenant"],
        unit=t.objects["unit"],
        enterprise=t.objects["enterprise"],
        category="hvac",
        title="空调不制冷",
        description="会议室空调不制冷",
    )
    t.ids["ticket_id"] = ticket.id
    photo = services.ticket_add_photos(
        actor=t.users["tenant"], ticket=ticket, photos=[ContentFile(_png(), name="现场.png")]
    )[0]
    t.ids["photo_id"] = photo.id
    t.objects["ticket"] = ticket
    template = services.inspection_template_create(
        actor=t.users["manager"],
        company=company,
        name="配电房周巡检",
        items=[{"label": "配电柜指示正常", "kind": "check", "category": "electrical"}],
    )
    t.ids["template_id"] = template.id
    schedule = services.inspection_schedule_create(
        actor=t.users["manager"],
        template=template,
        frequency="daily",
        technicians=[technician],
        building=building,
        zone=zone,
    )
    t.ids["schedule_id"] = schedule.id
    services.rounds_generate()
    inspection = InspectionRound.objects.filter(schedule=schedule).first()
    if inspection is not None:
        t.ids["round_id:property"] = inspection.id
    today = timezone.localdate()
    survey = services.survey_send(
        actor=t.users["operator"],
        park=park,
        title="满意度调查",
        questions=[{"label": "总体满意度", "kind": "rating"}],
        opens_on=today,
        closes_on=today + timedelta(days=7),
    )
    t.ids["survey_id"] = survey.id


def _property_finding(t: Tenant, index: int) -> None:
    from parkos.property import services

    rnd = t.ids.get("round_id:property")
    if rnd is not None:
        from parkos.property.models import InspectionRound

        items = InspectionRound.objects.get(id=rnd).template.items
        services.round_submit(
            actor=t.users["technician"],
            round_id=rnd,
            answers={item["key"]: {"passed": True} for item in items},
        )
    check = services.spot_check_record(
        actor=t.users["operator"],
        company=t.objects["company"],
        inspector="园区质检 王工",
        checked_on=timezone.localdate(),
        findings=[{"description": "消防通道堆放杂物", "severity": "high"}],
    )
    t.ids["finding_id"] = check.findings.first().id


def _approvals_and_relief(t: Tenant, index: int) -> None:
    from parkos.approvals.selectors import case_for_subject
    from parkos.relief import services

    today = timezone.localdate()
    programme = services.programme_create(
        actor=t.users["operator"],
        name=f"{t.key.upper()}园区租金减免",
        park=t.objects["park"],
        period_start=today.replace(day=1) - timedelta(days=31),
        period_end=today + timedelta(days=60),
        apply_until=today + timedelta(days=30),
        max_headcount=300,
        max_revenue=Decimal("100000000"),
        kind="months",
        months=Decimal(1),
        cap_per_enterprise=Decimal("200000"),
        publish=True,
    )
    t.ids["programme_id:relief"] = programme.id
    application = services.application_submit(
        actor=t.users["tenant"],
        programme=programme,
        lease=t.objects["lease"],
        declared_revenue=Decimal("1000000"),
        evidence=[ContentFile(PDF, name="报表.pdf")],
    )
    t.ids["application_id"] = application.id
    case = case_for_subject(
        actor=t.users["tenant"], subject_type=services.SUBJECT, subject_id=str(application.id)
    )
    t.ids["case_id"] = case.id
    attachment = case.attachments.first() if hasattr(case, "attachments") else None
    if attachment is None:
        from parkos.approvals.models import Attachment

        attachment = Attachment.objects.filter(case=case).first()
    if attachment is not None:
        t.ids["attachment_id"] = attachment.id
    process = case.process
    t.ids["process_id"] = process.id


def _filings(t: Tenant, index: int) -> None:
    from parkos.filings import services

    today = timezone.localdate()
    start = today - timedelta(days=6)
    filing_round = services.round_open(
        actor=t.users["operator"],
        park=t.objects["park"],
        title="第1周复工台账",
        period_start=start,
        period_end=start + timedelta(days=6),
        due_on=today,
    )
    t.ids["round_id:filings"] = filing_round.id
    result = services.submission_file(
        actor=t.users["tenant"],
        filing_round=filing_round,
        enterprise=t.objects["enterprise"],
        total_staff=40,
        returned_staff=20,
        risk_area_staff=0,
        observation_staff=0,
        supplies_days=14,
        compliance_declared=True,
    )
    t.ids["submission_id"] = result.submission.id


def _marketplace(t: Tenant, index: int) -> None:
    from parkos.marketplace.categories import categories_seed
    from parkos.marketplace.models import Category, Provider, ProviderStatus
    from parkos.marketplace.services import catalogue, complaints, orders, vouchers

    categories_seed(Category)
    provider = Provider.objects.create(
        name=f"矩阵{t.key.upper()}信息技术有限公司",
        credit_code=_credit_code(100 + index),
        contact_name="联系人",
        credentials="ISO 27001",
        status=ProviderStatus.VERIFIED,
        verified_at=timezone.now(),
    )
    t.objects["provider"] = provider
    t.ids["provider_id"] = provider.id
    t.users["provider"] = member(Role.PROVIDER, organization=provider)
    product = catalogue.product_create(
        actor=t.users["provider"],
        provider=provider,
        name=f"矩阵{t.key.upper()}视频会议",
        category=Category.objects.get(code="video-meeting"),
        delivery_model="saas",
        description="高清视频会议。",
        voucher_eligible=True,
        plans=[{"name": "月付版", "price": "1000.00", "billing_period": "month"}],
    )
    catalogue.product_submit(actor=t.users["provider"], product=product)
    catalogue.product_review(actor=t.users["netop"], product=product, approved=True)
    product.refresh_from_db()
    t.ids["product_id"] = product.id
    plan = product.plans.get()
    order = orders.order_place(
        actor=t.users["tenant"],
        product=product,
        plan=plan,
        enterprise=t.objects["enterprise"],
        invoice={"title": t.objects["enterprise"].name},
    )
    order = getattr(order, "order", order)
    t.ids["order_id"] = order.id
    orders.order_deliver(actor=t.users["provider"], order=order, note="已开通")
    order.refresh_from_db()
    complaint = complaints.complaint_open(actor=t.users["tenant"], order=order, text="无法登录")
    t.ids["complaint_id"] = complaint.id
    programme = vouchers.programme_create(
        actor=t.users["netop"],
        code=f"matrix-{t.key}",
        name=f"矩阵{t.key.upper()}创新券",
        total_budget="100000.00",
        per_enterprise_cap="20000.00",
        copay_ratio="0.5",
        valid_from=timezone.localdate() - timedelta(days=30),
        valid_until=timezone.localdate() + timedelta(days=300),
        categories=list(Category.objects.filter(code__in=["saas", "video-meeting"])),
    )
    t.ids["programme_id:marketplace"] = programme.id
    grant = vouchers.grant_create(
        actor=t.users["netreviewer"],
        programme=programme,
        enterprise=t.objects["enterprise"],
        amount="5000.00",
    )
    t.ids["grant_id"] = grant.id


def _iot(t: Tenant, index: int) -> None:
    from parkos.iot import services
    from parkos.iot.catalogue import device_types_ensure

    types = device_types_ensure()
    device = services.device_create(
        actor=t.users["ioc"],
        park=t.objects["park"],
        device_type=types["climate"],
        serial=f"MATRIX-{t.key.upper()}-1",
        name="温湿度传感器",
        building=t.objects["building"],
        floor=t.objects["floor"],
    )
    services.credential_issue(actor=t.users["ioc"], device=device)
    t.ids["device_id"] = device.id
    rule = services.rule_create(
        actor=t.users["ioc"],
        park=t.objects["park"],
        kind="threshold",
        name="室温过高",
        device_type=types["climate"],
        key="temperature",
        comparison="above",
        high=35,
        severity="major",
    )
    t.ids["rule_id"] = rule.id
    alarm = services.alarm_raise(
        park=t.objects["park"],
        source="rule",
        dedupe_key=f"{rule.id}:{device.id}",
        severity="major",
        title="室温过高",
        device=device,
        rule=rule,
    )
    t.ids["alarm_id"] = alarm.id


def _crowd(t: Tenant, index: int) -> None:
    from parkos.crowd.models import CrowdWarning
    from parkos.crowd.services import area_create, counter_create

    area = area_create(
        actor=None,
        park=t.objects["park"],
        name="中心广场",
        kind="plaza",
        capacity=1200,
        warning_threshold=1000,
        critical_threshold=1400,
    )
    t.ids["area_id"] = area.id
    counter = counter_create(actor=None, park=t.objects["park"], area=area, name="北门")
    t.ids["counter_id"] = counter.id
    now = timezone.now()
    CrowdWarning.objects.create(
        area=area,
        kind="forecast",
        level="warning",
        status="active",
        expected_at=now + timedelta(hours=2),
        expected_count=1100,
        threshold=1000,
        lead_hours=2,
        message="预计人流超过预警线",
        raised_at=now,
        updated_at=now,
    )


BUILDERS = (
    _park_network,
    _parks_import,
    _property,
    _property_finding,
    _approvals_and_relief,
    _filings,
    _marketplace,
    _iot,
    _crowd,
)


def _name(builder) -> str:
    return builder.__name__ if builder.__module__ == __name__ else builder.__module__


def world_build() -> World:
    """Builds both tenants, builder by builder; a failing builder is recorded, not raised
    (the park network, which every other builder stands on, is the exception)."""
    from django.db import transaction

    from matrix.apps import app_modules

    _SHARED.clear()
    world = World(tenants={key: Tenant(key) for key in TENANTS})
    extra = tuple(module.build for module in app_modules() if hasattr(module, "build"))
    for builder in (*BUILDERS, *extra):
        started = time.perf_counter()
        for index, key in enumerate(TENANTS):
            if builder is _park_network:
                builder(world.tenants[key], index)
                continue
            tenant = world.tenants[key]
            before = (dict(tenant.users), dict(tenant.ids), dict(tenant.objects))
            try:
                with transaction.atomic():
                    builder(tenant, index)
            except Exception:
                # What the failed builder made was rolled back: forget it too.
                tenant.users, tenant.ids, tenant.objects = before
                world.broken[f"{_name(builder)}({key})"] = traceback.format_exc(limit=-3)
        world.timings[_name(builder)] = time.perf_counter() - started
    return world
