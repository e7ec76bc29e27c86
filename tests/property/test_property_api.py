"""The app's door: tickets, dispatch, inspections, surveys and scores over the JSON API,
with the permission matrix (anonymous 401, other tenant 404, wrong role 403, right role 2xx)."""

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from parkos.property import services
from parkos.property.models import Ticket

pytestmark = pytest.mark.django_db
TICKETS = "/api/property/tickets"


def _ticket(place, **kwargs):
    values = {
        "actor": place.tenant,
        "unit": place.unit,
        "description": "空调漏水",
        "category": "hvac",
    }
    values.update(kwargs)
    return services.ticket_create(**values)


def test_tenant_raises_a_ticket_through_the_app(place, api, trained):
    response = api(
        place.tenant,
        "post",
        TICKETS,
        json={"unit": str(place.unit.id), "description": "会议室空调不制冷，温度一直30度"},
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["category"] == "hvac" and body["status"] == "dispatched"
    assert body["assignee"] and body["assignment_reasons"]
    assert body["source"] == "app"


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"description": ""}, "description"),
        ({"description": "坏" * 100_000}, "description"),
        ({"description": "漏水", "priority": "someday"}, "priority"),
        ({"description": "漏水", "unit": None}, "unit"),
        ({"description": "漏水", "unit": "6d1f0c1e-0000-4000-8000-000000000000"}, "unit"),
    ],
)
def test_bad_ticket_input_names_the_field(place, api, payload, field):
    response = api(place.tenant, "post", TICKETS, json={"unit": str(place.unit.id), **payload})
    assert response.status_code == 422
    assert field in response.json()["fields"]
    assert not Ticket.objects.exists()


def test_ticket_on_another_enterprises_unit_is_refused(place, api):
    response = api(
        place.tenant,
        "post",
        TICKETS,
        json={"unit": str(place.other_unit.id), "description": "漏水"},
    )
    assert response.status_code == 422
    assert "unit" in response.json()["fields"]
    assert not Ticket.objects.exists()


def test_ticket_detail_permission_matrix(place, api):
    ticket = _ticket(place)
    url = f"{TICKETS}/{ticket.id}"
    assert api(None, "get", url).status_code == 401
    assert api(place.other_tenant, "get", url).status_code == 404
    assert api(place.other_dispatcher, "get", url).status_code == 404
    assert api(place.hvac_far.user, "get", url).status_code == 404
    for user in (
        place.tenant,
        place.dispatcher,
        place.manager,
        place.operator,
        ticket.assignee.user,
    ):
        assert api(user, "get", url).status_code == 200


def test_dispatch_permission_matrix(place, api):
    ticket = _ticket(place)
    url = f"{TICKETS}/{ticket.id}/dispatch"
    payload = {"technician": str(place.hvac_far.id)}
    assert api(None, "post", url, json=payload).status_code == 401
    assert api(place.other_dispatcher, "post", url, json=payload).status_code == 404
    assert api(place.tenant, "post", url, json=payload).status_code == 403
    response = api(place.dispatcher, "post", url, json=payload)
    assert response.status_code == 200
    assert response.json()["assignee"] == str(place.hvac_far.user)


def test_technician_steps_and_tenant_rating_over_the_api(place, api, png_bytes):
    ticket = _ticket(place)
    tech = ticket.assignee.user
    base = f"{TICKETS}/{ticket.id}"
    assert api(place.hvac_far.user, "post", f"{base}/accept").status_code == 404
    assert api(place.tenant, "post", f"{base}/accept").status_code == 403
    assert api(tech, "post", f"{base}/accept").json()["status"] == "accepted"
    assert api(tech, "post", f"{base}/arrive").json()["status"] == "on_site"
    photo = SimpleUploadedFile("after.png", png_bytes, content_type="image/png")
    assert api(tech, "post", f"{base}/photos", data={"photos": [photo]}).status_code == 201
    assert (
        api(tech, "post", f"{base}/resolve", json={"note": "已修复"}).json()["status"] == "resolved"
    )
    assert api(place.tenant, "post", f"{base}/confirm", json={"rating": 5}).status_code == 200
    again = api(place.tenant, "post", f"{base}/confirm", json={"rating": 1})
    assert again.status_code == 409
    assert Ticket.objects.get(pk=ticket.pk).rating == 5
    events = api(place.tenant, "get", f"{base}/events").json()
    assert [e["kind"] for e in events][-4:] == ["arrive", "photo", "resolve", "confirm"]


def test_photo_that_is_not_an_image_is_refused(place, api):
    ticket = _ticket(place)
    fake = SimpleUploadedFile("virus.jpg", b"MZ\x90\x00 not a picture", content_type="image/jpeg")
    response = api(place.tenant, "post", f"{TICKETS}/{ticket.id}/photos", data={"photos": [fake]})
    assert response.status_code == 422
    assert "photos" in response.json()["fields"]
    assert not ticket.photos.exists()


def test_ticket_list_is_scoped_and_within_a_query_budget(place, api, django_assert_max_num_queries):
    for _ in range(5):
        _ticket(place)
    services.ticket_create(
        actor=place.other_tenant, unit=place.other_unit, description="马桶堵塞", category="cleaning"
    )
    with django_assert_max_num_queries(12):
        mine = api(place.tenant, "get", TICKETS)
    assert mine.json()["count"] == 5
    assert api(place.dispatcher, "get", TICKETS).json()["count"] == 6
    assert api(place.other_dispatcher, "get", TICKETS).json()["count"] == 0
    assert api(None, "get", TICKETS).status_code == 401


def test_dispatch_queue_shows_tickets_waiting(place, api):
    waiting = _ticket(place, category="")
    queue = api(place.dispatcher, "get", "/api/property/dispatch/queue").json()
    assert [t["id"] for t in queue["items"]] == [str(waiting.id)]
    assert api(place.tenant, "get", "/api/property/dispatch/queue").json()["count"] == 0


def test_scores_permission_matrix(place, api):
    month = (timezone.localdate().replace(day=1) - timedelta(days=1)).replace(day=1)
    payload = {"park": str(place.park.id), "month": month.isoformat()}
    assert api(None, "post", "/api/property/scores/compute", json=payload).status_code == 401
    assert (
        api(place.dispatcher, "post", "/api/property/scores/compute", json=payload).status_code
        == 403
    )
    assert (
        api(place.tenant, "post", "/api/property/scores/compute", json=payload).status_code == 403
    )
    computed = api(place.operator, "post", "/api/property/scores/compute", json=payload)
    assert computed.status_code == 200 and len(computed.json()) == 2
    own = api(place.manager, "get", "/api/property/scores").json()
    assert {s["company"] for s in own["items"]} == {place.company.name}
    every = api(place.operator, "get", "/api/property/scores").json()
    assert every["count"] == 2
    assert api(place.tenant, "get", "/api/property/scores").json()["count"] == 0
    assert api(place.operator, "get", "/api/property/scores?month=13-2020").status_code == 422


def test_weights_must_add_up_to_100(place, api):
    url = "/api/property/scores/weights"
    bad = {
        "park": str(place.park.id),
        "safety": 50,
        "service": 50,
        "satisfaction": 50,
        "inspection": 0,
    }
    assert api(place.operator, "put", url, json=bad).status_code == 422
    good = {**bad, "satisfaction": 0}
    assert api(place.dispatcher, "put", url, json=good).status_code == 403
    assert api(place.operator, "put", url, json=good).json()["safety"] == 50.0


def test_inspection_round_endpoints_permission_matrix(place, api):
    from parkos.property.models import InspectionRound, InspectionSchedule, InspectionTemplate

    template = InspectionTemplate.objects.create(
        company=place.company,
        name="配电房巡检",
        items=[{"key": "panel", "label": "配电柜正常", "kind": "check", "category": "electrical"}],
    )
    InspectionSchedule.objects.create(template=template, frequency="daily").technicians.set(
        [place.hvac_near]
    )
    services.rounds_generate()
    rnd = InspectionRound.objects.get()
    url = f"/api/property/inspections/rounds/{rnd.id}"
    answers = {"answers": {"panel": {"passed": False, "note": "指示灯不亮"}}}
    assert api(None, "get", "/api/property/inspections/rounds").status_code == 401
    assert (
        api(place.other_dispatcher, "get", "/api/property/inspections/rounds").json()["count"] == 0
    )
    assert api(place.hvac_near.user, "get", "/api/property/inspections/rounds").json()["count"] == 1
    assert api(place.other_tech.user, "post", url, json=answers).status_code == 404
    assert api(place.dispatcher, "post", url, json=answers).status_code == 403
    done = api(place.hvac_near.user, "post", url, json=answers)
    assert done.status_code == 200 and done.json()["status"] == "done"
    assert Ticket.objects.filter(source="inspection", category="electrical").count() == 1


def test_survey_endpoints_permission_matrix(place, api):
    today = timezone.localdate()
    payload = {
        "park": str(place.park.id),
        "title": "满意度调查",
        "opens_on": today.isoformat(),
        "closes_on": (today + timedelta(days=7)).isoformat(),
        "zones": [str(place.zone.id)],
        "questions": [{"label": "总体满意度", "kind": "rating"}],
    }
    assert api(None, "post", "/api/property/surveys", json=payload).status_code == 401
    assert api(place.dispatcher, "post", "/api/property/surveys", json=payload).status_code == 403
    created = api(place.operator, "post", "/api/property/surveys", json=payload)
    assert created.status_code == 201
    answer_url = f"/api/property/surveys/{created.json()['id']}/answers"
    answer = {"enterprise": str(place.enterprise.id), "answers": {"q1": 4}}
    assert api(place.other_tenant, "post", answer_url, json=answer).status_code == 403
    assert api(place.tenant, "post", answer_url, json=answer).status_code == 201
    assert api(place.tenant, "post", answer_url, json=answer).status_code == 409
    results = api(
        place.operator, "get", f"/api/property/surveys/{created.json()['id']}/results"
    ).json()
    assert results["count"] == 1 and results["by_company"][0]["average"] == 4.0


def test_an_unknown_status_filter_is_a_field_error_not_an_empty_list(client, place):
    client.force_login(place.dispatcher)
    response = client.get("/api/property/tickets", {"status": "zzz"})
    assert response.status_code == 422
    assert "status" in response.json()["fields"]
    assert client.get("/api/property/tickets", {"status": "new"}).status_code == 200


def test_ticket_detail_lists_the_actions_each_caller_may_take_now(place, api):
    ticket = _ticket(place)
    url = f"{TICKETS}/{ticket.id}"
    tech = ticket.assignee.user
    assert api(place.tenant, "get", url).json()["actions"] == ["cancel"]
    assert api(place.dispatcher, "get", url).json()["actions"] == ["dispatch", "cancel"]
    assert api(tech, "get", url).json()["actions"] == ["accept"]
    assert api(place.operator, "get", url).json()["actions"] == []
    accepted = api(tech, "post", f"{url}/accept").json()
    assert accepted["status"] == "accepted" and accepted["actions"] == ["arrive"]


def test_a_step_the_state_does_not_allow_is_an_illegal_transition(place, api):
    ticket = _ticket(place)
    tech = ticket.assignee.user
    response = api(tech, "post", f"{TICKETS}/{ticket.id}/arrive")
    assert response.status_code == 409
    body = response.json()
    assert body["code"] == "illegal_transition" and "action" in body["fields"]
    assert Ticket.objects.get(pk=ticket.pk).status == "dispatched"


@pytest.fixture
def busy(place):
    """Several rows behind every list: tickets (some waiting), checklists with schedules and
    their rounds, surveys to zones, and a month of scores."""
    from property.factories import InspectionScheduleFactory, SurveyFactory, TicketFactory

    for index in range(6):
        TicketFactory(company=place.company, awaiting_dispatcher=index % 2 == 0)
    ticket = _ticket(place)
    for index in range(3):
        schedule = InspectionScheduleFactory(
            template__company=place.company, technicians=[place.hvac_near, place.cleaner]
        )
        services.rounds_generate(day=timezone.localdate() - timedelta(days=index))
        assert schedule.rounds.exists()
    for _ in range(3):
        SurveyFactory(park=place.park).zones.set([place.zone, place.other_zone])
    month = (timezone.localdate().replace(day=1) - timedelta(days=1)).replace(day=1)
    services.month_compute(actor=place.operator, park=place.park, month=month)
    return ticket


@pytest.mark.parametrize(
    "path",
    [
        TICKETS,
        "/api/property/dispatch/queue",
        TICKETS + "/{ticket}/events",
        "/api/property/inspections/rounds",
        "/api/property/inspections/templates",
        "/api/property/inspections/schedules",
        "/api/property/surveys",
        "/api/property/scores",
    ],
)
def test_every_list_endpoint_is_within_a_query_budget(
    place, api, busy, path, django_assert_max_num_queries
):
    url = path.format(ticket=busy.id)
    assert api(place.manager, "get", url).status_code == 200  # the token, once
    with django_assert_max_num_queries(10):
        response = api(place.manager, "get", url)
    assert response.status_code == 200
    body = response.json()
    assert (body["count"] if isinstance(body, dict) else len(body)) >= 1
