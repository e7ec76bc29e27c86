"""The inspection planning endpoints: checklists and schedules listed, created and updated
through the API, for each caller of the permission matrix, and bad input refused."""

import pytest

from factories import member
from parkos.accounts.models import Role
from parkos.property import services
from parkos.property.models import InspectionSchedule, InspectionTemplate

pytestmark = pytest.mark.django_db

TEMPLATES = "/api/property/inspections/templates"
SCHEDULES = "/api/property/inspections/schedules"


@pytest.fixture
def other_manager(place):
    return member(Role.PROPERTY_MANAGER, organization=place.other_company)


@pytest.fixture
def template(place):
    return services.inspection_template_create(
        actor=place.manager,
        company=place.company,
        name="配电房周巡检",
        items=[{"label": "配电柜指示正常", "kind": "check", "category": "electrical"}],
    )


def _checklist(place, name="空调机房日巡检"):
    return {
        "company": str(place.company.id),
        "name": name,
        "items": [
            {"label": "冷水机组运行正常", "kind": "check", "category": "hvac"},
            {"label": "冷冻水出水温度", "kind": "value", "min": 6, "max": 12, "unit": "℃"},
        ],
    }


def test_creating_a_checklist_permission_matrix(place, api, other_manager):
    assert api(None, "post", TEMPLATES, json=_checklist(place)).status_code == 401
    assert api(place.hvac_near.user, "post", TEMPLATES, json=_checklist(place)).status_code == 403
    assert api(place.dispatcher, "post", TEMPLATES, json=_checklist(place)).status_code == 403
    # The other company's manager does not see this company at all.
    refused = api(other_manager, "post", TEMPLATES, json=_checklist(place))
    assert refused.status_code == 422 and "company" in refused.json()["fields"]
    assert not InspectionTemplate.objects.exists()
    made = api(place.manager, "post", TEMPLATES, json=_checklist(place))
    assert made.status_code == 201
    body = made.json()
    assert body["company"] == str(place.company.id) and body["schedules"] == 0
    assert [i["kind"] for i in body["items"]] == ["check", "value"]
    assert body["items"][1]["min"] == 6 and body["items"][1]["max"] == 12
    by_operator = api(place.operator, "post", TEMPLATES, json=_checklist(place, "消防巡检"))
    assert by_operator.status_code == 201


def test_listing_checklists_is_scoped(place, api, other_manager, template):
    assert api(None, "get", TEMPLATES).status_code == 401
    for user, count in (
        (place.hvac_near.user, 0),
        (place.dispatcher, 0),
        (other_manager, 0),
        (place.manager, 1),
        (place.operator, 1),
    ):
        listed = api(user, "get", TEMPLATES)
        assert listed.status_code == 200 and listed.json()["count"] == count, user
    detail = f"{TEMPLATES}/{template.id}"
    assert api(other_manager, "get", detail).status_code == 404
    assert api(place.manager, "get", detail).json()["name"] == "配电房周巡检"


def test_updating_a_checklist(place, api, other_manager, template):
    url = f"{TEMPLATES}/{template.id}"
    change = {"name": "配电房周巡检(2026版)"}
    assert api(None, "patch", url, json=change).status_code == 401
    assert api(place.hvac_near.user, "patch", url, json=change).status_code == 404
    assert api(other_manager, "patch", url, json=change).status_code == 404
    updated = api(place.manager, "patch", url, json=change)
    assert updated.status_code == 200 and updated.json()["name"] == change["name"]
    assert len(updated.json()["items"]) == 1
    items = [
        *updated.json()["items"],
        {"label": "配电房温度", "kind": "value", "min": 5, "max": 35},
    ]
    replaced = api(place.operator, "patch", url, json={"items": items})
    assert replaced.status_code == 200 and len(replaced.json()["items"]) == 2


@pytest.mark.parametrize(
    ("items", "field"),
    [
        ([], "items"),
        ([{"label": "出水温度", "kind": "value"}], "items.0.min"),
        ([{"label": "", "kind": "check"}], "items.0.label"),
    ],
)
def test_a_bad_checklist_is_a_422_naming_the_field(place, api, template, items, field):
    created = api(place.manager, "post", TEMPLATES, json={**_checklist(place), "items": items})
    assert created.status_code == 422 and field in created.json()["fields"]
    patched = api(place.manager, "patch", f"{TEMPLATES}/{template.id}", json={"items": items})
    assert patched.status_code == 422 and field in patched.json()["fields"]
    template.refresh_from_db()
    assert len(template.items) == 1
    assert InspectionTemplate.objects.count() == 1


def _schedule(place, checklist, **changes):
    return {
        "template": str(checklist.id),
        "frequency": "daily",
        "technicians": [str(place.hvac_near.id), str(place.cleaner.id)],
        "building": str(place.building.id),
        **changes,
    }


def test_creating_a_schedule_permission_matrix(place, api, other_manager, template):
    payload = _schedule(place, template)
    assert api(None, "post", SCHEDULES, json=payload).status_code == 401
    assert api(place.hvac_near.user, "post", SCHEDULES, json=payload).status_code == 403
    refused = api(other_manager, "post", SCHEDULES, json=payload)
    assert refused.status_code == 422 and "template" in refused.json()["fields"]
    assert not InspectionSchedule.objects.exists()
    made = api(place.manager, "post", SCHEDULES, json=payload)
    assert made.status_code == 201
    body = made.json()
    assert body["zone"] == "A区" and body["building"] == str(place.building.id)
    assert {t["id"] for t in body["technicians"]} == {
        str(place.hvac_near.id),
        str(place.cleaner.id),
    }
    assert body["next_due"] is not None
    assert api(place.operator, "post", SCHEDULES, json=payload).status_code == 201


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"zone": "other_zone"}, "zone"),
        ({"building": "other_building"}, "building"),
        ({"technicians": []}, "technicians"),
        ({"technicians": ["other_tech"]}, "technicians"),
        ({"frequency": "yearly"}, "frequency"),
        ({"template": "00000000-0000-0000-0000-000000000000"}, "template"),
    ],
)
def test_a_bad_schedule_is_a_422_and_nothing_is_written(place, api, template, changes, field):
    resolved = {}
    for name, value in changes.items():
        if name in ("zone", "building"):
            resolved[name] = str(getattr(place, value).id)
        elif name == "technicians":
            resolved[name] = [
                str(place.other_company.technicians.get().id) if v == "other_tech" else v
                for v in value
            ]
        else:
            resolved[name] = value
    refused = api(place.operator, "post", SCHEDULES, json=_schedule(place, template, **resolved))
    assert refused.status_code == 422, refused.json()
    assert field in refused.json()["fields"]
    assert not InspectionSchedule.objects.exists()


def test_listing_and_updating_schedules(place, api, other_manager, template):
    made = api(place.manager, "post", SCHEDULES, json=_schedule(place, template)).json()
    url = f"{SCHEDULES}/{made['id']}"
    for user, count in ((place.hvac_near.user, 0), (other_manager, 0), (place.operator, 1)):
        assert api(user, "get", SCHEDULES).json()["count"] == count
    assert api(other_manager, "patch", url, json={"active": False}).status_code == 404
    assert api(place.hvac_near.user, "patch", url, json={"active": False}).status_code == 404
    whole_zone = api(place.manager, "patch", url, json={"building": None, "frequency": "weekly"})
    assert whole_zone.status_code == 200
    assert whole_zone.json()["building"] is None and whole_zone.json()["frequency"] == "weekly"
    paused = api(place.operator, "patch", url, json={"active": False})
    assert paused.json()["active"] is False and paused.json()["next_due"] is None
    missing = api(place.manager, "patch", url, json={"technicians": None})
    assert missing.status_code == 422 and "technicians" in missing.json()["fields"]


def test_the_rounds_of_a_schedule_are_listed(place, api, template):
    made = api(place.manager, "post", SCHEDULES, json=_schedule(place, template)).json()
    services.rounds_generate()
    rounds = api(place.manager, "get", f"/api/property/inspections/rounds?schedule={made['id']}")
    assert rounds.json()["count"] == 1
    assert rounds.json()["items"][0]["schedule"] == made["id"]
    none = api(place.manager, "get", "/api/property/inspections/rounds?schedule=0")
    assert none.json()["count"] == 0


@pytest.mark.parametrize(
    "path",
    [
        f"/api/property/inspections/rounds?schedule={2**64}",
        f"/api/property/inspections/rounds?schedule=-{2**70}",
        f"/api/property/inspections/schedules/{2**64}",
    ],
)
def test_an_integer_beyond_64_bits_is_a_422_naming_it_not_a_500(place, api, path):
    response = api(place.manager, "get", path)
    assert response.status_code == 422
    assert list(response.json()["fields"]) in (["schedule"], ["schedule_id"])


def test_a_departed_technician_is_named_not_unknown(place, api, template):
    place.hvac_far.active = False
    place.hvac_far.save()
    refused = api(
        place.manager,
        "post",
        SCHEDULES,
        json=_schedule(place, template, technicians=[str(place.hvac_far.id)]),
    )
    assert refused.status_code == 422
    (message,) = refused.json()["fields"]["technicians"]
    assert str(place.hvac_far.user) in message
    assert not InspectionSchedule.objects.exists()
