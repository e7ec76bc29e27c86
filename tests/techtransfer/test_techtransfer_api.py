"""The JSON door: every list and action, the four callers, bad input naming the field, and
query budgets on lists."""

from datetime import timedelta

import pytest
from django.utils import timezone

from parkos.techtransfer.models import Achievement, Demand
from parkos.techtransfer.patents import with_check
from techtransfer.factories import AchievementFactory, DemandFactory

pytestmark = pytest.mark.django_db
BASE = "/api/techtransfer"


def _achievement_payload(world, **changes):
    payload = {
        "institution": str(world.institution.pk),
        "title": "锂电池极片表面缺陷机器视觉检测系统",
        "description": "工业相机与深度学习结合，在线检测极片划痕、漏箔等表面缺陷。",
        "field": "advanced_manufacturing",
        "trl": 7,
        "modes": ["licence"],
        "price": "600000",
        "patent_type": "invention",
        "patent_number": "ZL" + with_check("202110345678"),
        "ipc": "G06T 7/00",
        "legal_status": "granted",
    }
    payload.update(changes)
    return payload


def _demand_payload(**changes):
    payload = {
        "title": "极片缺陷检测",
        "problem": "希望用机器视觉检测锂电池极片表面缺陷，预算 80 万",
        "field": "advanced_manufacturing",
        "trl_required": 6,
        "budget": "800000",
        "deadline": (timezone.localdate() + timedelta(days=60)).isoformat(),
        "modes": ["licence"],
    }
    payload.update(changes)
    return payload


def test_an_institution_posts_and_the_operator_publishes(world, api):
    response = api(
        world.researcher, "post", f"{BASE}/achievements", json=_achievement_payload(world)
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["status"] == "submitted" and body["patent_number"].endswith(
        with_check("202110345678")[-2:]
    )
    url = f"{BASE}/achievements/{body['id']}"
    assert api(world.tenant, "get", url).status_code == 404
    assert api(world.operator, "get", url).json()["actions"] == ["approve", "reject", "withdraw"]
    assert (
        api(world.researcher, "post", f"{url}/actions", json={"action": "approve"}).status_code
        == 403
    )
    published = api(world.operator, "post", f"{url}/actions", json={"action": "approve"})
    assert published.json()["status"] == "published"
    assert api(world.tenant, "get", url).status_code == 200
    assert (
        api(world.operator, "post", f"{url}/actions", json={"action": "approve"}).json()["code"]
        == "illegal_transition"
    )


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"field": "astrology"}, "field"),
        ({"trl": 0}, "trl"),
        ({"trl": 10}, "trl"),
        (
            {
                "patent_number": "ZL202110345678.X"
                if with_check("202110345678")[-1] != "X"
                else "ZL202110345678.0"
            },
            "patent_number",
        ),
        ({"price": "-1"}, "price"),
        ({"price": "1e15"}, "price"),
        ({"title": "", "description": ""}, "title"),
    ],
)
def test_bad_achievement_input_over_the_api(world, api, changes, field):
    response = api(
        world.researcher,
        "post",
        f"{BASE}/achievements",
        json=_achievement_payload(world, **changes),
    )
    assert response.status_code == 422, response.content
    assert field in response.json()["fields"]
    assert not Achievement.objects.exists()


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"budget": "-1"}, "budget"),
        ({"budget": "1e15"}, "budget"),
        ({"deadline": "2001-01-01"}, "deadline"),
        ({"trl_required": 0}, "trl_required"),
        ({"field": "nope"}, "field"),
        ({"problem": ""}, "problem"),
    ],
)
def test_bad_demand_input_over_the_api(world, api, changes, field):
    response = api(world.tenant, "post", f"{BASE}/demands", json=_demand_payload(**changes))
    assert response.status_code == 422, response.content
    assert field in response.json()["fields"]
    assert not Demand.objects.exists()


def test_bad_input_is_worded_in_the_callers_language(world, api):
    response = api(
        world.tenant,
        "post",
        f"{BASE}/demands",
        json=_demand_payload(budget="-1"),
        HTTP_ACCEPT_LANGUAGE="zh-hans",
    )
    world.tenant.language = "zh-hans"
    world.tenant.save(update_fields=["language"])
    response = api(world.tenant, "post", f"{BASE}/demands", json=_demand_payload(field="nope"))
    assert any("领域" in m or "field" in m for m in response.json()["fields"]["field"])


def test_demand_matches_come_with_reasons_and_checks(world, api):
    AchievementFactory(institution=world.institution)
    AchievementFactory(
        institution=world.other_institution,
        title="污泥干化",
        description="污泥低温干化技术",
        field="resources_environment",
    )
    demand = api(world.tenant, "post", f"{BASE}/demands", json=_demand_payload()).json()
    response = api(world.tenant, "get", f"{BASE}/demands/{demand['id']}/matches")
    assert response.status_code == 200
    best = response.json()[0]
    assert "机器视觉" in best["achievement_title"]
    assert best["reasons"] and best["checks"] and all(c["ok"] for c in best["checks"])
    detail = api(world.tenant, "get", f"{BASE}/matches/{best['id']}").json()
    assert detail["actions"] == ["decline"]
    assert api(world.broker, "get", f"{BASE}/matches/{best['id']}").json()["actions"] == ["take_up"]
    declined = api(
        world.tenant,
        "post",
        f"{BASE}/matches/{best['id']}/decline",
        json={"action": "decline", "reason": "benefit_unclear"},
    )
    assert declined.json()["decline_reason"] == "benefit_unclear"
    seen = api(world.researcher, "get", f"{BASE}/matches/{best['id']}").json()
    assert seen["declined_by"] == "enterprise" and seen["decline_reason_label"]


def test_confidential_demand_is_invisible_to_institutions_over_the_api(world, api):
    AchievementFactory(institution=world.institution)
    demand = api(
        world.tenant, "post", f"{BASE}/demands", json=_demand_payload(confidential=True)
    ).json()
    url = f"{BASE}/demands/{demand['id']}"
    matches = api(world.tenant, "get", f"{url}/matches").json()
    assert matches
    assert api(world.researcher, "get", url).status_code == 404
    assert api(world.researcher, "get", f"{BASE}/matches/{matches[0]['id']}").status_code == 404
    assert demand["id"] not in {
        d["id"] for d in api(world.researcher, "get", f"{BASE}/demands").json()["items"]
    }
    achievement_id = matches[0]["achievement"]
    seen = api(world.researcher, "get", f"{BASE}/achievements/{achievement_id}/matches").json()
    assert demand["id"] not in {m["demand"] for m in seen}
    assert api(world.broker, "get", url).status_code == 200


def test_deal_and_contract_over_the_api(world, api):
    AchievementFactory(institution=world.institution)
    demand = api(world.tenant, "post", f"{BASE}/demands", json=_demand_payload()).json()
    match = api(world.tenant, "get", f"{BASE}/demands/{demand['id']}/matches").json()[0]
    assert api(world.tenant, "post", f"{BASE}/matches/{match['id']}/deal").status_code == 403
    deal = api(world.broker, "post", f"{BASE}/matches/{match['id']}/deal")
    assert deal.status_code == 201
    url = f"{BASE}/deals/{deal.json()['id']}"
    assert deal.json()["actions"] == ["contact", "drop"]
    for action in ("contact", "sign_nda", "negotiate"):
        assert (
            api(world.broker, "post", f"{url}/actions", json={"action": action}).status_code == 200
        )
    assert api(world.other_tenant, "get", url).status_code == 404
    contract = api(
        world.broker,
        "post",
        f"{BASE}/contracts",
        json={
            "deal": deal.json()["id"],
            "contract_type": "licence",
            "amount": "800000",
            "technology_amount": "700000",
            "ip_type": "invention",
            "signed_on": timezone.localdate().isoformat(),
            "branch": str(world.kunshan.pk),
        },
    )
    assert contract.status_code == 201, contract.content
    assert api(world.broker, "get", url).json()["stage"] == "contracted"
    stats = api(world.operator, "get", f"{BASE}/statistics").json()
    assert stats["by_branch"][0]["branch__name"] == "昆山分园"
    assert api(world.tenant, "get", f"{BASE}/statistics").status_code == 403
    export = api(world.operator, "get", f"{BASE}/contracts.xlsx")
    assert export.status_code == 200 and export["Content-Type"].startswith(
        "application/vnd.openxml"
    )


@pytest.mark.parametrize(
    "path", ["achievements", "demands", "deals", "contracts", "calls", "institutions"]
)
def test_lists_four_callers_and_query_budget(world, api, path, django_assert_max_num_queries):
    for _n in range(5):
        AchievementFactory(institution=world.institution)
        DemandFactory(enterprise=world.enterprise)
    assert api(None, "get", f"{BASE}/{path}").status_code == 401
    for user in (world.tenant, world.other_tenant, world.researcher, world.broker):
        api(user, "get", f"{BASE}/{path}")  # tokens made outside the budget
        with django_assert_max_num_queries(8):
            response = api(user, "get", f"{BASE}/{path}")
        assert response.status_code == 200


def test_calls_over_the_api(world, api):
    call = api(
        world.tenant,
        "post",
        f"{BASE}/calls",
        json={
            "title": "揭榜挂帅：极片缺陷检测",
            "challenge": "检出率99%以上",
            "field": "advanced_manufacturing",
            "reward": "500000",
            "deadline": (timezone.localdate() + timedelta(days=20)).isoformat(),
        },
    )
    assert call.status_code == 201
    url = f"{BASE}/calls/{call.json()['id']}"
    proposal = api(world.researcher, "post", f"{url}/proposals", json={"summary": "深度学习方案"})
    assert proposal.status_code == 201
    again = api(world.researcher, "post", f"{url}/proposals", json={"summary": "再来"})
    assert again.status_code == 409
    assert api(world.other_researcher, "get", f"{url}/proposals").json()["count"] == 0
    pick = api(
        world.tenant,
        "post",
        f"{BASE}/proposals/{proposal.json()['id']}/actions",
        json={"action": "pick"},
    )
    assert pick.json()["status"] == "picked"
    assert api(world.tenant, "get", url).json()["status"] == "awarded"
    late = api(world.other_researcher, "post", f"{url}/proposals", json={"summary": "迟到方案"})
    assert late.status_code == 409


def test_vocabulary_lists_fields_and_trl_wording(world, api):
    body = api(world.tenant, "get", f"{BASE}/vocabulary").json()
    assert len(body["trl"]) == 9 and "advanced_manufacturing" in body["fields"]
