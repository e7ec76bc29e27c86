"""The technology-transfer journey on the demo data: an enterprise posts a demand and sees
achievements ranked with their reasons; a broker takes the best match up, moves the deal to
contracted and registers the contract; the statistics show it under its field and branch."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from parkos.demo.context import DEMO_PASSWORD
from parkos.demo.loader import demo_load

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def demo_transfer(transactional_db):
    return demo_load(
        steps=["parkos.demo.parks", "parkos.demo.accounts", "parkos.demo.techtransfer"],
        report=lambda line: None,
    )


def _sign_in(page, username):
    page.goto("/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", DEMO_PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_load_state()


def _sign_out(page):
    page.click("[data-testid=logout]")
    page.wait_for_url("**/accounts/login/**")


def test_demand_to_contract_to_statistics(page, demo_transfer):
    page.set_default_timeout(60_000)
    kunshan = demo_transfer.parks["kunshan"]
    _sign_in(page, "tenant")
    page.goto("/techtransfer/demands/new/")
    page.fill("#id_title", "锂电池极片缺陷检测")
    page.fill("#id_problem", "希望用机器视觉检测锂电池极片表面缺陷，预算 80 万")
    page.select_option("#id_field", "advanced_manufacturing")
    page.select_option("#id_trl_required", "6")
    page.fill("#id_budget", "800,000")
    page.fill("#id_deadline", (timezone.localdate() + timedelta(days=60)).isoformat())
    page.check("input[name=modes][value=licence]")
    page.click("[data-testid=submit]")
    page.wait_for_selector("[data-testid=demand-title]")
    demand_url = page.url
    first = page.locator("[data-testid=match]").first
    assert "机器视觉" in first.locator("[data-testid=match-title]").inner_text()
    reasons = first.locator("[data-testid=match-reasons]").inner_text()
    assert "机器视觉" in reasons or "缺陷" in reasons
    assert "✓" in first.locator("[data-testid=match-checks]").inner_text()
    _sign_out(page)

    _sign_in(page, "broker")
    page.goto(demand_url)
    page.locator("[data-testid=action-take_up]").first.click()
    page.wait_for_selector("[data-testid=deal-stage]")
    for action in ("contact", "sign_nda", "negotiate"):
        page.click(f"[data-testid=action-{action}]")
        page.wait_for_load_state()
    assert page.locator("[data-testid=deal-stage]").inner_text() in {"洽谈中", "Negotiating"}
    page.click("[data-testid=register-contract]")
    page.select_option("#id_contract_type", "licence")
    page.fill("#id_amount", "800,000")
    page.fill("#id_technology_amount", "750,000")
    page.select_option("#id_ip_type", "invention")
    page.fill("#id_signed_on", timezone.localdate().isoformat())
    page.select_option("#id_branch_id", str(kunshan.pk))
    page.click("[data-testid=submit]")
    page.wait_for_selector("[data-testid=contract-number]")
    assert kunshan.name in page.locator("[data-testid=contract-branch]").inner_text()

    page.goto("/techtransfer/statistics/")
    page.wait_for_selector("[data-testid=flows-chart][data-rendered]")
    assert kunshan.name in page.locator("[data-testid=by-branch]").inner_text()
    assert re.search(
        "先进制造|Advanced manufacturing", page.locator("[data-testid=by-field]").inner_text()
    )
