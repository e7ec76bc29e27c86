"""Property-based checks of the park network's API against its own OpenAPI schema: whatever
a client sends, the answer is a documented status in the one error format, never a crash."""

import pytest
import schemathesis
from hypothesis import HealthCheck, settings

from parkos.config.wsgi import application

schema = schemathesis.openapi.from_wsgi("/api/openapi.json", application)
PARK_PATHS = r"^/api/(parks|buildings|units|enterprises|leases)"


@pytest.fixture
def keep_connection():
    """Like Django's test client, keep the test's connection (and its transaction) open
    across requests made through the WSGI app."""
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections

    for signal in (request_started, request_finished):
        signal.disconnect(close_old_connections)
    yield
    for signal in (request_started, request_finished):
        signal.connect(close_old_connections)


@pytest.fixture
def operator_token(network, keep_connection):
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
