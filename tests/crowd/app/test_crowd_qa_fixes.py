"""What the QA review of the crowd pages found, each pinned: no 500 on an impossible time,
warnings worded in the reader's language and saying when the count is a bound, model names
people can read, counts grouped by thousands, and a chart whose legend matches its bands."""

import json
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import translation

from parkos.crowd.models import Counter
from parkos.crowd.services import counter_create, forecasts_refresh
from parkos.crowd.services.counts import current_hour
from parkos.crowd.services.warnings import Risk, warning_apply
from parkos.iot.models import Alarm


def _page(client, user, url, language="zh-hans", **params):
    user.language = language
    user.save(update_fields=["language"])
    client.force_login(user)
    with translation.override(language):
        return client.get(url, params, HTTP_ACCEPT_LANGUAGE=language)


def _chart(response, script_id):
    html = response.content.decode()
    start = html.index(f'id="{script_id}"')
    return json.loads(html[html.index(">", start) + 1 : html.index("</script>", start)])


@pytest.fixture
def plaza(crowd, make_area, fill_counts):
    area = make_area(crowd.park, capacity=12_000, warning=10_000, critical=14_000)
    counter = counter_create(actor=None, park=crowd.park, name="广场计数器", area=area)
    fill_counts(counter, end=current_hour(), days=30, peak=5000.0)
    forecasts_refresh(inline=True)
    return area


@pytest.mark.parametrize("at", ["2026-13-45T99:00", "abc"])
def test_an_impossible_time_falls_back_to_now_with_a_notice(client, crowd, make_area, at):
    make_area(crowd.park)
    response = _page(client, crowd.ioc, reverse("crowd:home"), "en", at=at)
    assert response.status_code == 200
    assert "is not a valid time; the current hour is shown." in response.content.decode()


def _upper_bound_warning(area):
    expected_at = current_hour() + timedelta(hours=3)
    risk = Risk(
        level="warning",
        expected_at=expected_at,
        expected_count=10_187,
        threshold=10_000,
        lead_hours=3,
        bound="upper_80",
        point_count=8_163,
    )
    return warning_apply(area=area, kind="forecast", risk=risk)


def test_a_warning_on_the_upper_bound_says_so_in_the_readers_language(crowd, make_area):
    area = make_area(crowd.park, capacity=12_000, warning=10_000, critical=14_000)
    warning = _upper_bound_warning(area)
    alarm = Alarm.objects.get(pk=warning.alarm_id)
    with translation.override("zh-hans"):
        text = warning.message_text
        assert "可能达 10,187 人次" in text and "80% 区间上限" in text and "预计 8,163" in text
        assert "预计 " + "10,187" not in text
        assert alarm.message_text == text
        assert alarm.title_text == "中心广场：客流可能超过预警阈值"
    with translation.override("en"):
        text = warning.message_text
        assert "may reach 10,187 people" in text and "upper end of the interval (80%)" in text
        assert alarm.message_text == text


def test_warning_pages_show_the_bound_and_grouped_counts(client, crowd, make_area):
    area = make_area(crowd.park, capacity=12_000, warning=10_000, critical=14_000)
    _upper_bound_warning(area)
    html = _page(client, crowd.ioc, reverse("crowd:warnings")).content.decode()
    assert "10,187" in html and "80% 区间上限" in html
    area_html = _page(client, crowd.ioc, reverse("crowd:area", args=[area.id])).content.decode()
    assert "12,000" in area_html and "10,000" in area_html
    assert "可能达 10,187 人次" in area_html


def test_area_page_names_the_models_and_draws_a_matching_legend(client, crowd, plaza):
    model = Counter.objects.get(name="广场计数器").forecast_model
    assert model
    response = _page(client, crowd.ioc, reverse("crowd:area", args=[plaza.id]) + "?hours=168")
    html = response.content.decode()
    assert f"<code>{model}</code>" not in html
    with translation.override("zh-hans"):
        label = Counter.objects.get(name="广场计数器").forecast_model_label
    assert label in html and label != model
    option = _chart(response, "crowd-area-chart-option")
    bands = [s for s in option["series"] if s.get("stack")]
    assert bands and all(s["itemStyle"]["color"] == "#f76707" for s in bands)
    highest = max(
        low + width
        for lower, upper in zip(bands[0::2], bands[1::2], strict=True)
        for (_m, low), (_n, width) in zip(lower["data"], upper["data"], strict=True)
    )
    assert option["yAxis"]["max"] >= highest


def test_heat_map_tooltip_groups_thousands(client, crowd, plaza):
    response = _page(client, crowd.ioc, reverse("crowd:home"))
    point = _chart(response, "crowd-heat-map-option")["series"][0]["data"][0]
    assert "12,000" in point["tooltip"]["formatter"]


def test_the_alarm_follows_the_warning_when_only_its_figures_move(crowd, make_area):
    """QA saw an alarm quote capacity 5,600 and threshold 4,760 while its warning and the
    area said 4,523: the thresholds had moved after the alarm was raised."""
    area = make_area(crowd.park, capacity=12_000, warning=10_000, critical=14_000)
    warning = _upper_bound_warning(area)
    alarm = Alarm.objects.get(pk=warning.alarm_id)
    raised_events = alarm.events.count()
    area.warning_threshold = 9_500
    area.save(update_fields=["warning_threshold"])
    moved = Risk(
        level="warning",
        expected_at=warning.expected_at,
        expected_count=10_187,
        threshold=9_500,
        lead_hours=2,
        bound="upper_80",
        point_count=8_163,
    )
    warning_apply(area=area, kind="forecast", risk=moved)
    alarm.refresh_from_db()
    with translation.override("zh-hans"):
        assert "9,500" in alarm.message_text and "10,000" not in alarm.message_text
    assert alarm.count == 1
    assert alarm.events.count() == raised_events
