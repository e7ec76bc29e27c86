"""Planning patrol inspections: who may plan, checklists and schedules through the services
(clear errors, nothing written), the audit trail, and the rounds the schedules generate."""

from datetime import date, timedelta

import pytest
from django.contrib.auth.models import AnonymousUser
from django.urls import reverse
from django.utils import timezone, translation

from factories import member
from parkos.accounts.models import Role
from parkos.core.errors import Forbidden, ValidationFailed
from parkos.core.models import AuditEntry
from parkos.property import permissions, selectors, services
from parkos.property.models import InspectionRound, InspectionSchedule, InspectionTemplate, Ticket

pytestmark = pytest.mark.django_db

ITEMS = [
    {"label": "冷水机组运行正常", "kind": "check", "category": "hvac"},
    {"label": "冷冻水出水温度", "kind": "value", "min": 6, "max": 12, "unit": "℃"},
]


@pytest.fixture
def callers(place):
    """The permission matrix's callers, by name."""
    return {
        "anonymous": AnonymousUser(),
        "technician": place.hvac_near.user,
        "dispatcher": place.dispatcher,
        "other_manager": member(Role.PROPERTY_MANAGER, organization=place.other_company),
        "manager": place.manager,
        "operator": place.operator,
    }


@pytest.fixture
def template(place):
    return services.inspection_template_create(
        actor=place.manager, company=place.company, name="空调机房日巡检", items=ITEMS
    )


PLANNERS = {"manager", "operator"}


def test_who_plans_the_inspections_of_a_company(place, callers):
    for name, user in callers.items():
        expected = name in PLANNERS
        assert permissions.can_plan_inspections(user, place.company) is expected, name
        planned = set(selectors.planning_companies(actor=user))
        assert (place.company in planned) is expected, name
    # The other company's manager plans their own company only.
    assert permissions.can_plan_inspections(callers["other_manager"], place.other_company)
    assert set(selectors.planning_companies(actor=callers["other_manager"])) == {
        place.other_company
    }
    # The operator plans every company of the park.
    assert set(selectors.planning_companies(actor=place.operator)) == {
        place.company,
        place.other_company,
    }


def test_only_planners_create_checklists(place, callers):
    for name, user in callers.items():
        if name in PLANNERS:
            continue
        with pytest.raises(Forbidden):
            services.inspection_template_create(
                actor=user, company=place.company, name=f"巡检 {name}", items=ITEMS
            )
    assert not InspectionTemplate.objects.exists()
    for name in PLANNERS:
        made = services.inspection_template_create(
            actor=callers[name], company=place.company, name=f"巡检 {name}", items=ITEMS
        )
        assert made.company == place.company
    assert InspectionTemplate.objects.count() == 2


def test_a_checklist_keeps_its_items_and_is_audited(place, template):
    assert [i["label"] for i in template.items] == ["冷水机组运行正常", "冷冻水出水温度"]
    reading = template.items[1]
    assert (reading["kind"], reading["min"], reading["max"], reading["unit"]) == (
        "value",
        6,
        12,
        "℃",
    )
    assert "min" not in template.items[0]
    assert len({i["key"] for i in template.items}) == 2
    entry = AuditEntry.objects.get(action="property.inspection_template_create")
    assert entry.object_id == str(template.id) and entry.actor == place.manager
    assert entry.park_id == place.park.id

    keys = [i["key"] for i in template.items]
    services.inspection_template_update(
        actor=place.operator,
        template=template,
        name="空调机房日巡检(新)",
        items=[*template.items, {"label": "机房无漏水", "category": "plumbing"}],
    )
    template.refresh_from_db()
    assert template.name == "空调机房日巡检(新)" and len(template.items) == 3
    assert [i["key"] for i in template.items][:2] == keys
    update = AuditEntry.objects.get(action="property.inspection_template_update")
    assert update.actor == place.operator
    assert update.changes["name"] == ["空调机房日巡检", "空调机房日巡检(新)"]


@pytest.mark.parametrize(
    ("items", "field"),
    [
        ([], "items"),
        ([{"label": "", "kind": "check"}], "items.0.label"),
        ([{"label": "出水温度", "kind": "value"}], "items.0.min"),
        ([{"label": "出水温度", "kind": "value", "min": "", "max": None}], "items.0.min"),
        ([{"label": "出水温度", "kind": "value", "min": " ", "max": " "}], "items.0.min"),
        ([{"label": "出水温度", "kind": "value", "min": 12, "max": 6}], "items.0.max"),
        ([{"label": "出水温度", "kind": "value", "min": "六"}], "items.0.min"),
        ([{"label": "出水温度", "kind": "value", "max": "NaN"}], "items.0.max"),
        ([{"label": "出水温度", "kind": "gauge"}], "items.0.kind"),
        ([{"label": "出水温度", "category": "magic"}], "items.0.category"),
        ([{"label": "a", "key": "k"}, {"label": "b", "key": "k"}], "items.1.key"),
        ([{"label": "a", "key": "有 空格"}], "items.0.key"),
        ([{"label": f"item {n}"} for n in range(101)], "items"),
    ],
)
def test_a_bad_checklist_is_refused_with_the_field_named(place, items, field):
    with pytest.raises(ValidationFailed) as refused:
        services.inspection_template_create(
            actor=place.manager, company=place.company, name="配电房周巡检", items=items
        )
    assert field in refused.value.fields
    assert not InspectionTemplate.objects.exists()
    assert not AuditEntry.objects.filter(action__startswith="property.inspection").exists()


def test_a_reading_with_one_bound_is_a_range(place):
    made = services.inspection_template_create(
        actor=place.manager,
        company=place.company,
        name="消防巡检",
        items=[{"label": "消防水压", "kind": "value", "min": "0.15", "unit": "MPa"}],
    )
    assert made.items[0]["min"] == 0.15 and made.items[0]["max"] is None


def test_a_checklist_name_is_unique_in_its_company_and_an_update_writes_nothing_on_error(
    place, template
):
    with pytest.raises(ValidationFailed) as refused:
        services.inspection_template_create(
            actor=place.manager, company=place.company, name="空调机房日巡检", items=ITEMS
        )
    assert "name" in refused.value.fields
    with pytest.raises(ValidationFailed):
        services.inspection_template_update(actor=place.manager, template=template, items=[])
    template.refresh_from_db()
    assert len(template.items) == 2
    assert not AuditEntry.objects.filter(action="property.inspection_template_update").exists()
    with pytest.raises(Forbidden):
        services.inspection_template_update(
            actor=member(Role.PROPERTY_MANAGER, organization=place.other_company),
            template=template,
            name="改名",
        )


def test_a_schedule_is_created_and_audited(place, template):
    schedule = services.inspection_schedule_create(
        actor=place.manager,
        template=template,
        frequency="weekly",
        technicians=[place.hvac_near, place.hvac_far],
        building=place.building,
        zone=place.zone,
    )
    assert set(schedule.technicians.all()) == {place.hvac_near, place.hvac_far}
    entry = AuditEntry.objects.get(action="property.inspection_schedule_create")
    assert entry.changes["frequency"] == "weekly"
    assert sorted(entry.changes["technicians"]) == sorted(
        [str(place.hvac_near.id), str(place.hvac_far.id)]
    )


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"zone": "other_zone"}, "zone"),
        ({"building": "other_building"}, "building"),
        ({"technicians": []}, "technicians"),
        ({"technicians": ["other_tech"]}, "technicians"),
        ({"frequency": "hourly"}, "frequency"),
    ],
)
def test_a_bad_schedule_is_refused_and_nothing_is_written(place, template, change, field):
    values = {"frequency": "daily", "technicians": [place.hvac_near]}
    for name, value in change.items():
        if isinstance(value, list):
            values[name] = [getattr(place, v) for v in value]
        elif value in ("other_zone", "other_building"):
            values[name] = getattr(place, value)
        else:
            values[name] = value
    with pytest.raises(ValidationFailed) as refused:
        services.inspection_schedule_create(actor=place.manager, template=template, **values)
    assert field in refused.value.fields
    assert not InspectionSchedule.objects.exists()
    assert not AuditEntry.objects.filter(action="property.inspection_schedule_create").exists()


def test_a_zone_of_another_company_is_named_in_the_error(place, template):
    with pytest.raises(ValidationFailed) as refused:
        services.inspection_schedule_create(
            actor=place.operator,
            template=template,
            frequency="daily",
            technicians=[place.hvac_near],
            zone=place.other_zone,
        )
    message = str(refused.value.fields["zone"][0])
    assert "B区" in message and "A区" in message


def test_an_inactive_technician_is_not_scheduled(place, template):
    place.hvac_far.active = False
    place.hvac_far.save()
    with pytest.raises(ValidationFailed) as refused:
        services.inspection_schedule_create(
            actor=place.manager,
            template=template,
            frequency="daily",
            technicians=[place.hvac_far],
        )
    assert "technicians" in refused.value.fields


def test_several_technicians_take_the_rounds_in_turn(place, template):
    schedule = services.inspection_schedule_create(
        actor=place.manager,
        template=template,
        frequency="daily",
        technicians=[place.hvac_near, place.hvac_far],
    )
    start = date(2026, 3, 2)
    for offset in range(4):
        services.rounds_generate(day=start + timedelta(days=offset))
    walkers = list(
        InspectionRound.objects.filter(
            schedule=schedule, due_date__range=(start, start + timedelta(days=3))
        )
        .order_by("due_date")
        .values_list("technician_id", flat=True)
    )
    assert len(walkers) == 4
    assert walkers[0] != walkers[1] and walkers[0] == walkers[2] and walkers[1] == walkers[3]
    # Generating the same day again neither adds a round nor moves it.
    assert services.rounds_generate(day=start) == 0


def test_weekly_and_monthly_schedules_fall_on_mondays_and_firsts(place, template):
    weekly = services.inspection_schedule_create(
        actor=place.manager, template=template, frequency="weekly", technicians=[place.hvac_near]
    )
    monthly = services.inspection_schedule_create(
        actor=place.manager, template=template, frequency="monthly", technicians=[place.hvac_near]
    )
    for offset in range(35):
        services.rounds_generate(day=date(2026, 3, 1) + timedelta(days=offset))
    weekly_days = list(
        InspectionRound.objects.filter(schedule=weekly).values_list("due_date", flat=True)
    )
    assert weekly_days and all(d.weekday() == 0 for d in weekly_days)
    assert list(
        InspectionRound.objects.filter(schedule=monthly).values_list("due_date", flat=True)
    ) == [date(2026, 4, 1), date(2026, 3, 1)]
    assert weekly.next_due(date(2026, 3, 4)) == date(2026, 3, 9)
    assert monthly.next_due(date(2026, 3, 4)) == date(2026, 4, 1)


def test_a_schedule_change_moves_the_rounds_not_yet_walked(place, template):
    schedule = services.inspection_schedule_create(
        actor=place.manager, template=template, frequency="daily", technicians=[place.hvac_near]
    )
    today = timezone.localdate()
    services.rounds_generate(day=today)
    pending = InspectionRound.objects.get(schedule=schedule)
    services.inspection_schedule_update(
        actor=place.manager,
        schedule=schedule,
        technicians=[place.hvac_far],
        building=place.far_building,
    )
    pending.refresh_from_db()
    assert pending.technician == place.hvac_far and pending.building == place.far_building
    entry = AuditEntry.objects.get(action="property.inspection_schedule_update")
    assert set(entry.changes) == {"technicians", "building"}
    with pytest.raises(ValidationFailed):
        services.inspection_schedule_update(
            actor=place.manager, schedule=schedule, building=place.other_building
        )
    schedule.refresh_from_db()
    assert schedule.building == place.far_building


def test_a_paused_schedule_or_one_without_active_technicians_makes_no_rounds(place, template):
    schedule = services.inspection_schedule_create(
        actor=place.manager, template=template, frequency="daily", technicians=[place.hvac_near]
    )
    services.inspection_schedule_update(actor=place.manager, schedule=schedule, active=False)
    assert services.rounds_generate(day=date(2026, 3, 2)) == 0
    services.inspection_schedule_update(actor=place.manager, schedule=schedule, active=True)
    place.hvac_near.active = False
    place.hvac_near.save()
    assert services.rounds_generate(day=date(2026, 3, 3)) == 0
    assert not InspectionRound.objects.filter(due_date__lt=date(2026, 3, 4)).exists()


def test_a_recorded_round_keeps_the_item_labels(place, template):
    services.inspection_schedule_create(
        actor=place.manager, template=template, frequency="daily", technicians=[place.hvac_near]
    )
    services.rounds_generate(day=timezone.localdate())
    rnd = InspectionRound.objects.get()
    check, reading = (i["key"] for i in template.items)
    done = services.round_submit(
        actor=place.hvac_near.user,
        round_id=rnd.id,
        answers={check: {"passed": True}, reading: {"value": "14"}},
    )
    assert [r["label"] for r in done.results] == ["冷水机组运行正常", "冷冻水出水温度"]
    assert done.items_failed == 1
    finding = done.company.tickets.get(source="inspection")
    assert "14℃" in finding.description


def test_a_technician_who_left_does_not_block_pausing_the_schedule(place, template):
    schedule = services.inspection_schedule_create(
        actor=place.manager,
        template=template,
        frequency="daily",
        technicians=[place.hvac_near, place.hvac_far],
    )
    place.hvac_far.active = False
    place.hvac_far.save()
    services.inspection_schedule_update(actor=place.manager, schedule=schedule, active=False)
    schedule.refresh_from_db()
    assert not schedule.active


def test_an_inspection_finding_title_is_worded_for_each_reader(place):
    template = InspectionTemplate.objects.create(
        company=place.company,
        name="空调机房日巡检",
        items=[
            {"key": "temp", "label": "冷冻水温度", "kind": "value", "min": 6, "max": 12},
        ],
    )
    schedule = InspectionSchedule.objects.create(template=template, frequency="daily")
    schedule.technicians.set([place.hvac_near])
    services.rounds_generate(day=timezone.localdate())
    rnd = InspectionRound.objects.get(schedule=schedule)
    with translation.override("en"):
        services.round_submit(
            actor=place.hvac_near.user, round_id=rnd.id, answers={"temp": {"value": "15"}}
        )
    ticket = Ticket.objects.get(source="inspection")
    assert ticket.title == "冷冻水温度" and "reading" not in ticket.description
    with translation.override("zh-hans"):
        assert ticket.heading == "巡检发现问题：冷冻水温度"
    with translation.override("en"):
        assert ticket.heading == "Inspection finding: 冷冻水温度"


def test_a_schedule_saved_today_has_its_round_today(client, place, read_page):
    template = InspectionTemplate.objects.create(
        company=place.company,
        name="QA 水泵检查",
        items=[{"key": "pump", "label": "水泵", "kind": "check"}],
    )
    daily = services.inspection_schedule_create(
        actor=place.manager, template=template, frequency="daily", technicians=[place.hvac_near]
    )
    today = timezone.localdate()
    rnd = InspectionRound.objects.get(schedule=daily)
    assert rnd.due_date == today and rnd.technician == place.hvac_near
    home = read_page(place.hvac_near.user, reverse("property:home")).content.decode()
    assert str(rnd.id) in home or "QA 水泵检查" in home
    # The morning job adds nothing more for the day.
    assert services.rounds_generate(day=today) == 0
    # A schedule not due today (a paused one) gets none.
    services.inspection_schedule_create(
        actor=place.manager,
        template=template,
        frequency="daily",
        technicians=[place.hvac_near],
        active=False,
    )
    assert InspectionRound.objects.count() == 1
