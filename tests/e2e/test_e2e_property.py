"""The property journey on the demo: a tenant reports a broken air conditioner, smart
dispatch classifies and assigns it, the technician fixes it with a photo, the tenant rates
it, and the operator sees the zone's monthly score move."""

import io

import pytest
from django.utils import timezone

from parkos.demo.context import DEMO_PASSWORD
from parkos.demo.loader import demo_load

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
DESCRIPTION = "会议室空调不制冷，温度一直30度"


@pytest.fixture
def demo(transactional_db, monkeypatch):
    import parkos.demo.property as property_demo

    # A few months of history are enough to train the dispatch models; two years take a
    # minute on a busy machine and add nothing to the journey.
    monkeypatch.setattr(property_demo, "HISTORY_DAYS", 150)
    return demo_load(
        steps=["parkos.demo.parks", "parkos.demo.accounts", "parkos.demo.property"],
        report=lambda line: None,
    )


def _sign_in(page, username):
    page.goto("/accounts/login/?next=/property/")
    page.fill("#id_username", username)
    page.fill("#id_password", DEMO_PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url("**/property/")


def _sign_out(page):
    page.click("[data-testid=logout]")
    page.wait_for_url("**/accounts/login/")


def _photo(tmp_path):
    from PIL import Image

    path = tmp_path / "fixed.png"
    buffer = io.BytesIO()
    Image.new("RGB", (64, 48), (40, 120, 200)).save(buffer, format="PNG")
    path.write_bytes(buffer.getvalue())
    return str(path)


def test_tenant_to_technician_to_rating_to_ranking(page, demo, tmp_path):
    from parkos.property.models import MonthlyScore, PropertyCompany

    company = PropertyCompany.objects.get(technicians__user__username="technician")
    month = timezone.localdate().replace(day=1)
    before = MonthlyScore.objects.get(company=company, month=month).total

    _sign_in(page, "tenant")
    # A tenant's tabs lead only to pages it may open: its profile, not the ranking.
    assert page.locator("[data-testid=nav-scores]").count() == 0
    assert page.locator("[data-testid=nav-profile]").count() == 1
    page.click("[data-testid=new-ticket]")
    page.fill("#id_description", DESCRIPTION)
    page.click("[data-testid=submit-ticket]")
    page.wait_for_selector("[data-testid=ticket-status]")
    assert page.locator("[data-testid=ticket-category]").inner_text().startswith("空调")
    assert "张伟" in page.locator("[data-testid=ticket-assignee]").inner_text()
    reasons = page.locator("[data-testid=assignment-reasons]").inner_text()
    assert "技能" in reasons and "值班至" in reasons
    ticket_url = page.url
    _sign_out(page)

    _sign_in(page, "technician")
    page.locator("[data-testid=my-tickets] tr", has_text=DESCRIPTION[:10]).locator(
        "a"
    ).first.click()
    page.click("[data-testid=accept]")
    page.click("[data-testid=arrive]")
    page.fill("#note", "清洗滤网并补充冷媒，温度已降至24度")
    page.set_input_files("#resolve-photos", _photo(tmp_path))
    page.click("[data-testid=resolve]")
    assert page.locator("[data-testid=ticket-status]").inner_text() == "已解决"
    assert page.locator("[data-testid=photos] img").count() == 1
    _sign_out(page)

    _sign_in(page, "tenant")
    page.goto(ticket_url)
    page.check("#rating5")
    page.fill("#comment", "响应很快，谢谢")
    page.click("[data-testid=confirm]")
    assert page.locator("[data-testid=ticket-status]").inner_text() == "已确认"
    assert page.locator("[data-testid=ticket-rating]").inner_text().startswith("5")
    _sign_out(page)

    _sign_in(page, "operator")
    page.click("[data-testid=nav-scores]")
    row = page.locator(f"[data-testid='score-{company.zone.name}']")
    after = row.locator("[data-testid=total]").inner_text()
    assert after == str(MonthlyScore.objects.get(company=company, month=month).total)
    assert after != str(before)
    page.wait_for_function(
        "document.querySelector('[data-chart=ranking-chart]').dataset.rendered === '1'"
    )
    assert page.locator("[data-testid=nav-profile]").count() == 0
    # Closing a month cannot be undone: the operator is asked first, and saying no keeps it
    # open.
    asked = []
    page.once("dialog", lambda dialog: (asked.append(dialog.message), dialog.dismiss()))
    page.click("[data-testid=close-month] button")
    assert asked and "关账" in asked[0]
    assert page.locator("[data-testid=month-closed]").count() == 0


def test_a_tenant_on_a_phone_reads_the_ticket_list_without_scrolling_sideways(
    browser, live_server, demo
):
    """QA on a 390 px phone: the ticket table made the page 457 px wide (technician and
    deadline columns off screen) and the menu could not be folded away."""
    context = browser.new_context(
        base_url=live_server.url,
        locale="zh-CN",
        viewport={"width": 390, "height": 844},
        is_mobile=True,
        has_touch=True,
    )
    context.set_default_timeout(15_000)
    page = context.new_page()
    try:
        _sign_in(page, "tenant")
        assert page.locator("table").count() >= 1
        width = page.evaluate("document.scrollingElement.scrollWidth")
        assert width <= 390, f"the page is {width} px wide"
        menu = page.locator("#main-menu .nav-link").first
        assert not menu.is_visible()
        page.click("[data-testid=menu-toggle]")
        menu.wait_for(state="visible")
    finally:
        context.close()
