"""Rent relief end to end: the tenant applies and sees the computed amount, the reviewers
approve in their inbox, the tenant sees the approved timeline."""

import re

import pytest

from parkos.demo.context import DEMO_PASSWORD
from parkos.demo.loader import demo_load

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def demo_relief(transactional_db):
    return demo_load(
        steps=["parkos.demo.parks", "parkos.demo.accounts", "parkos.demo.relief"],
        report=lambda line: None,
    )


def sign_in(page, username):
    page.goto("/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", DEMO_PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(re.compile(r".*/parks/.*"))


def sign_out(page):
    page.click("[data-testid=logout]")
    page.wait_for_url("**/accounts/login/")


def approve_from_inbox(page, enterprise_name):
    page.goto("/approvals/")
    page.locator("[data-testid=inbox-row]", has_text=enterprise_name).locator("a").first.click()
    page.wait_for_selector("[data-testid=approve]")
    page.fill("#action-text", "同意")
    page.click("[data-testid=approve]")
    page.wait_for_selector(".alert-success")


def test_tenant_applies_reviewers_approve_tenant_sees_the_timeline(page, demo_relief):
    enterprise = demo_relief.extra["tenant_enterprises"]["tenant"]
    programme = demo_relief.extra["relief_programme"]

    sign_in(page, "tenant")
    page.goto(f"/relief/programmes/{programme.id}/")
    page.fill("[data-testid=revenue]", "3200000")
    amount = page.locator("[data-testid=quote-amount]")
    amount.wait_for()
    assert re.fullmatch(r"¥[\d,]+\.\d\d", amount.inner_text())
    shown = amount.inner_text()
    page.click("[data-testid=submit-application]")
    page.wait_for_url(re.compile(r".*/approvals/cases/[0-9a-f-]+/$"))
    case_url = page.url
    assert page.locator("[data-testid=case-status]").inner_text() == "审批中"
    assert shown.replace("¥", "") in page.locator("[data-testid=subject]").inner_text()
    sign_out(page)

    sign_in(page, "reviewer")
    approve_from_inbox(page, enterprise.name)
    assert page.locator("[data-testid=current-step]").inner_text() == "财务复核"
    sign_out(page)

    sign_in(page, "operator")
    approve_from_inbox(page, enterprise.name)
    sign_out(page)

    sign_in(page, "tenant")
    page.goto(case_url)
    assert page.locator("[data-testid=case-status]").inner_text() == "已批准"
    timeline = page.locator("[data-testid=timeline]")
    assert timeline.locator("[data-testid=event-step_approved]").count() == 1
    assert timeline.locator("[data-testid=event-approved]").count() == 1
    assert "同意" in timeline.inner_text()
