"""Property-based checks of the endpoints that move money back (cancelling a subscription,
resolving a complaint, listing refunds) against the OpenAPI schema: whatever a client
sends, the answer is a documented status in the one error format, never a crash, and the
books still balance."""

import zlib

import pytest
import schemathesis
from django.core.wsgi import get_wsgi_application
from hypothesis import HealthCheck, settings

# The application itself, without the production start's check for a deployment key.
schema = schemathesis.openapi.from_wsgi("/api/openapi.json", get_wsgi_application())
MONEY_PATHS = (
    r"^/api/marketplace/(orders/\{order_id\}/(cancel-subscription|refunds)"
    r"|complaints/\{complaint_id\}/resolve)$"
)


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
def accepted(market, keep_connection):
    from parkos.accounts.services import token_create
    from parkos.marketplace.services import complaints, orders

    order = orders.order_place(
        actor=market.tenant, product=market.product, plan=market.yearly_plan, use_voucher=True
    )
    orders.order_deliver(actor=market.provider_staff, order=order)
    orders.order_accept(actor=market.tenant, order=order)
    complaint = complaints.complaint_open(actor=market.tenant, order=order, text="不可用")
    _token, raw = token_create(user=market.operator)
    return market, order, complaint, raw


@pytest.mark.django_db
@schema.include(path_regex=MONEY_PATHS).parametrize()
@settings(max_examples=15, deadline=None, suppress_health_check=list(HealthCheck))
def test_money_endpoints_conform_to_their_schema(case, accepted, books):
    market, order, complaint, token = accepted
    # Real ids half the time, so that the bodies reach the services, not only the 404.
    if case.path_parameters and zlib.crc32(repr(case.body).encode()) % 2 == 0:
        case.path_parameters = {
            key: str(order.id if key == "order_id" else complaint.id)
            for key in case.path_parameters
        }
    response = case.call(headers={"Authorization": f"Bearer {token}"})
    assert response.status_code < 500, response.text
    if response.status_code >= 400:
        body = response.json()
        # The one error format; a refused transition also names the state and the action.
        assert (
            {"code", "message", "fields"}
            <= set(body)
            <= {
                "code",
                "message",
                "fields",
                "state",
                "action",
            }
        )
    case.validate_response(response, checks=[schemathesis.checks.not_a_server_error])
    books(market.programme)
