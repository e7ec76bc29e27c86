"""The talent app's door over the JSON API: the four callers (anonymous, another tenant, a wrong
role, the right role) on its endpoints, bad input naming the field, and query budgets on lists."""

from datetime import timedelta

import pytest
from django.utils import timezone

from factories import Role, member
from parkos.talent import services
from parkos.talent.models import Application
from talent.factories import (
    ApplicationFactory,
    BoothFactory,
    CandidateFactory,
    FairFactory,
    PositionFactory,
    id_number,
)

pytestmark = pytest.mark.django_db
BASE = "/api/talent"


def _future(days=20):
    return (timezone.localdate() + timedelta(days=days)).isoformat()


def test_public_lists_need_no_sign_in(api, position, django_assert_max_num_queries):
    PositionFactory.create_batch(5, enterprise=position.enterprise)
    with django_assert_max_num_queries(4):
        response = api(None, "get", f"{BASE}/positions")
    assert response.status_code == 200
    assert response.json()["count"] == 6
    assert api(None, "get", f"{BASE}/positions/{position.id}").json()["actions"] == []
    assert api(None, "get", f"{BASE}/universities").status_code == 200
    assert api(None, "get", f"{BASE}/fairs").status_code == 200


def test_position_create_four_callers(api, hr, hr_member, other_hr, enterprise):
    body = {
        "enterprise": str(enterprise.id),
        "title": "前端工程师",
        "field": "software",
        "level": "junior",
        "city": "杭州",
        "salary_min": "10000",
        "salary_max": "18000",
        "closes_on": _future(),
        "skills": ["Vue", "TypeScript"],
    }
    assert api(None, "post", f"{BASE}/positions", json=body).status_code == 401
    assert api(other_hr, "post", f"{BASE}/positions", json=body).status_code == 403
    assert api(hr_member, "post", f"{BASE}/positions", json=body).status_code == 403
    response = api(hr, "post", f"{BASE}/positions", json=body)
    assert response.status_code == 201, response.content
    created = response.json()
    assert created["status"] == "draft" and "publish" in created["actions"]
    published = api(hr, "post", f"{BASE}/positions/{created['id']}/actions/publish", json={})
    assert published.json()["status"] == "published"
    again = api(hr, "post", f"{BASE}/positions/{created['id']}/actions/publish", json={})
    assert again.status_code == 409 and again.json()["code"] == "illegal_transition"


@pytest.mark.parametrize(
    ("changes", "field", "code"),
    [
        ({"salary_min": "30000"}, "salary_max", "salary_range"),
        ({"closes_on": "2020-01-01"}, "closes_on", "closing_date_past"),
        ({"salary_min": "1e30"}, "salary_min", "validation_error"),
        ({"title": ""}, "title", "validation_error"),
    ],
)
def test_bad_position_input_names_the_field(api, hr, enterprise, changes, field, code):
    body = {
        "enterprise": str(enterprise.id),
        "title": "测试",
        "field": "data",
        "level": "junior",
        "city": "杭州",
        "salary_min": "10000",
        "salary_max": "20000",
        "closes_on": _future(),
    } | changes
    response = api(hr, "post", f"{BASE}/positions", json=body)
    assert response.status_code == 422
    assert field in response.json()["fields"]
    assert response.json()["code"] == code


def test_candidate_applies_to_three_and_hr_works_the_board(
    api, candidate, hr, enterprise, other_hr
):
    positions = PositionFactory.create_batch(3, enterprise=enterprise)
    body = {"position_ids": [str(p.id) for p in positions], "consent": True}
    assert api(None, "post", f"{BASE}/applications", json=body).status_code == 401
    response = api(candidate.user, "post", f"{BASE}/applications", json=body)
    assert response.status_code == 201, response.content
    assert len(response.json()) == 3
    twice = api(candidate.user, "post", f"{BASE}/applications", json=body)
    assert twice.status_code == 409 and twice.json()["code"] == "already_applied"
    assert Application.objects.count() == 3
    application_id = response.json()[0]["id"]
    assert api(other_hr, "get", f"{BASE}/applications/{application_id}").status_code == 404
    screened = api(hr, "post", f"{BASE}/applications/{application_id}/actions/screen", json={})
    assert screened.status_code == 200 and "interview" in screened.json()["actions"]
    soon = timezone.now() + timedelta(days=1)
    interview = api(
        hr,
        "post",
        f"{BASE}/applications/{application_id}/interviews",
        json={"starts_at": soon.isoformat(), "ends_at": (soon + timedelta(hours=1)).isoformat()},
    )
    assert interview.status_code == 201, interview.content
    overlap = api(
        hr,
        "post",
        f"{BASE}/applications/{response.json()[1]['id']}/actions/screen",
        json={},
    )
    assert overlap.status_code == 200
    clash = api(
        hr,
        "post",
        f"{BASE}/applications/{response.json()[1]['id']}/interviews",
        json={"starts_at": soon.isoformat(), "ends_at": (soon + timedelta(hours=1)).isoformat()},
    )
    assert clash.status_code == 409 and clash.json()["code"] == "slot_overlap"
    card = api(
        hr,
        "post",
        f"{BASE}/interviews/{interview.json()['id']}/scorecard",
        json={
            "scores": {"skills": 5, "experience": 4, "communication": 9, "motivation": 4},
            "recommendation": "advance",
        },
    )
    assert card.status_code == 422 and "scores.communication" in card.json()["fields"]
    intent = api(hr, "post", f"{BASE}/applications/{application_id}/actions/intent", json={})
    assert intent.json()["status"] == "intent"
    board = api(hr, "get", f"{BASE}/positions/{positions[0].id}/board").json()
    assert [a["id"] for a in board["intent"]] == [application_id]
    assert (
        api(candidate.user, "get", f"{BASE}/positions/{positions[0].id}/board").status_code == 403
    )


def test_application_lists_are_scoped_and_budgeted(
    api, candidate, hr, other_hr, enterprise, django_assert_max_num_queries
):
    for position in PositionFactory.create_batch(6, enterprise=enterprise):
        ApplicationFactory(position=position)
    with django_assert_max_num_queries(8):
        mine = api(hr, "get", f"{BASE}/applications")
    assert mine.json()["count"] == 6
    assert api(other_hr, "get", f"{BASE}/applications").json()["count"] == 0
    assert api(candidate.user, "get", f"{BASE}/applications?mine=true").json()["count"] == 0
    assert api(None, "get", f"{BASE}/applications").status_code == 401


def test_recommendations_have_reasons_in_words(api, hr, enterprise, other_hr):
    position = PositionFactory(enterprise=enterprise, city="杭州", skills=["Python", "数据分析"])
    CandidateFactory(city="杭州", expected_cities=["杭州"], skills=["python", "数据分析"])
    response = api(
        hr, "get", f"{BASE}/positions/{position.id}/recommendations", HTTP_ACCEPT_LANGUAGE="zh-hans"
    )
    assert response.status_code == 200
    top = response.json()[0]
    assert "*" in top["title"]
    assert any("Python" in r and "数据分析" in r for r in top["reasons"])
    assert any("同城" in r for r in top["reasons"])
    assert (
        api(other_hr, "get", f"{BASE}/positions/{position.id}/recommendations").status_code == 403
    )


def test_profile_resume_export_and_delete(api, candidate, client):
    from django.core.files.uploadedfile import SimpleUploadedFile

    patched = api(
        candidate.user,
        "patch",
        f"{BASE}/me",
        json={"id_number": id_number(2), "skills": "Go、Rust"},
    )
    assert patched.status_code == 200
    assert patched.json()["id_number"].count("*") == 11
    wrong = api(candidate.user, "patch", f"{BASE}/me", json={"id_number": "110105194912310021"})
    assert wrong.status_code == 422 and wrong.json()["code"] == "id_number"
    from parkos.accounts.services import token_create

    token = token_create(user=candidate.user)[1]
    upload = client.post(
        f"{BASE}/me/resume",
        {"resume": SimpleUploadedFile("cv.txt", b"plain text", content_type="text/plain")},
        HTTP_AUTHORIZATION=f"Bearer {token}",
    )
    assert upload.status_code == 422 and upload.json()["fields"]["resume"]
    exported = api(candidate.user, "get", f"{BASE}/me/export").json()
    assert exported["profile"]["skills"] == ["Go", "Rust"]
    assert api(candidate.user, "delete", f"{BASE}/me").status_code == 204
    assert api(candidate.user, "get", f"{BASE}/me").status_code == 403


def test_fair_booth_and_live_board(api, operator, hr, other_hr, enterprise, park, candidate):
    fair = FairFactory(park=park)
    requested = api(
        hr, "post", f"{BASE}/fairs/{fair.id}/booths", json={"enterprise": str(enterprise.id)}
    )
    assert requested.status_code == 201
    booth_id = requested.json()["id"]
    assert (
        api(other_hr, "post", f"{BASE}/booths/{booth_id}/actions/approve", json={}).status_code
        == 404
    )
    assert api(hr, "post", f"{BASE}/booths/{booth_id}/actions/approve", json={}).status_code == 403
    approved = api(operator, "post", f"{BASE}/booths/{booth_id}/actions/approve", json={})
    assert approved.json()["status"] == "approved"
    position = PositionFactory(enterprise=enterprise, booth_id=booth_id)
    api(
        candidate.user,
        "post",
        f"{BASE}/applications",
        json={"position_ids": [str(position.id)], "consent": True},
    )
    live = api(None, "get", f"{BASE}/fairs/{fair.id}/live").json()
    assert live["applications"] == 1
    assert live["per_enterprise"][0]["name"] == enterprise.name


def test_onething_housing_through_the_api(api, candidate, park, reviewer):
    body = {
        "park": str(park.id),
        "name": "陈静",
        "phone": "13900001111",
        "id_number": id_number(21),
        "arrived_on": (timezone.localdate() - timedelta(days=30)).isoformat(),
        "kinds": ["housing", "residence"],
        "documents": ["id_card"],
        "housing": {
            "price": "3000000",
            "first_home": True,
            "in_district": True,
            "home_address": "滨江区",
        },
    }
    assert api(None, "post", f"{BASE}/onething", json=body).status_code == 401
    response = api(candidate.user, "post", f"{BASE}/onething", json=body)
    assert response.status_code == 201, response.content
    housing = next(s for s in response.json()["subcases"] if s["kind"] == "housing")
    assert housing["subsidy"]["amount"] == "600000.00"
    assert response.json()["id_number"].count("*") == 11
    other = member(Role.ENTERPRISE_ADMIN)
    assert api(other, "get", f"{BASE}/onething/{response.json()['id']}").status_code == 404
    assert api(reviewer, "get", f"{BASE}/onething/{response.json()['id']}").status_code == 200
    assert api(candidate.user, "get", f"{BASE}/ledger").status_code == 403
    bad = api(
        candidate.user,
        "post",
        f"{BASE}/onething",
        json=body | {"id_number": id_number(22), "housing": body["housing"] | {"price": "-1"}},
    )
    assert bad.status_code == 422 and "price" in bad.json()["fields"]


def test_ledger_check_is_public(api, candidate, park, reviewer):
    from parkos.approvals import selectors as approvals
    from parkos.approvals.services import case_approve

    application = services.onething_apply(
        actor=candidate.user,
        park=park,
        name="陈静",
        phone="13900001111",
        id_number=id_number(31),
        arrived_on=timezone.localdate(),
        kinds=["housing"],
        housing={"price": "2000000", "first_home": True, "in_district": True, "home_address": "x"},
    )
    subcase = application.subcases.get()
    case = approvals.case_for_subject(
        actor=reviewer, subject_type="talent.subcase", subject_id=str(subcase.id)
    )
    case_approve(actor=reviewer, case=case)
    record = api(reviewer, "get", f"{BASE}/ledger").json()["items"][0]
    assert record["amount"] == "600000.00"
    good = api(None, "get", f"{BASE}/ledger/check?seq={record['seq']}&hash={record['hash']}")
    assert good.json() == {"seq": record["seq"], "valid": True}
    bad = api(None, "get", f"{BASE}/ledger/check?seq={record['seq']}&hash={'0' * 64}")
    assert bad.json()["valid"] is False
    today = timezone.localdate()
    month = api(
        reviewer, "get", f"{BASE}/ledger/month?year={today.year}&month={today.month}"
    ).json()
    assert month["head"] == record["hash"] and month["grants"] == 1


def test_booth_positions_only_from_approved_booths(api, hr, enterprise, park):
    booth = BoothFactory(fair=FairFactory(park=park), enterprise=enterprise, status="requested")
    body = {
        "enterprise": str(enterprise.id),
        "booth": str(booth.id),
        "title": "算法工程师",
        "field": "data",
        "level": "senior",
        "city": "杭州",
        "salary_min": "30000",
        "salary_max": "50000",
        "closes_on": _future(),
    }
    response = api(hr, "post", f"{BASE}/positions", json=body)
    assert response.status_code == 422 and response.json()["code"] == "booth_not_approved"
