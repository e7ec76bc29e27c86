"""The operator's first minutes: sign in, see the park, switch language, sign out."""

import pytest

from parkos.demo.context import DEMO_PASSWORD
from parkos.demo.loader import demo_load

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def demo_network(transactional_db):
    return demo_load(steps=["parkos.demo.parks", "parkos.demo.accounts"], report=lambda line: None)


def test_operator_sees_the_overview_switches_to_english_and_logs_out(page, demo_network):
    page.goto("/")
    page.fill("#id_username", "operator")
    page.fill("#id_password", DEMO_PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url("**/parks/*/")
    assert page.locator("h1").inner_text().startswith("浦江软件园")
    chart = page.locator("[data-testid=kpi-chart]")
    page.wait_for_function(
        "document.querySelector('[data-testid=kpi-chart]').dataset.rendered === '1'"
    )
    assert chart.locator("canvas").count() >= 1
    # ECharts draws the years on the axis: the canvas is not blank.
    box = chart.bounding_box()
    assert box["width"] > 200 and box["height"] > 200
    painted = page.evaluate(
        """() => {
        const canvas = document.querySelector('[data-testid=kpi-chart] canvas');
        const data = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
        let inked = 0;
        for (let i = 3; i < data.length; i += 4) if (data[i] > 0) inked++;
        return inked;
    }"""
    )
    assert painted > 1000
    assert page.get_by_text("企业").first.is_visible()

    page.click("[data-testid=language-en]")
    page.wait_for_selector("text=Park figures over the years")
    assert page.locator("[data-testid=logout]").inner_text() == "Log out"
    page.wait_for_function(
        "document.querySelector('[data-testid=kpi-chart]').dataset.rendered === '1'"
    )

    page.click("[data-testid=logout]")
    page.wait_for_url("**/accounts/login/")
    assert page.locator("#id_username").is_visible()
    page.goto("/parks/")
    page.wait_for_url("**/accounts/login/**")
