"""The IOC operator's crowd journey in a real browser: the plaza area shows today's
forecast band with a warning three hours ahead, and the same warning is in the IOC's
alarm list."""

from datetime import timedelta

import numpy as np
import pytest
from django.utils import timezone
from playwright.sync_api import expect

from factories import PASSWORD, ParkFactory, Role, member
from parkos.crowd.models import CountSource, ForecastPoint, HourlyCount
from parkos.crowd.services import (
    area_create,
    area_forecast_evaluate,
    area_update,
    counter_create,
    forecasts_refresh,
)
from parkos.crowd.services.counts import current_hour

pytestmark = pytest.mark.django_db(transaction=True)

LEAD_HOURS = 3


@pytest.fixture
def plaza(settings):
    settings.CROWD_ENGINE_SETTINGS = {
        "training_days": 28,
        "backtest_days": 7,
        "min_history_hours": 14 * 24,
        "boosting_rounds": 20,
        "min_rows_per_leaf": 20,
    }
    settings.CROWD_FORECAST_HOURS = 24
    park = ParkFactory(name="浦江测试园")
    area = area_create(
        actor=None,
        park=park,
        name="中心广场",
        kind="plaza",
        capacity=5000,
        warning_threshold=5000,
        critical_threshold=9000,
    )
    counter = counter_create(actor=None, park=park, name="广场计数器", area=area)
    now = current_hour()
    # A daily rhythm peaking three hours from now, so the forecast climbs to it.
    peak_hour = (now.hour + LEAD_HOURS) % 24
    start = now - timedelta(days=35)
    hours = np.arange(35 * 24)
    distance = np.abs(((start.hour + hours) % 24) - peak_hour)
    distance = np.minimum(distance, 24 - distance)
    noise = np.random.default_rng(7).normal(1.0, 0.03, len(hours))
    values = np.round(1000 * (0.1 + np.exp(-(distance**2) / 4.0)) * noise)
    HourlyCount.objects.bulk_create(
        HourlyCount(
            counter=counter,
            starts_at=start + timedelta(hours=int(h)),
            count=float(values[h]),
            source=CountSource.IMPORT,
        )
        for h in hours
    )
    forecasts_refresh(inline=True)
    upper = [p.upper_80 for p in ForecastPoint.objects.filter(area=area).order_by("starts_at")]
    warning = int((max(upper[:LEAD_HOURS]) + upper[LEAD_HOURS]) / 2)
    area = area_update(
        actor=None,
        area=area,
        capacity=warning,
        warning_threshold=warning,
        critical_threshold=warning * 3,
    )
    raised = area_forecast_evaluate(area=area)
    assert raised.lead_hours == LEAD_HOURS
    return park, area, raised


def test_ioc_sees_the_plaza_forecast_band_and_its_warning_in_the_alarm_list(page, plaza):
    park, _area, warning = plaza
    ioc = member(Role.IOC_OPERATOR, park=park)
    page.goto("/accounts/login/?next=/crowd/")
    page.fill("#id_username", ioc.username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")

    expect(page.get_by_test_id("area-table")).to_contain_text("中心广场")
    page.get_by_role("link", name="中心广场").click()
    expect(page.get_by_test_id("area-name")).to_contain_text("中心广场")
    chart = page.get_by_test_id("area-chart")
    expect(chart).to_have_attribute("data-rendered", "1")
    expect(chart.locator("canvas")).to_have_count(1)
    expected_at = timezone.localtime(warning.expected_at).strftime("%H:%M")
    alert = page.get_by_test_id("area-warning")
    expect(alert).to_contain_text(expected_at)
    expect(alert).to_contain_text(f"{LEAD_HOURS} 小时后")

    page.goto(f"/iot/?park={park.id}")
    expect(page.get_by_test_id("alarm-list")).to_contain_text("中心广场")
    expect(page.get_by_test_id("alarm-list")).to_contain_text(expected_at)
