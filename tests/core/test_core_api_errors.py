"""The API-wide error rules of core.api_errors, checked on every operation."""

import re
import uuid

import pytest

from parkos.config.api import api


def _json_body_operations():
    schema = api.get_openapi_schema()
    for path, methods in schema["paths"].items():
        for method, operation in methods.items():
            content = operation.get("requestBody", {}).get("content", {})
            if "application/json" in content:
                yield method, path


@pytest.mark.django_db
def test_a_json_array_or_bare_value_as_the_body_is_a_422_on_every_operation(
    client, django_user_model
):
    client.force_login(django_user_model.objects.create_superuser("root", "r@example.com", "pw"))
    operations = list(_json_body_operations())
    assert any(method == "patch" for method, _ in operations)
    answers = {}
    for method, path in operations:
        url = re.sub(r"\{[^}]+\}", str(uuid.uuid4()), path)
        for body in ("[]", '[{"name": "x"}]', "1"):
            response = getattr(client, method)(url, body, content_type="application/json")
            if response.status_code != 422 or list(response.json()["fields"]) != ["__all__"]:
                answers[f"{method.upper()} {path} {body}"] = response.status_code
    assert answers == {}
