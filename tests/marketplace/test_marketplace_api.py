"""The JSON door: the permission matrix per endpoint with tenant data, bad input, and
list query budgets."""

from decimal import Decimal

import pytest

from marketplace import factories
from parkos.marketplace.models import Order, OrderStatus, VoucherGrant
from parkos.marketplace.services import complaints, orders, vouchers

pytestmark = pytest.mark.django_db
BASE = "/api/marketplace"


@pytest.fixture
def enquiry(market):
    return orders.enquiry_create(
        actor=market.tenant, product=market.product, plan=market.plan, message="需要报价"
    )


def test_anonymous_is_401_everywhere(api, market, enquiry):
    api.anonymous()
    for path in (
        "/products",
        f"/orders/{enquiry.id}",
        "/orders",
        "/voucher-grants",
        f"/voucher-grants/{market.grant.id}",
    ):
        assert api.get(BASE + path).status_code == 401, path
    assert api.post(f"{BASE}/orders/{enquiry.id}/quote", {"amount": "10"}).status_code == 401


def test_order_matrix(api, market, enquiry):
    path = f"{BASE}/orders/{enquiry.id}"
    assert api.login(market.other_tenant).get(path).status_code == 404
    assert api.login(market.other_staff).get(path).status_code == 404
    assert api.login(market.tenant).get(path).status_code == 200
    assert api.login(market.provider_staff).get(path).status_code == 200
    assert api.login(market.operator).get(path).status_code == 200
    listed = api.login(market.other_tenant).get(f"{BASE}/orders").json()
    assert listed["count"] == 0


def test_quote_matrix_and_bad_amounts(api, market, enquiry):
    path = f"{BASE}/orders/{enquiry.id}/quote"
    assert api.login(market.other_staff).post(path, {"amount": "900"}).status_code == 404
    # The buyer sees the enquiry but may not quote it.
    assert api.login(market.tenant).post(path, {"amount": "900"}).status_code == 403
    api.login(market.provider_staff)
    for bad in ("0", "-1"):
        refused = api.post(path, {"amount": bad})
        assert refused.status_code == 422, bad
        assert "amount" in refused.json()["fields"]
    assert api.post(path, {"amount": "abc"}).status_code == 422
    enquiry.refresh_from_db()
    assert enquiry.status == OrderStatus.ENQUIRY
    # A third decimal is a typing mistake to point out, not something to round away.
    assert api.post(path, {"amount": "900.005"}).status_code == 422
    quoted = api.post(path, {"amount": "900.01"})
    assert quoted.status_code == 200 and quoted.json()["quoted_amount"] == "900.01"


def test_grant_and_balance_matrix(api, market):
    path = f"{BASE}/voucher-grants/{market.grant.id}"
    assert api.login(market.other_tenant).get(path).status_code == 404
    assert api.login(market.provider_staff).get(path).status_code == 404
    mine = api.login(market.tenant_member).get(path)
    assert mine.status_code == 200
    assert mine.json()["balance"] == "5000.00"
    assert [row["kind"] for row in mine.json()["ledger"]] == ["grant"]
    assert api.login(market.other_tenant).get(f"{BASE}/voucher-grants").json()["count"] == 0


def test_full_journey_over_the_api(api, market, enquiry):
    api.login(market.provider_staff).post(f"{BASE}/orders/{enquiry.id}/quote", {"amount": "1800"})
    api.login(market.tenant)
    split = api.get(f"{BASE}/orders/{enquiry.id}/split").json()
    assert split["voucher"] == "900.00" and split["enterprise_pays"] == "900.00"
    assert split["balance_after"] == "4100.00"
    over = api.post(
        f"{BASE}/orders/{enquiry.id}/place", {"use_voucher": True, "voucher_amount": "901"}
    )
    assert over.status_code == 422 and over.json()["code"] == "voucher_over_ratio"
    placed = api.post(
        f"{BASE}/orders/{enquiry.id}/place",
        {"use_voucher": True, "invoice": {"title": "上海云图", "tax_id": "91310115MA1H7XXXX"}},
    )
    assert placed.status_code == 200, placed.content
    assert placed.json()["voucher_amount"] == "900.00"
    early = api.post(f"{BASE}/orders/{enquiry.id}/review", {"stars": 5})
    assert early.status_code == 409
    assert (
        api.login(market.other_staff).post(f"{BASE}/orders/{enquiry.id}/deliver").status_code == 404
    )
    assert (
        api.login(market.provider_staff).post(f"{BASE}/orders/{enquiry.id}/deliver").status_code
        == 200
    )
    api.login(market.tenant)
    assert api.post(f"{BASE}/orders/{enquiry.id}/accept").status_code == 200
    assert api.post(f"{BASE}/orders/{enquiry.id}/review", {"stars": 6}).status_code == 422
    assert (
        api.post(f"{BASE}/orders/{enquiry.id}/review", {"stars": 4, "text": "好"}).status_code
        == 201
    )
    assert api.post(f"{BASE}/orders/{enquiry.id}/review", {"stars": 5}).status_code == 409
    claim = api.login(market.provider_staff).post(f"{BASE}/claims", {"order": str(enquiry.id)})
    assert claim.status_code == 201 and claim.json()["amount"] == "900.00"
    assert api.post(f"{BASE}/claims", {"order": str(enquiry.id)}).status_code == 409
    refused = api.post(f"{BASE}/claims/decide", {"claims": [claim.json()["id"]]})
    assert refused.status_code == 403
    decided = api.login(market.operator).post(
        f"{BASE}/claims/decide", {"claims": [claim.json()["id"]]}
    )
    assert decided.status_code == 200 and decided.json()[0]["status"] == "approved"
    report = api.get(f"{BASE}/voucher-programmes/{market.programme.id}/report").json()
    assert report["used"] == "900.00" and report["reimbursed"] == "900.00"
    assert report["by_category"][0]["category"] == "视频会议"
    assert (
        api.login(market.tenant)
        .get(f"{BASE}/voucher-programmes/{market.programme.id}/report")
        .status_code
        == 403
    )


def test_direct_order_refuses_ineligible_voucher_and_changes_nothing(api, market):
    response = api.login(market.tenant).post(
        f"{BASE}/orders",
        {
            "product": str(market.plain_product.id),
            "plan": str(market.plain_plan.id),
            "use_voucher": True,
        },
    )
    assert response.status_code == 422
    assert response.json()["code"] == "voucher_not_eligible"
    assert not Order.objects.exists()
    assert VoucherGrant.objects.get().balance == Decimal("5000.00")


def test_product_with_negative_price_is_refused(api, market):
    response = api.login(market.provider_staff).post(
        f"{BASE}/products",
        {
            "provider": str(market.provider.id),
            "category": "video-meeting",
            "name": "负价产品",
            "delivery_model": "saas",
            "plans": [{"name": "x", "price": "-10", "billing_period": "month"}],
        },
    )
    assert response.status_code == 422 and "price" in response.json()["fields"]
    assert not market.provider.products.filter(name="负价产品").exists()
    other = api.login(market.other_staff).post(
        f"{BASE}/products",
        {
            "provider": str(market.provider.id),
            "category": "video-meeting",
            "name": "冒名",
            "delivery_model": "saas",
        },
    )
    assert other.status_code == 403


def test_search_endpoint_and_bad_input(api, market):
    api.login(market.tenant)
    found = api.get(f"{BASE}/products", q="视频会议", voucher="true")
    assert found.status_code == 200 and found.json()["count"] == 1
    assert api.get(f"{BASE}/products", q="x" * 10_000).status_code == 422
    assert api.get(f"{BASE}/products", sort="bogus").status_code == 422
    assert api.get(f"{BASE}/products", category="nope").status_code == 422
    assert api.get(f"{BASE}/products", q="'; DROP TABLE x; --").status_code == 200
    facets = api.get(f"{BASE}/products/facets", q="video").json()
    assert facets["total"] == 1


def _busy_market(market):
    """Several rows behind every list, so that a list reading one row at a time shows."""
    for n in range(4):
        order = factories.accepted_order(market)
        complaints.review_create(actor=market.tenant, order=order, stars=4, text=f"好{n}")
        complaints.complaint_open(actor=market.tenant, order=order, text=f"慢{n}")
        vouchers.claim_create(actor=market.provider_staff, order=order)
        factories.enquiry(market, message=f"批量{n}")
    vouchers.voucher_apply(
        actor=market.tenant,
        programme=market.programme,
        enterprise=market.enterprise,
        amount="1000",
        purpose="采购",
    )


LIST_ENDPOINTS = [
    "/orders",
    "/complaints",
    "/providers",
    "/products",
    "/products/{product}/reviews",
    "/orders/{order}/refunds",
    "/categories",
    "/ranking",
    "/voucher-programmes",
    "/voucher-applications",
    "/voucher-grants",
    "/claims",
]


def test_list_endpoints_have_a_query_budget(api, market, django_assert_max_num_queries):
    """Every list of the API costs a few queries, whatever its length (the token, the
    caller's memberships, the page and its count, one per prefetched relation)."""
    _busy_market(market)
    order = Order.objects.filter(status="accepted").first()
    for caller in (market.tenant, market.operator, market.provider_staff):
        api.login(caller)
        for path in LIST_ENDPOINTS:
            path = BASE + path.format(product=market.product.id, order=order.id)
            with django_assert_max_num_queries(8):
                response = api.get(path)
            assert response.status_code == 200, (caller, path, response.content)
    api.login(market.tenant)
    assert api.get(f"{BASE}/orders").json()["count"] == 8


def test_dashboard_split_and_product_update(api, market):
    api.login(market.provider_staff)
    path = f"{BASE}/providers/{market.provider.id}/dashboard"
    assert api.get(path).status_code == 200
    assert api.login(market.other_staff).get(path).status_code == 403
    split = api.login(market.tenant).get(
        f"{BASE}/products/{market.product.id}/split", plan=str(market.plan.id), quantity=2
    )
    assert split.status_code == 200 and split.json()["voucher"] == "1000.00"
    from django.test import Client

    patch = Client().patch(
        f"{BASE}/products/{market.product.id}",
        {"name": "云会视频会议旗舰版"},
        content_type="application/json",
        **api.login(market.provider_staff).headers,
    )
    assert patch.status_code == 200 and patch.json()["status"] == "pending"
    refused = Client().patch(
        f"{BASE}/products/{market.plain_product.id}",
        {"name": "冒名"},
        content_type="application/json",
        **api.headers,
    )
    assert refused.status_code == 403


def test_money_beyond_what_an_order_or_a_field_can_hold_is_a_field_error(api, market, enquiry):
    """QA got 500s for a voucher part above the order's amount and for an amount of 1e30, and
    saw 10.005 silently stored as 10.01."""
    provider = api.login(market.provider_staff)
    for amount, message in (("1e30", "金额不能超过"), ("10.005", "两位小数")):
        response = provider.post(f"{BASE}/orders/{enquiry.id}/quote", {"amount": amount})
        assert response.status_code == 422, response.content
        assert message in response.json()["fields"]["amount"][0]
    assert provider.post(f"{BASE}/orders/{enquiry.id}/quote", {"amount": "100"}).status_code == 200
    tenant = api.login(market.tenant)
    over = tenant.post(
        f"{BASE}/orders/{enquiry.id}/place", {"use_voucher": True, "voucher_amount": "500"}
    )
    assert over.status_code == 422 and "voucher_amount" in over.json()["fields"]
    assert "¥100.00" in over.json()["fields"]["voucher_amount"][0]
    market.grant.refresh_from_db()
    assert market.grant.balance == Decimal("5000.00")
