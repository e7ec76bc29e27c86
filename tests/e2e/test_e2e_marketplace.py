"""The supermarket journey on the demo data: an enterprise finds a video meeting service it
can pay with its innovation voucher, asks for a quote, the provider quotes, the enterprise
orders with the voucher and sees the split and its new balance, then rates the delivery."""

import re

import pytest

from parkos.demo.context import DEMO_PASSWORD
from parkos.demo.loader import demo_load

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def demo_market(transactional_db):
    from parkos.marketplace.categories import categories_seed
    from parkos.marketplace.models import Category

    categories_seed(Category)
    return demo_load(
        steps=[
            "parkos.demo.parks",
            "parkos.demo.accounts",
            "parkos.demo.approvals",
            "parkos.demo.marketplace",
        ],
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


def test_tenant_orders_a_video_meeting_service_with_the_voucher(page, demo_market):
    product = demo_market.extra["marketplace_video_product"]
    _sign_in(page, "tenant")
    page.goto("/marketplace/")
    page.fill("[data-testid=search-input]", "视频会议")
    page.check("[data-testid=voucher-filter]")
    page.click("[data-testid=search-button]")
    page.wait_for_url(re.compile(r".*voucher=1.*"))
    results = page.locator("[data-testid=product-result]")
    results.first.wait_for()
    assert all("视频" in text or "会议" in text for text in results.all_inner_texts())
    page.locator("[data-testid=product-result]", has_text=product.name).first.click()
    page.wait_for_selector("[data-testid=product-name]")
    assert page.locator("[data-testid=product-name]").inner_text() == product.name
    page.fill("[data-testid=enquiry-message]", "我们团队60人，需要年度视频会议服务，请报价。")
    page.click("[data-testid=enquiry-submit]")
    page.wait_for_selector("[data-testid=order-status]")
    order_url = page.url
    _sign_out(page)

    _sign_in(page, "provider")
    page.goto(order_url)
    page.fill("[data-testid=quote-amount]", "2000")
    page.click("[data-testid=quote-submit]")
    page.wait_for_selector("[data-testid=quoted-amount]")
    assert "2,000.00" in page.locator("[data-testid=quoted-amount]").inner_text()
    _sign_out(page)

    _sign_in(page, "tenant")
    page.goto(order_url)
    split = page.locator("[data-testid=voucher-split]")
    assert "¥1,000.00" in page.locator("[data-testid=split-voucher]").inner_text()
    assert "¥1,000.00" in page.locator("[data-testid=split-enterprise]").inner_text()
    before = page.locator("[data-testid=voucher-balance]").inner_text()
    after = page.locator("[data-testid=split-balance-after]").inner_text()
    assert split.is_visible() and before == "¥20,000.00" and after == "¥19,000.00"
    page.click("[data-testid=place-order]")
    page.wait_for_selector("[data-testid=order-voucher]")
    assert page.locator("[data-testid=order-voucher]").inner_text() == "¥1,000.00"
    assert page.locator("[data-testid=order-enterprise-pays]").inner_text() == "¥1,000.00"
    assert page.locator("[data-testid=voucher-balance]").inner_text() == "¥19,000.00"
    _sign_out(page)

    _sign_in(page, "provider")
    page.goto(order_url)
    page.click("[data-testid=deliver]")
    page.wait_for_selector("[data-testid=order-status]:has-text('已交付')")
    _sign_out(page)

    _sign_in(page, "tenant")
    page.goto(order_url)
    page.click("[data-testid=accept]")
    page.wait_for_selector("[data-testid=review-submit]")
    page.check("[data-testid=stars-5]")
    page.fill("[data-testid=review-text]", "画质清晰，开通很快。")
    page.click("[data-testid=review-submit]")
    page.wait_for_selector("[data-testid=review]")
    assert "画质清晰" in page.locator("[data-testid=review]").inner_text()
    history = page.locator("[data-testid=order-events]").inner_text()
    assert "报价 → 已报价 · ¥2,000.00" in history and "2000.00" not in history


def test_ticking_voucher_only_sends_one_search_and_logs_no_htmx_error(page, demo_market):
    problems = []
    page.on("console", lambda message: problems.append(message.text))
    _sign_in(page, "tenant")
    page.goto("/marketplace/")
    page.wait_for_load_state("networkidle")
    searches = []
    page.on(
        "request",
        lambda request: (
            searches.append(request.url)
            if "/marketplace/?" in request.url and request.headers.get("hx-request")
            else None
        ),
    )
    page.check("[data-testid=voucher-filter]")
    page.wait_for_url(re.compile(r".*voucher=1.*"))
    page.wait_for_load_state("networkidle")
    assert len(searches) == 1, searches
    assert not [text for text in problems if "htmx:syntax:error" in text or "htmx" in text]
