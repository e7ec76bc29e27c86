"""The JSON API: areas, counters, forecasts by horizon, warnings, import; a permission
matrix per endpoint and query budgets on the lists."""

import pytest

from crowd.factories import AreaFactory, CounterFactory, CrowdWarningFactory
from parkos.crowd.models import ForecastPoint
from parkos.crowd.services import (
    area_forecast_evaluate,
    area_update,
    counter_create,
    forecasts_refresh,
)
from parkos.crowd.services.counts import current_hour

API = "/api/crowd"


@pytest.fixture
def plaza(crowd, make_area, fill_counts):
    area = make_area(crowd.park)
    counter = counter_create(actor=None, park=crowd.park, name="广场计数器", area=area)
    fill_counts(counter, end=current_hour(), days=30, peak=500.0)
    forecasts_refresh(inline=True)
    peak = max(p.upper_80 for p in ForecastPoint.objects.filter(area=area))
    area = area_update(
        actor=None, area=area, warning_threshold=int(peak * 0.8), critical_threshold=int(peak * 3)
    )
    area_forecast_evaluate(area=area)
    return area


def _urls(plaza):
    counter = plaza.counters.get()
    return [
        f"{API}/areas",
        f"{API}/areas/{plaza.id}",
        f"{API}/areas/{plaza.id}/forecast?hours=6",
        f"{API}/counters",
        f"{API}/counters/{counter.id}/forecast?hours=6",
        f"{API}/warnings",
    ]


def test_anonymous_is_401(client, plaza):
    for url in _urls(plaza):
        assert client.get(url).status_code == 401, url


def test_tenant_is_403(client, crowd, plaza):
    client.force_login(crowd.tenant)
    for url in _urls(plaza):
        assert client.get(url).status_code == 403, url


def test_ioc_of_another_park_sees_nothing_and_gets_404(client, crowd, plaza):
    client.force_login(crowd.other_ioc)
    assert client.get(f"{API}/areas").json() == {"items": [], "count": 0}
    assert client.get(f"{API}/warnings").json()["count"] == 0
    for url in _urls(plaza)[1:3] + _urls(plaza)[4:5]:
        assert client.get(url).status_code == 404, url


@pytest.mark.parametrize("who", ["ioc", "operator"])
def test_staff_read_everything(client, crowd, plaza, who):
    client.force_login(getattr(crowd, who))
    for url in _urls(plaza):
        assert client.get(url).status_code == 200, url


def test_area_forecast_by_horizon_with_intervals(client, crowd, plaza):
    client.force_login(crowd.ioc)
    body = client.get(f"{API}/areas/{plaza.id}/forecast", {"hours": 12}).json()
    assert body["name"] == "中心广场" and body["hours"] == 12
    assert len(body["forecast"]) == 12
    first = body["forecast"][0]
    assert first["hours_ahead"] == 1
    assert (
        first["lower_95"]
        <= first["lower_80"]
        <= first["expected"]
        <= first["upper_80"]
        <= first["upper_95"]
    )
    assert body["simple_model_used"] is False


@pytest.mark.parametrize("hours", [0, 169, -1])
def test_horizon_out_of_range_names_the_field(client, crowd, plaza, hours):
    client.force_login(crowd.ioc)
    response = client.get(f"{API}/areas/{plaza.id}/forecast", {"hours": hours})
    assert response.status_code == 422
    assert "hours" in response.json()["fields"]


def test_warning_list_with_lead_time(client, crowd, plaza, django_assert_max_num_queries):
    client.force_login(crowd.ioc)
    with django_assert_max_num_queries(8):
        body = client.get(f"{API}/warnings").json()
    assert body["count"] == 1
    warning = body["items"][0]
    assert warning["area_name"] == "中心广场" and warning["level"] == "warning"
    assert warning["alarm"] and warning["capacity"] == 1200
    assert warning["lead_hours"] >= 0 and warning["kind"] == "forecast"


def test_area_list_query_budget(client, crowd, plaza, make_area, django_assert_max_num_queries):
    for number in range(5):
        make_area(crowd.park, name=f"区域{number}")
    client.force_login(crowd.ioc)
    with django_assert_max_num_queries(8):
        body = client.get(f"{API}/areas").json()
    assert body["count"] == 6


def test_operator_creates_an_area_and_bad_thresholds_name_the_field(client, crowd):
    payload = {
        "park": str(crowd.park.id),
        "name": "员工餐厅",
        "kind": "canteen",
        "capacity": 300,
        "warning_threshold": 260,
        "critical_threshold": 300,
    }
    client.force_login(crowd.ioc)
    assert client.post(f"{API}/areas", payload, content_type="application/json").status_code == 403
    client.force_login(crowd.operator)
    response = client.post(f"{API}/areas", payload, content_type="application/json")
    assert response.status_code == 201 and response.json()["counter_count"] == 0
    bad = {**payload, "name": "展厅", "warning_threshold": 400}
    response = client.post(f"{API}/areas", bad, content_type="application/json")
    assert response.status_code == 422 and "warning_threshold" in response.json()["fields"]
    again = client.post(f"{API}/areas", payload, content_type="application/json")
    assert again.status_code == 409 and "name" in again.json()["fields"]


def test_import_through_the_api(client, crowd, plaza):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.force_login(crowd.operator)
    good = SimpleUploadedFile(
        "c.csv", "timestamp,sensor,count\n2020-01-01T08:00:00,新的,5\n".encode()
    )
    response = client.post(
        f"{API}/counts/import",
        {"park": str(crowd.park.id), "file": good, "create_counters": "true"},
    )
    assert response.status_code == 201 and response.json()["counters_created"] == 1
    bad = SimpleUploadedFile(
        "c.csv", "timestamp,sensor,count\n2020-01-01T09:00:00,新的,-1\n".encode()
    )
    response = client.post(f"{API}/counts/import", {"park": str(crowd.park.id), "file": bad})
    assert response.status_code == 422 and "count" in response.json()["fields"]


def test_counter_list_query_budget(client, crowd, django_assert_max_num_queries):
    for area in AreaFactory.create_batch(3, park=crowd.park):
        CounterFactory.create_batch(2, area=area)
    client.force_login(crowd.ioc)
    with django_assert_max_num_queries(8):
        assert client.get("/api/crowd/counters").json()["count"] == 6


def test_warning_list_query_budget(client, crowd, django_assert_max_num_queries):
    for area in AreaFactory.create_batch(5, park=crowd.park):
        CrowdWarningFactory(area=area)
    client.force_login(crowd.ioc)
    with django_assert_max_num_queries(8):
        assert client.get("/api/crowd/warnings").json()["count"] == 5
