"""Property-based checks of the park network's API against its own OpenAPI schema: whatever
a client sends, the answer is a documented status in the one error format, never a crash."""

import pytest
import schemathesis
from hypothesis import HealthCheck, settings

from parkos.config.wsgi import application

schema = schemathesis.openapi.from_wsgi("/api/openapi.json", application)
PARK_PATHS = r"^/api/(parks|buildings|units|enterprises|leases)"


@pytest.fixture
def operator_token(network):
    from parkos.accounts.services import token_create

    _token, raw = token_create(user=network.operator)
    return raw


@pytest.mark.django_db
@schema.include(path_regex=PARK_PATHS).exclude(path_regex="import").parametrize()
@settings(max_examples=10, deadline=None, suppress_health_check=list(HealthCheck))
def test_park_api_conforms_to_its_schema(case, operator_token):
    response = case.call(headers={"Authorization": f"Bearer {operator_token}"})
    assert response.status_code < 500, response.text
    if response.status_code >= 400:
        body = response.json()
        assert set(body) == {"code", "message", "fields"}
    case.validate_response(response, checks=[schemathesis.checks.not_a_server_error])
