"""Pages: who sees the areas, the area view with its chart, the fallback note, warnings and
the heat map."""

import json
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from crowd.factories import (
    AreaFactory,
    CounterFactory,
    CrowdWarningFactory,
    ForecastPointFactory,
    upper_bound_warning,
)
from factories import PASSWORD
from parkos.crowd.models import Counter
from parkos.crowd.services import area_update, counter_create, forecasts_refresh
from parkos.crowd.services.counts import current_hour


@pytest.fixture
def forecast_plaza(crowd, make_area, fill_counts):
    area = make_area(crowd.park, map_x=40, map_y=60)
    now = current_hour()
    counter = counter_create(actor=None, park=crowd.park, name="广场计数器", area=area)
    fill_counts(counter, end=now, days=30, peak=500.0, skip={30 * 24 - 5})
    recent = counter_create(actor=None, park=crowd.park, name="新计数器", area=area)
    fill_counts(recent, end=now, days=4, peak=50.0, seed=3)
    forecasts_refresh(inline=True)
    return area


def _login(client, user):
    assert client.login(username=user.username, password=PASSWORD)


def _chart(response, script_id):
    html = response.content.decode()
    start = html.index(f'id="{script_id}"')
    body = html[html.index(">", start) + 1 : html.index("</script>", start)]
    return json.loads(body)


@pytest.mark.parametrize("who, status", [("ioc", 200), ("operator", 200), ("tenant", 403)])
def test_who_sees_the_crowd_pages(client, crowd, forecast_plaza, who, status):
    _login(client, getattr(crowd, who))
    for url in (
        reverse("crowd:home"),
        reverse("crowd:area", args=[forecast_plaza.id]),
        reverse("crowd:warnings"),
    ):
        assert client.get(url).status_code == status, url


def test_anonymous_is_sent_to_sign_in(client, forecast_plaza):
    response = client.get(reverse("crowd:area", args=[forecast_plaza.id]))
    assert response.status_code == 302 and "login" in response["Location"]


def test_ioc_of_another_park_gets_404_for_the_area(client, crowd, forecast_plaza):
    _login(client, crowd.other_ioc)
    assert client.get(reverse("crowd:area", args=[forecast_plaza.id])).status_code == 404
    home = client.get(reverse("crowd:home"))
    assert forecast_plaza.name not in home.content.decode()


def test_area_page_shows_forecast_band_thresholds_gaps_and_fallback(client, crowd, forecast_plaza):
    _login(client, crowd.ioc)
    response = client.get(reverse("crowd:area", args=[forecast_plaza.id]) + "?hours=24")
    html = response.content.decode()
    assert "新计数器" in html and 'data-testid="fallback"' in html
    option = _chart(response, "crowd-area-chart-option")
    bands = [series for series in option["series"] if "areaStyle" in series]
    assert len(bands) == 2 and all(len(band["data"]) == 24 for band in bands)
    actual = option["series"][-1]
    lines = {line.get("yAxis") for line in actual["markLine"]["data"]}
    assert {1200, 1000, 1400} <= lines
    # The hour missing from the history is drawn as a gap, not as zero.
    values = dict(actual["data"])
    gap = timezone.localtime(current_hour() - timedelta(hours=5)).isoformat()
    assert values[gap] is None
    assert all(value is not None for moment, value in values.items() if moment != gap)
    forecast = next(s for s in option["series"] if s.get("lineStyle", {}).get("type") == "dashed")
    assert len(forecast["data"]) == 24


def test_area_page_marks_public_holidays(client, crowd, forecast_plaza, monkeypatch):
    import datetime as dt

    from parkos.crowd import forecasting

    monkeypatch.setattr(forecasting, "holiday_days", lambda first, last: [dt.date(2026, 10, 1)])
    _login(client, crowd.ioc)
    response = client.get(reverse("crowd:area", args=[forecast_plaza.id]))
    assert 'data-testid="holidays"' in response.content.decode()
    option = _chart(response, "crowd-area-chart-option")
    assert option["series"][-1]["markArea"]["data"][0][0]["xAxis"].startswith("2026-10-01T00:00")


def test_warning_list_and_heat_map(client, crowd, forecast_plaza):
    from parkos.crowd.models import ForecastPoint
    from parkos.crowd.services import area_forecast_evaluate

    peak = max(p.upper_80 for p in ForecastPoint.objects.filter(area=forecast_plaza))
    area = area_update(
        actor=None,
        area=forecast_plaza,
        warning_threshold=int(peak * 0.9),
        critical_threshold=int(peak * 3),
    )
    warning = area_forecast_evaluate(area=area)
    _login(client, crowd.ioc)
    html = client.get(reverse("crowd:warnings")).content.decode()
    assert (
        warning.message.split(" ")[0] in html
        and reverse("iot:alarm_detail", args=[warning.alarm_id]) in html
    )

    at = ForecastPoint.objects.filter(area=area).order_by("starts_at")[3]
    response = client.get(reverse("crowd:home"), {"at": at.starts_at.isoformat()})
    option = _chart(response, "crowd-heat-map-option")
    point = option["series"][0]["data"][0]
    assert point["name"] == area.name
    assert point["value"][:2] == [40, 60]
    assert point["value"][3] == round(at.expected)
    assert point["value"][2] == round(at.expected / area.capacity * 100)


def _page_as(client, user, url, language="zh-hans", **params):
    user.language = language
    user.save(update_fields=["language"])
    client.force_login(user)
    with translation.override(language):
        return client.get(url, params, HTTP_ACCEPT_LANGUAGE=language)


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
    response = _page_as(client, crowd.ioc, reverse("crowd:home"), "en", at=at)
    assert response.status_code == 200
    assert "is not a valid time; the current hour is shown." in response.content.decode()


def test_warning_pages_show_the_bound_and_grouped_counts(client, crowd, make_area):
    area = make_area(crowd.park, capacity=12_000, warning=10_000, critical=14_000)
    upper_bound_warning(area)
    html = _page_as(client, crowd.ioc, reverse("crowd:warnings")).content.decode()
    assert "10,187" in html and "80% 区间上限" in html
    area_html = _page_as(client, crowd.ioc, reverse("crowd:area", args=[area.id])).content.decode()
    assert "12,000" in area_html and "10,000" in area_html
    assert "可能达 10,187 人次" in area_html


def test_area_page_names_the_models_and_draws_a_matching_legend(client, crowd, plaza):
    model = Counter.objects.get(name="广场计数器").forecast_model
    assert model
    response = _page_as(client, crowd.ioc, reverse("crowd:area", args=[plaza.id]) + "?hours=168")
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
    response = _page_as(client, crowd.ioc, reverse("crowd:home"))
    point = _chart(response, "crowd-heat-map-option")["series"][0]["data"][0]
    assert "12,000" in point["tooltip"]["formatter"]


class TestPageQueryBudgets:
    """The list pages cost the same few queries however many areas and warnings they show."""

    @pytest.fixture
    def busy_park(self, crowd):
        areas = AreaFactory.create_batch(5, park=crowd.park)
        for area in areas:
            CounterFactory(area=area)
            ForecastPointFactory.create_batch(3, area=area)
            CrowdWarningFactory(area=area)
        return areas

    def test_home(self, client, crowd, busy_park, django_assert_max_num_queries):
        client.force_login(crowd.ioc)
        with django_assert_max_num_queries(20):
            assert client.get(reverse("crowd:home")).status_code == 200

    def test_warnings(self, client, crowd, busy_park, django_assert_max_num_queries):
        client.force_login(crowd.ioc)
        with django_assert_max_num_queries(20):
            assert client.get(reverse("crowd:warnings")).status_code == 200

    def test_area(self, client, crowd, busy_park, django_assert_max_num_queries):
        client.force_login(crowd.ioc)
        with django_assert_max_num_queries(20):
            assert client.get(reverse("crowd:area", args=[busy_park[0].id])).status_code == 200
