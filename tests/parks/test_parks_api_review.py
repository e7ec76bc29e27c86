"""What the QA pass over the API found, each pinned: a write without credentials is 401 (not
a CSRF 403), field errors in the reader's language, an unknown id named by its field, lease
dates within a lease's legal term, and an oversized body answered 413."""

import pytest
from django.test import Client

from factories import UnitFactory
from parkos.parks.models import Lease

pytestmark = pytest.mark.django_db


def assert_error(response, status, code):
    assert response.status_code == status, response.content
    body = response.json()
    assert body["code"] == code
    return body


def _post(api, path, data, language):
    return Client().post(
        path, data, content_type="application/json", HTTP_ACCEPT_LANGUAGE=language, **api.headers
    )


def test_a_write_without_credentials_is_unauthenticated(network):
    browser = Client(enforce_csrf_checks=True)
    response = browser.post("/api/parks", {}, content_type="application/json")
    assert_error(response, 401, "unauthenticated")


def test_a_signed_in_browser_without_its_csrf_token_is_still_refused(network):
    from factories import PASSWORD

    browser = Client(enforce_csrf_checks=True)
    assert browser.login(username=network.operator.username, password=PASSWORD)
    response = browser.post("/api/parks", {}, content_type="application/json")
    assert response.status_code == 403


def test_field_errors_speak_the_readers_language(api, network):
    api.login(network.operator)
    payload = {"unit": "not-a-uuid", "enterprise": str(network.enterprise.id)}
    chinese = assert_error(_post(api, "/api/leases", payload, "zh-hans"), 422, "validation_error")
    assert chinese["fields"]["unit"] == ["请输入有效的编号（UUID）。"]
    assert chinese["fields"]["start"] == ["此字段为必填项。"]
    english = assert_error(_post(api, "/api/leases", payload, "en"), 422, "validation_error")
    assert english["fields"]["start"] == ["This field is required."]
    limited = Client().get(
        "/api/enterprises", {"limit": 0}, HTTP_ACCEPT_LANGUAGE="zh-hans", **api.headers
    )
    assert assert_error(limited, 422, "validation_error")["fields"]["limit"] == ["不能小于 1。"]


def test_an_unknown_id_is_named_by_its_field_not_in_the_sentence(api, network):
    api.login(network.operator)
    payload = {
        "unit": "00000000-0000-0000-0000-000000000000",
        "enterprise": str(network.enterprise.id),
        "start": "2027-01-01",
        "end": "2027-12-31",
        "monthly_rent": "100.00",
    }
    body = assert_error(_post(api, "/api/leases", payload, "zh-hans"), 422, "validation_error")
    assert body["fields"]["unit"] == ["该编号不存在。"]


def test_lease_dates_stay_within_a_legal_term(api, network):
    api.login(network.operator)
    unit = UnitFactory(floor__building__park=network.park)
    payload = {
        "unit": str(unit.id),
        "enterprise": str(network.enterprise.id),
        "monthly_rent": "100.00",
    }
    far = _post(api, "/api/leases", {**payload, "start": "2027-01-01", "end": "9999-12-31"}, "en")
    assert "end" in assert_error(far, 422, "validation_error")["fields"]
    ancient = _post(
        api, "/api/leases", {**payload, "start": "0001-01-01", "end": "0002-01-01"}, "en"
    )
    assert "start" in assert_error(ancient, 422, "validation_error")["fields"]
    too_long = _post(
        api, "/api/leases", {**payload, "start": "2027-01-01", "end": "2047-01-01"}, "zh-hans"
    )
    assert assert_error(too_long, 422, "validation_error")["fields"]["end"] == [
        "租期不得超过 20 年。"
    ]
    assert not Lease.objects.filter(unit=unit).exists()
    twenty_years = _post(
        api, "/api/leases", {**payload, "start": "2027-01-01", "end": "2046-12-31"}, "en"
    )
    assert twenty_years.status_code == 201, twenty_years.content


def test_an_oversized_body_is_413(api, network, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1024
    api.login(network.operator)
    response = _post(api, "/api/parks", {"name": "x" * 5000}, "en")
    assert_error(response, 413, "too_large")
