"""A NUL character in any field is refused with 400 naming the field, and nothing is stored."""

import json

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db


def test_a_json_body_with_nul_is_refused_naming_the_field():
    answer = Client().post(
        "/api/auth/token",
        data=json.dumps({"username": "ad\u0000min", "password": "x"}),
        content_type="application/json",
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert answer.status_code == 400
    body = answer.json()
    assert body["code"] == "invalid_character"
    assert list(body["fields"]) == ["username"]
    assert "username" in body["message"]


def test_a_nested_json_field_is_named_by_its_path():
    answer = Client().patch(
        "/api/enterprises/00000000-0000-0000-0000-000000000000",
        data=json.dumps({"contacts": [{"name": "张\u0000三"}]}),
        content_type="application/json",
    )
    assert answer.status_code == 400
    assert list(answer.json()["fields"]) == ["contacts.0.name"]


def test_a_form_field_with_nul_is_refused_in_the_readers_language():
    answer = Client().post(
        "/accounts/login/", {"username": "a\x00b", "password": "x"}, HTTP_ACCEPT_LANGUAGE="zh-hans"
    )
    assert answer.status_code == 400
    assert "username" in answer.content.decode()


def test_a_query_parameter_with_nul_is_refused():
    answer = Client().get("/api/enterprises", {"q": "a\x00"})
    assert answer.status_code == 400
    assert list(answer.json()["fields"]) == ["q"]


def test_ordinary_input_passes():
    answer = Client().post(
        "/api/auth/token",
        data=json.dumps({"username": "nobody", "password": "wrong"}),
        content_type="application/json",
    )
    assert answer.status_code != 400 or answer.json()["code"] != "invalid_character"


def test_a_pages_not_found_from_a_selector_is_the_sites_404_page(rf):
    from parkos.core.errors import NotFound
    from parkos.core.middleware import ServiceErrorPageMiddleware

    middleware = ServiceErrorPageMiddleware(lambda request: None)
    answer = middleware.process_exception(rf.get("/marketplace/orders/x/"), NotFound("gone"))
    assert answer.status_code == 404
    assert middleware.process_exception(rf.get("/api/x"), NotFound("gone")) is None
