"""The inspection planning pages: checklists edited row by row (HTMX adds rows), schedules
with their technicians and place, the rounds generated from them, and who may open them."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from factories import member
from parkos.accounts.models import Role
from parkos.property import services
from parkos.property.models import InspectionRound, InspectionSchedule, InspectionTemplate

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def other_manager(place):
    return member(Role.PROPERTY_MANAGER, organization=place.other_company)


@pytest.fixture
def template(place):
    return services.inspection_template_create(
        actor=place.manager,
        company=place.company,
        name="空调机房日巡检",
        items=[
            {"label": "冷水机组运行正常", "kind": "check", "category": "hvac"},
            {"label": "冷冻水出水温度", "kind": "value", "min": 6, "max": 12, "unit": "℃"},
        ],
    )


def _page(client, user, url, **extra):
    client.force_login(user)
    return client.get(url, **extra)


def _rows(*rows):
    """A posted checklist: parallel item_* lists, as the editor sends them."""
    data = {
        f"item_{name}": [] for name in ("key", "label", "kind", "min", "max", "unit", "category")
    }
    for row in rows:
        for name, values in data.items():
            values.append(row.get(name.removeprefix("item_"), ""))
    return data


def test_the_inspections_page_permission_matrix(client, place, other_manager, template):
    url = reverse("property:inspections")
    assert client.get(url).status_code == 302
    assert _page(client, place.hvac_near.user, url).status_code == 403
    assert _page(client, place.dispatcher, url).status_code == 403
    other = _page(client, other_manager, url)
    assert other.status_code == 200 and "空调机房日巡检" not in other.content.decode()
    for user in (place.manager, place.operator):
        page = _page(client, user, url)
        assert page.status_code == 200 and "空调机房日巡检" in page.content.decode()
    edit = reverse("property:inspection_template", args=[template.id])
    assert _page(client, other_manager, edit).status_code == 404
    assert _page(client, place.hvac_near.user, edit).status_code == 404
    assert _page(client, place.manager, edit).status_code == 200


def test_the_tab_shows_for_planners_only(client, place):
    home = reverse("property:home")
    assert 'data-testid="nav-inspections"' in _page(client, place.manager, home).content.decode()
    assert 'data-testid="nav-inspections"' in _page(client, place.operator, home).content.decode()
    tech_page = _page(client, place.hvac_near.user, home).content.decode()
    assert 'data-testid="nav-inspections"' not in tech_page


def test_a_checklist_is_written_with_the_form(client, place):
    url = reverse("property:inspection_template_new")
    page = _page(client, place.manager, url)
    assert page.status_code == 200 and 'name="item_label"' in page.content.decode()
    row = client.get(reverse("property:inspection_item_row"), **HTMX)
    assert row.status_code == 200 and row.content.decode().lstrip().startswith("<tr")
    posted = client.post(
        url,
        {
            "company": str(place.company.id),
            "name": "配电房周巡检",
            **_rows(
                {"label": "配电柜指示正常", "kind": "check", "category": "electrical"},
                {"label": "配电房温度", "kind": "value", "min": "5", "max": "35", "unit": "℃"},
                {"kind": "check"},  # a row added and left blank
            ),
        },
    )
    assert posted.status_code == 302 and posted.url == reverse("property:inspections")
    made = InspectionTemplate.objects.get()
    assert [i["label"] for i in made.items] == ["配电柜指示正常", "配电房温度"]
    assert made.items[1]["min"] == 5 and made.items[1]["unit"] == "℃"
    edit = client.get(reverse("property:inspection_template", args=[made.id])).content.decode()
    assert "配电房温度" in edit and made.items[1]["key"] in edit


def test_an_empty_checklist_is_refused_on_the_page(client, place):
    client.force_login(place.manager)
    posted = client.post(
        reverse("property:inspection_template_new"),
        {"company": str(place.company.id), "name": "空清单", **_rows({"kind": "check"})},
    )
    assert posted.status_code == 422
    assert 'data-testid="items-error"' in posted.content.decode()
    assert not InspectionTemplate.objects.exists()


def test_a_reading_without_a_range_is_shown_on_its_row(client, place, template):
    client.force_login(place.manager)
    url = reverse("property:inspection_template", args=[template.id])
    keys = [i["key"] for i in template.items]
    posted = client.post(
        url,
        {
            "name": "空调机房日巡检",
            **_rows(
                {"key": keys[0], "label": "冷水机组运行正常", "kind": "check"},
                {"key": keys[1], "label": "冷冻水出水温度", "kind": "value"},
            ),
        },
    )
    assert posted.status_code == 422
    html = posted.content.decode()
    assert "is-invalid" in html and "冷冻水出水温度" in html
    template.refresh_from_db()
    assert template.items[1]["min"] == 6


def test_a_schedule_is_planned_and_its_rounds_are_seen(client, place, template):
    client.force_login(place.manager)
    url = reverse("property:inspection_schedule_new")
    page = client.get(f"{url}?template={template.id}")
    assert page.status_code == 200 and str(place.hvac_near.user) in page.content.decode()
    posted = client.post(
        url,
        {
            "template": str(template.id),
            "frequency": "daily",
            "technicians": [str(place.hvac_near.id), str(place.hvac_far.id)],
            "building": str(place.building.id),
            "active": "on",
        },
    )
    schedule = InspectionSchedule.objects.get()
    detail = reverse("property:inspection_schedule", args=[schedule.pk])
    assert posted.status_code == 302 and posted.url == detail
    services.rounds_generate(day=timezone.localdate())
    rnd = InspectionRound.objects.get()
    html = client.get(detail).content.decode()
    assert 'data-testid="next-round"' in html
    assert reverse("property:round", args=[rnd.id]) in html
    overview = client.get(reverse("property:inspections")).content.decode()
    assert reverse("property:round", args=[rnd.id]) in overview
    # The status filter swaps the rounds table only.
    done_only = client.get(f"{detail}?status=done", HTTP_HX_TARGET="rounds", **HTMX)
    assert done_only.status_code == 200
    partial = done_only.content.decode()
    assert "<html" not in partial and reverse("property:round", args=[rnd.id]) not in partial
    # The manager sees the round's checklist; only its technician gets the form.
    answer_field = f'name="{template.items[0]["key"]}_note"'
    round_page = client.get(reverse("property:round", args=[rnd.id])).content.decode()
    assert answer_field not in round_page and "冷冻水出水温度" in round_page
    tech_page = _page(client, rnd.technician.user, reverse("property:round", args=[rnd.id]))
    assert answer_field in tech_page.content.decode()


def test_a_schedule_in_another_companys_zone_is_refused_on_the_page(client, place, template):
    client.force_login(place.operator)
    posted = client.post(
        reverse("property:inspection_schedule_new"),
        {
            "template": str(template.id),
            "frequency": "weekly",
            "technicians": [str(place.hvac_near.id)],
            "building": str(place.other_building.id),
            "active": "on",
        },
    )
    assert posted.status_code == 422
    (message,) = posted.context["form"].errors["building"]
    assert "3号楼" in message and "A区" in message
    assert message in posted.content.decode()
    assert not InspectionSchedule.objects.exists()


def test_a_schedule_is_edited_and_the_other_company_cannot_open_it(
    client, place, other_manager, template
):
    schedule = services.inspection_schedule_create(
        actor=place.manager, template=template, frequency="daily", technicians=[place.hvac_near]
    )
    detail = reverse("property:inspection_schedule", args=[schedule.pk])
    assert _page(client, other_manager, detail).status_code == 404
    client.force_login(place.operator)
    posted = client.post(
        detail,
        {
            "template": str(template.id),
            "frequency": "monthly",
            "technicians": [str(place.hvac_far.id)],
            "building": "",
        },
    )
    assert posted.status_code == 302
    schedule.refresh_from_db()
    assert schedule.frequency == "monthly" and not schedule.active
    assert list(schedule.technicians.all()) == [place.hvac_far]


def test_the_inspections_page_has_a_query_budget(
    client, place, template, django_assert_max_num_queries
):
    for _ in range(5):
        services.inspection_schedule_create(
            actor=place.manager,
            template=template,
            frequency="daily",
            technicians=[place.hvac_near, place.hvac_far],
        )
    services.rounds_generate(day=timezone.localdate())
    client.force_login(place.operator)
    with django_assert_max_num_queries(20):
        page = client.get(reverse("property:inspections"))
    assert page.status_code == 200


def test_the_rounds_of_a_schedule_page_has_a_query_budget(
    client, place, template, django_assert_max_num_queries
):
    schedule = services.inspection_schedule_create(
        actor=place.manager,
        template=template,
        frequency="daily",
        technicians=[place.hvac_near, place.hvac_far],
    )
    for days in range(1, 8):
        services.rounds_generate(day=timezone.localdate() - timedelta(days=days))
    client.force_login(place.manager)
    with django_assert_max_num_queries(20):
        page = client.get(reverse("property:inspection_schedule", args=[schedule.pk]))
    assert page.status_code == 200
