import pytest
from django.test import Client

from factories import EnterpriseFactory, LeaseFactory, UnitFactory
from parkos.parks.models import Enterprise, Lease

pytestmark = pytest.mark.django_db


def assert_error(response, status, code):
    assert response.status_code == status, response.content
    body = response.json()
    assert set(body) == {"code", "message", "fields"}
    assert body["code"] == code
    assert body["message"]
    return body


def test_token_then_bearer(api, network):
    api.login(network.tenant)
    me = api.get("/api/auth/me").json()
    assert me["username"] == network.tenant.username
    assert me["roles"] == ["enterprise_admin"]


def test_wrong_password_is_422_then_rate_limited(client, network, settings):
    settings.LOGIN_RATE = "3/5m"
    for _ in range(3):
        response = client.post(
            "/api/auth/token",
            {"username": network.tenant.username, "password": "nope"},
            content_type="application/json",
        )
        assert_error(response, 422, "invalid_credentials")
    from factories import PASSWORD

    blocked = client.post(
        "/api/auth/token",
        {"username": network.tenant.username, "password": PASSWORD},
        content_type="application/json",
    )
    assert_error(blocked, 429, "rate_limited")


def test_enterprise_search_in_chinese_and_english_with_paging(api, network):
    for index in range(60):
        EnterpriseFactory(
            park=network.park,
            name=f"上海星辰{index:02d}软件有限公司",
            name_en=f"Xingchen {index:02d} Software",
        )
    api.login(network.tenant)
    chinese = api.get("/api/enterprises", q="星辰", limit=50).json()
    assert chinese["count"] == 60
    assert len(chinese["items"]) == 50
    assert set(chinese["items"][0]) == {
        "id",
        "name",
        "name_en",
        "credit_code",
        "park",
        "industry",
        "size",
        "headcount",
        "description",
    }
    english = api.get("/api/enterprises", q="xingchen", offset=50).json()
    assert english["count"] == 60 and len(english["items"]) == 10
    ai = api.get("/api/enterprises", industry="ai").json()
    assert [item["name"] for item in ai["items"]] == ["上海云图智能科技有限公司"]


def test_park_filter_includes_branches_and_unknown_park_is_422(api, network):
    EnterpriseFactory(park=network.branch, name="昆山企业有限公司")
    api.login(network.operator)
    names = {
        item["name"]
        for item in api.get("/api/enterprises", park=str(network.park.id)).json()["items"]
    }
    assert "昆山企业有限公司" in names
    body = assert_error(
        api.get("/api/enterprises", park="00000000-0000-0000-0000-000000000000"),
        422,
        "validation_error",
    )
    assert "park" in body["fields"]
    body = assert_error(api.get("/api/enterprises", park="not-a-uuid"), 422, "validation_error")
    assert "park" in body["fields"]


def test_malformed_json_and_wrong_types(api, network):
    api.login(network.operator)
    from django.test import Client

    raw = Client().post("/api/leases", "{not json", content_type="application/json", **api.headers)
    assert_error(raw, 400, "malformed_json")
    wrong = api.post(
        "/api/leases",
        {
            "unit": str(network.unit.id),
            "enterprise": str(network.enterprise.id),
            "start": "soon",
            "end": 5,
            "monthly_rent": "x",
        },
    )
    body = assert_error(wrong, 422, "validation_error")
    assert {"start", "end", "monthly_rent"} <= set(body["fields"])
    assert Lease.objects.count() == 2


def test_lease_create_and_overlap_conflict(api, network):
    api.login(network.operator)
    unit = UnitFactory(floor__building__park=network.park)
    payload = {
        "unit": str(unit.id),
        "enterprise": str(network.enterprise.id),
        "start": "2027-01-01",
        "end": "2027-12-31",
        "monthly_rent": "15000.50",
    }
    created = api.post("/api/leases", payload)
    assert created.status_code == 201
    assert created.json()["monthly_rent"] == "15000.50"
    clash = api.post("/api/leases", {**payload, "start": "2027-06-01", "end": "2028-05-31"})
    assert_error(clash, 409, "lease_overlap")
    backwards = api.post("/api/leases", {**payload, "start": "2029-06-01", "end": "2029-05-31"})
    assert "end" in assert_error(backwards, 422, "validation_error")["fields"]
    negative = api.post(
        "/api/leases", {**payload, "start": "2030-01-01", "end": "2030-12-31", "monthly_rent": "-5"}
    )
    assert "monthly_rent" in assert_error(negative, 422, "validation_error")["fields"]
    assert Lease.objects.filter(unit=unit).count() == 1


def test_enterprise_create_validates_credit_code(api, network):
    api.login(network.operator)
    payload = {
        "name": "新企业有限公司",
        "credit_code": "91350100M000100Y44",
        "park": str(network.park.id),
        "industry": "cloud",
    }
    body = assert_error(api.post("/api/enterprises", payload), 422, "validation_error")
    assert "credit_code" in body["fields"]
    created = api.post("/api/enterprises", {**payload, "credit_code": "91350100M000100Y43"})
    assert created.status_code == 201
    assert Enterprise.objects.filter(credit_code="91350100M000100Y43").exists()


class TestPermissionMatrix:
    """Anonymous → 401, other tenant → 404, wrong role → 403, right role → 2xx."""

    def test_lease_detail(self, api, network):
        path = f"/api/leases/{network.lease.id}"
        assert_error(api.anonymous().get(path), 401, "unauthenticated")
        assert_error(api.login(network.other_tenant).get(path), 404, "not_found")
        assert_error(api.login(network.branch_operator).get(path), 404, "not_found")
        assert api.login(network.tenant).get(path).status_code == 200
        assert api.login(network.operator).get(path).status_code == 200

    def test_lease_list_shows_only_own_leases(self, api, network):
        assert_error(api.anonymous().get("/api/leases"), 401, "unauthenticated")
        own = api.login(network.tenant).get("/api/leases").json()
        assert [item["id"] for item in own["items"]] == [str(network.lease.id)]
        assert api.login(network.technician).get("/api/leases").json()["count"] == 0
        assert api.login(network.operator).get("/api/leases").json()["count"] == 2
        assert api.login(network.branch_operator).get("/api/leases").json()["count"] == 0

    def test_lease_update(self, api, network):
        path = f"/api/leases/{network.lease.id}"
        assert_error(api.anonymous().patch(path, {"monthly_rent": "1"}), 401, "unauthenticated")
        assert_error(
            api.login(network.other_tenant).patch(path, {"monthly_rent": "1"}), 404, "not_found"
        )
        assert_error(api.login(network.tenant).patch(path, {"monthly_rent": "1"}), 403, "forbidden")
        response = api.login(network.operator).patch(path, {"monthly_rent": "19000"})
        assert response.status_code == 200 and response.json()["monthly_rent"] == "19000.00"

    def test_lease_create(self, api, network):
        payload = {
            "unit": str(UnitFactory(floor__building__park=network.park).id),
            "enterprise": str(network.enterprise.id),
            "start": "2031-01-01",
            "end": "2031-12-31",
            "monthly_rent": "100",
        }
        assert_error(api.anonymous().post("/api/leases", payload), 401, "unauthenticated")
        assert_error(api.login(network.tenant).post("/api/leases", payload), 403, "forbidden")
        assert_error(api.login(network.technician).post("/api/leases", payload), 403, "forbidden")
        assert_error(
            api.login(network.branch_operator).post("/api/leases", payload), 403, "forbidden"
        )
        assert api.login(network.operator).post("/api/leases", payload).status_code == 201

    def test_enterprise_update(self, api, network):
        path = f"/api/enterprises/{network.enterprise.id}"
        assert_error(api.anonymous().patch(path, {"headcount": 5}), 401, "unauthenticated")
        assert_error(
            api.login(network.other_tenant).patch(path, {"headcount": 5}), 403, "forbidden"
        )
        assert_error(api.login(network.tenant).patch(path, {"industry": "cloud"}), 403, "forbidden")
        assert api.login(network.tenant).patch(path, {"headcount": 5}).json()["headcount"] == 5
        assert (
            api.login(network.operator).patch(path, {"industry": "cloud"}).json()["industry"]
            == "cloud"
        )

    def test_park_create_needs_a_network_operator(self, api, network):
        payload = {"code": "new-park", "name": "新园区", "city": "南通"}
        assert_error(api.anonymous().post("/api/parks", payload), 401, "unauthenticated")
        assert_error(api.login(network.tenant).post("/api/parks", payload), 403, "forbidden")
        assert_error(api.login(network.operator).post("/api/parks", payload), 403, "forbidden")
        branch = api.login(network.operator).post(
            "/api/parks", {**payload, "parent": str(network.park.id)}
        )
        assert branch.status_code == 201 and branch.json()["parent"] == str(network.park.id)

    def test_unknown_object_is_404_in_the_error_format(self, api, network):
        api.login(network.operator)
        assert_error(
            api.get("/api/enterprises/00000000-0000-0000-0000-000000000000"), 404, "not_found"
        )
        assert_error(
            api.get("/api/buildings/00000000-0000-0000-0000-000000000000"), 404, "not_found"
        )


@pytest.mark.parametrize(
    "path", ["/api/enterprises", "/api/leases", "/api/parks", "/api/units", "/api/buildings"]
)
def test_list_endpoints_have_a_query_budget(api, network, django_assert_max_num_queries, path):
    for _ in range(30):
        LeaseFactory(
            unit=UnitFactory(floor__building__park=network.park),
            enterprise=EnterpriseFactory(park=network.park),
        )
    api.login(network.operator)
    with django_assert_max_num_queries(8):
        response = api.get(path, limit=50)
    assert response.status_code == 200
    assert response.json()["count"] >= 1


def test_openapi_documents_every_park_endpoint(client):
    schema = client.get("/api/openapi.json").json()
    for path in (
        "/api/enterprises",
        "/api/leases/{lease_id}",
        "/api/auth/token",
        "/api/enterprises/import",
    ):
        assert path in schema["paths"]
    assert client.get("/api/docs").status_code == 200


def test_unknown_api_url_and_wrong_method_answer_in_the_error_format(api, network):
    api.login(network.operator)
    assert_error(api.get("/api/no-such-thing"), 404, "not_found")
    assert_error(api.patch("/api/enterprises", {}), 405, "method_not_allowed")


# A write without credentials is 401 (not a CSRF 403), field errors in the reader's language,
# an unknown id named by its field, lease dates within a legal term, an oversized body 413.


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
