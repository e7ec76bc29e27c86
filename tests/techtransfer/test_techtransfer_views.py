"""Pages: every list and detail for the roles that use them, forms that keep input and name
the field, confidential demands hidden from institutions, query budgets on list pages."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from parkos.techtransfer import services
from parkos.techtransfer.models import Contract, Demand
from techtransfer.factories import AchievementFactory, DemandFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def as_user(client):
    def login(user):
        client.force_login(user)
        return client

    return login


def test_a_tenant_posts_a_demand_and_sees_ranked_achievements_with_reasons(world, as_user):
    AchievementFactory(institution=world.institution)
    client = as_user(world.tenant)
    response = client.post(
        reverse("techtransfer:demand_new"),
        {
            "title": "极片缺陷检测",
            "problem": "希望用机器视觉检测锂电池极片表面缺陷，预算 80 万",
            "field": "advanced_manufacturing",
            "trl_required": "6",
            "budget": "800,000",
            "deadline": (timezone.localdate() + timedelta(days=30)).isoformat(),
            "modes": ["licence"],
        },
        HTTP_ACCEPT_LANGUAGE="zh-hans",
        follow=True,
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "机器视觉锂电池极片表面缺陷检测系统" in html
    assert 'data-testid="match-reasons"' in html and "✓" in html


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"budget": "-1"}, "budget"),
        ({"budget": "1e15"}, "budget"),
        ({"deadline": "2001-01-01"}, "deadline"),
        ({"problem": "  "}, "problem"),
    ],
)
def test_bad_demand_form_keeps_input_and_names_the_field(world, as_user, changes, field):
    client = as_user(world.tenant)
    data = {
        "title": "极片缺陷检测",
        "problem": "希望用机器视觉检测",
        "field": "advanced_manufacturing",
        "trl_required": "6",
        "budget": "800000",
        "deadline": (timezone.localdate() + timedelta(days=30)).isoformat(),
        "modes": ["licence"],
        **changes,
    }
    response = client.post(reverse("techtransfer:demand_new"), data)
    assert response.status_code == 200
    html = response.content.decode()
    assert f'data-testid="error-{field}"' in html
    assert "极片缺陷检测" in html
    assert not Demand.objects.exists()


def test_confidential_demand_page_is_not_found_for_an_institution(world, as_user):
    demand = DemandFactory(enterprise=world.enterprise, confidential=True)
    assert as_user(world.researcher).get(demand.get_absolute_url()).status_code == 404
    assert as_user(world.broker).get(demand.get_absolute_url()).status_code == 200


@pytest.mark.parametrize(
    "name",
    [
        "home",
        "achievement_list",
        "demand_list",
        "call_list",
        "contract_list",
        "deal_board",
        "statistics",
    ],
)
def test_list_pages_within_a_query_budget(world, as_user, name, django_assert_max_num_queries):
    for _n in range(5):
        AchievementFactory(institution=world.institution)
        DemandFactory(enterprise=world.enterprise)
    client = as_user(world.broker)
    client.get(reverse(f"techtransfer:{name}"))
    with django_assert_max_num_queries(15):
        response = client.get(reverse(f"techtransfer:{name}"))
    assert response.status_code == 200


def test_broker_pages_are_refused_to_tenants(world, as_user):
    client = as_user(world.tenant)
    assert client.get(reverse("techtransfer:deal_board")).status_code == 403
    assert client.get(reverse("techtransfer:statistics")).status_code == 403
    assert client.get(reverse("techtransfer:contract_export")).status_code == 403


def test_the_broker_moves_the_deal_and_registers_the_contract_on_pages(world, as_user):
    AchievementFactory(institution=world.institution)
    demand = DemandFactory(enterprise=world.enterprise)
    match = services.demand_match(actor=world.tenant, demand=demand)[0]
    client = as_user(world.broker)
    response = client.post(
        reverse("techtransfer:match_action", args=[match.pk]), {"action": "take_up"}
    )
    deal_url = response["Location"]
    for action in ("contact", "sign_nda", "negotiate"):
        client.post(deal_url + "action/", {"action": action})
    page = client.get(deal_url).content.decode()
    assert 'data-testid="register-contract"' in page
    form = {
        "contract_type": "licence",
        "amount": "800,000",
        "technology_amount": "900,000",
        "ip_type": "invention",
        "signed_on": timezone.localdate().isoformat(),
        "branch_id": str(world.kunshan.pk),
    }
    refused = client.post(deal_url + "contract/", form)
    assert 'data-testid="error-technology_amount"' in refused.content.decode()
    assert not Contract.objects.exists()
    form["technology_amount"] = "700,000"
    done = client.post(deal_url + "contract/", form, follow=True)
    assert "昆山分园" in done.content.decode()
    stats = client.get(reverse("techtransfer:statistics")).content.decode()
    assert "昆山分园" in stats and 'data-testid="flows-chart"' in stats
    export = client.get(reverse("techtransfer:contract_export"))
    assert export.status_code == 200


def test_export_neutralises_formulas(world):
    from io import BytesIO

    from openpyxl import load_workbook

    from parkos.techtransfer.exports import contracts_xlsx

    AchievementFactory(institution=world.institution, title='=HYPERLINK("http://x")')
    demand = DemandFactory(enterprise=world.enterprise, title="=1+1")
    match = services.demand_match(actor=world.tenant, demand=demand)[0]
    deal = services.deal_open(actor=world.broker, match=match)
    for action in ("contact", "negotiate"):
        deal = services.deal_move(actor=world.broker, deal=deal, action=action)
    contract = services.contract_register(
        actor=world.broker,
        deal=deal,
        contract_type="licence",
        amount="100",
        technology_amount="100",
        ip_type="invention",
        signed_on=timezone.localdate(),
        branch_id=world.kunshan.pk,
    )
    sheet = load_workbook(BytesIO(contracts_xlsx([contract]))).active
    assert sheet.cell(row=2, column=2).value == "'=1+1"
