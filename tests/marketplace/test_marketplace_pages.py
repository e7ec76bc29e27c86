"""The web pages: each role sees what it may, outsiders get 404, and the dashboard draws."""

import pytest

from factories import PASSWORD
from marketplace import factories
from parkos.marketplace.services import complaints, orders, vouchers

pytestmark = pytest.mark.django_db


def _login(client, user):
    client.login(username=user.username, password=PASSWORD)
    return client


def test_pages_render_for_their_users(client, market):
    enquiry = orders.enquiry_create(
        actor=market.tenant, product=market.product, plan=market.plan, message="询价"
    )
    _login(client, market.tenant)
    for path in (
        "/marketplace/",
        f"/marketplace/products/{market.product.id}/",
        f"/marketplace/providers/{market.provider.id}/",
        "/marketplace/orders/",
        f"/marketplace/orders/{enquiry.id}/",
        "/marketplace/vouchers/",
        "/marketplace/ranking/",
        "/marketplace/providers/apply/",
    ):
        assert client.get(path).status_code == 200, path
    assert client.get("/marketplace/dashboard/").status_code == 403
    assert client.get("/marketplace/review/").status_code == 403
    _login(client, market.provider_staff)
    dashboard = client.get("/marketplace/dashboard/")
    assert dashboard.status_code == 200 and b"funnel-chart" in dashboard.content
    _login(client, market.operator)
    assert client.get("/marketplace/review/").status_code == 200
    assert client.get("/marketplace/vouchers/").status_code == 200


def test_outsiders_get_404_for_an_order(client, market):
    enquiry = orders.enquiry_create(
        actor=market.tenant, product=market.product, plan=market.plan, message="询价"
    )
    assert client.get(f"/marketplace/orders/{enquiry.id}/").status_code == 302
    _login(client, market.other_tenant)
    assert client.get(f"/marketplace/orders/{enquiry.id}/").status_code == 404
    _login(client, market.other_staff)
    assert client.get(f"/marketplace/orders/{enquiry.id}/").status_code == 404
    response = client.post(f"/marketplace/orders/{enquiry.id}/quote/", {"amount": "1"})
    assert response.status_code == 404
    enquiry.refresh_from_db()
    assert enquiry.quoted_amount is None


def test_a_refused_action_shows_the_error_under_its_field_and_keeps_the_input(client, market):
    enquiry = orders.enquiry_create(
        actor=market.tenant, product=market.product, plan=market.plan, message="询价"
    )
    _login(client, market.provider_staff)
    response = client.post(
        f"/marketplace/orders/{enquiry.id}/quote/", {"amount": "-3", "note": "含部署"}
    )
    assert response.status_code == 422
    page = response.content.decode()
    assert "alert-danger" in page and 'data-testid="error-amount"' in page
    assert 'value="-3"' in page and 'value="含部署"' in page
    enquiry.refresh_from_db()
    assert enquiry.quoted_amount is None


def test_provider_lists_a_product_on_the_web_and_the_operator_publishes_it(client, market):
    from parkos.marketplace.models import Product, ProductStatus

    _login(client, market.provider_staff)
    form = {
        "provider": str(market.provider.id),
        "category": "video-meeting",
        "name": "云会远程培训直播",
        "delivery_model": "saas",
        "sla_response_hours": "4",
        "sla_delivery_days": "2",
        "plan_name": "月付",
        "plan_billing_period": "month",
        "voucher_eligible": "1",
    }
    refused = client.post("/marketplace/products/new/", {**form, "plan_price": "-1"})
    assert refused.status_code == 422
    assert not Product.objects.filter(name="云会远程培训直播").exists()
    created = client.post("/marketplace/products/new/", {**form, "plan_price": "800"})
    product = Product.objects.get(name="云会远程培训直播")
    assert created.status_code == 302 and product.status == ProductStatus.DRAFT
    client.post(f"/marketplace/products/{product.id}/submit/")
    product.refresh_from_db()
    assert product.status == ProductStatus.PENDING
    _login(client, market.other_staff)
    assert client.get("/marketplace/products/new/").status_code == 200
    assert client.get(f"/marketplace/products/{product.id}/").status_code == 404
    _login(client, market.operator)
    client.post(f"/marketplace/products/{product.id}/review/", {"decision": "approve"})
    product.refresh_from_db()
    assert product.status == ProductStatus.LIVE and product.min_price == 800


LIST_PAGES = {
    "tenant": ["/marketplace/orders/", "/marketplace/vouchers/", "/marketplace/ranking/"],
    "provider_staff": [
        "/marketplace/orders/",
        "/marketplace/dashboard/",
        "/marketplace/vouchers/",
        "/marketplace/providers/{provider}/",
    ],
    "operator": ["/marketplace/orders/", "/marketplace/vouchers/", "/marketplace/review/"],
}


@pytest.mark.parametrize("rows", [1, 4])
def test_list_pages_have_a_query_budget(client, market, rows, django_assert_max_num_queries):
    """A list page costs the same few queries whatever its length: 1 and 4 of everything
    (orders, claims, complaints, reviews, applications) stay under one budget."""
    for n in range(rows):
        order = factories.accepted_order(market)
        complaints.review_create(actor=market.tenant, order=order, stars=5)
        complaints.complaint_open(actor=market.tenant, order=order, text=f"慢{n}")
        vouchers.claim_create(actor=market.provider_staff, order=order)
        factories.enquiry(market, message=f"询价{n}")
    for role, paths in LIST_PAGES.items():
        _login(client, getattr(market, role))
        for path in paths:
            path = path.format(provider=market.provider.id)
            with django_assert_max_num_queries(BUDGETS.get(path, 12)):
                assert client.get(path).status_code == 200, (role, path)


# The vouchers page shows each grant with its ledger and each programme with its report.
BUDGETS = {"/marketplace/vouchers/": 15}
