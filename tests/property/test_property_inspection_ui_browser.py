"""In the browser: the checklist editor adds rows with HTMX and shows the range for readings
only, and the ticket page's SLA timers count down without a reload."""

import pytest

from factories import PASSWORD
from parkos.property import services
from parkos.property.models import InspectionTemplate

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def _sign_in(page, user, then):
    page.goto(f"/accounts/login/?next={then}")
    page.fill("#id_username", user.username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"**{then}")


def test_a_manager_writes_a_checklist_row_by_row(page, place):
    _sign_in(page, place.manager, "/property/inspections/templates/new/")
    page.fill("#id_name", "配电房周巡检")
    rows = page.locator("[data-item-row]")
    rows.nth(0).locator("[name=item_label]").fill("配电柜指示正常")
    assert not rows.nth(0).locator("[data-item-range]").is_visible()
    page.click("[data-testid=add-item]")
    page.wait_for_function("document.querySelectorAll('[data-item-row]').length === 2")
    second = rows.nth(1)
    second.locator("[name=item_label]").fill("配电房温度")
    second.locator("[name=item_kind]").select_option("value")
    assert second.locator("[data-item-range]").is_visible()
    second.locator("[name=item_min]").fill("5")
    second.locator("[name=item_max]").fill("35")
    page.click("[data-testid=add-item]")
    page.wait_for_function("document.querySelectorAll('[data-item-row]').length === 3")
    rows.nth(2).locator("[name=item_label]").fill("多余的一项")
    rows.nth(2).locator("[data-remove-item]").click()
    assert rows.count() == 2
    page.click("[data-testid=save-template]")
    page.wait_for_url("**/property/inspections/")
    made = InspectionTemplate.objects.get()
    assert [(i["label"], i["kind"]) for i in made.items] == [
        ("配电柜指示正常", "check"),
        ("配电房温度", "value"),
    ]
    assert page.locator("[data-testid=templates]").inner_text().count("配电房周巡检") == 1


def test_the_sla_timers_count_down_on_the_ticket_page(page, place):
    ticket = services.ticket_create(
        actor=place.tenant, unit=place.unit, description="空调漏水", category="hvac"
    )
    _sign_in(page, place.tenant, f"/property/tickets/{ticket.id}/")
    timers = page.locator("[data-deadline]")
    assert timers.count() == 2  # response and resolution
    page.wait_for_function("document.querySelector('[data-deadline]').textContent !== ''")
    first = timers.nth(1).inner_text()
    page.wait_for_timeout(2100)
    assert timers.nth(1).inner_text() != first
