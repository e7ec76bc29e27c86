"""An upheld complaint on an accepted order gives the money back: the voucher part to the
grant, the enterprise part as a refund due, the provider's reimbursement corrected."""

import random
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied

from marketplace.factories import accepted_order
from parkos.core.errors import Conflict, NotFound, ServiceError, ValidationFailed
from parkos.core.models import AuditEntry
from parkos.marketplace.models import (
    ClaimStatus,
    ComplaintStatus,
    Order,
    OrderRefund,
    OrderStatus,
    VoucherClaim,
    VoucherLedgerEntry,
)
from parkos.marketplace.services import complaints, orders, subscriptions, vouchers

pytestmark = pytest.mark.django_db


def _complained(market, order, text, **decision):
    """A complaint by the tenant, decided by the operator."""
    complaint = complaints.complaint_open(actor=market.tenant, order=order, text=text)
    complaints.complaint_resolve(actor=market.operator, complaint=complaint, **decision)
    return complaint


def _kinds(grant):
    return list(
        VoucherLedgerEntry.objects.filter(grant=grant).order_by("at").values_list("kind", flat=True)
    )


def test_upheld_complaint_on_an_accepted_order_refunds_it_in_full(market, books):
    order = accepted_order(market)
    market.grant.refresh_from_db()
    assert market.grant.balance == Decimal("4500.00") and market.grant.redeemed == 500
    complaint = _complained(market, order, "服务中断三天", upheld=True, resolution="全额退款")
    order.refresh_from_db()
    assert order.status == OrderStatus.REFUNDED and order.closed_at is not None
    assert order.voucher_refunded == Decimal("500.00")
    assert order.enterprise_refunded == Decimal("500.00")
    market.grant.refresh_from_db()
    assert market.grant.balance == Decimal("5000.00") and market.grant.redeemed == 0
    assert _kinds(market.grant) == ["grant", "reserve", "redeem", "refund"]
    refund = OrderRefund.objects.get(order=order)
    assert refund.complaint == complaint and refund.reason == "complaint"
    assert refund.clawback_amount == 0
    market.programme.refresh_from_db()
    assert market.programme.redeemed_total == 0
    assert list(order.events.values_list("action", flat=True))[-1] == "refund"
    assert AuditEntry.objects.filter(action="order.refund", object_id=str(order.pk)).exists()
    books(market.programme)
    # A refunded order has nothing left to claim.
    with pytest.raises(Conflict):
        vouchers.claim_create(actor=market.provider_staff, order=order)


def test_a_partial_refund_splits_as_the_order_was_paid_and_keeps_the_order(market, books):
    order = accepted_order(market, plan=market.yearly_plan)
    assert order.voucher_amount == Decimal("5000.00")
    assert order.enterprise_amount == Decimal("5000.00")
    _complained(
        market, order, "部分功能不可用", upheld=True, resolution="退还三成", refund_amount="3000"
    )
    order.refresh_from_db()
    assert order.status == OrderStatus.ACCEPTED
    assert order.voucher_refunded == Decimal("1500.00")
    assert order.enterprise_refunded == Decimal("1500.00")
    market.grant.refresh_from_db()
    assert market.grant.balance == Decimal("1500.00")
    books(market.programme)
    # A second complaint upheld without an amount refunds what is left, and closes it.
    _complained(market, order, "仍不可用", upheld=True, resolution="余款退还")
    order.refresh_from_db()
    assert order.status == OrderStatus.REFUNDED
    assert order.voucher_refunded == order.voucher_amount
    assert order.enterprise_refunded == order.enterprise_amount
    books(market.programme)


def test_a_refund_split_rounds_the_voucher_part_to_the_cent(market, books):
    order = accepted_order(market)
    _complained(market, order, "慢", upheld=True, resolution="退一分", refund_amount="0.01")
    order.refresh_from_db()
    assert order.voucher_refunded + order.enterprise_refunded == Decimal("0.01")
    books(market.programme)


def test_refund_of_an_already_reimbursed_order_claws_back_from_the_provider(market, books):
    order = accepted_order(market)
    claim = vouchers.claim_create(actor=market.provider_staff, order=order)
    vouchers.claims_decide(actor=market.operator, claim_ids=[claim.id])
    market.programme.refresh_from_db()
    assert market.programme.reimbursed_total == Decimal("500.00")
    _complained(market, order, "未交付", upheld=True, resolution="退款并追回")
    refund = OrderRefund.objects.get(order=order)
    assert refund.clawback_amount == Decimal("500.00")
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.APPROVED and claim.amount == Decimal("500.00")
    market.programme.refresh_from_db()
    assert market.programme.reimbursed_total == 0
    assert AuditEntry.objects.filter(action="voucher_claim.clawback").exists()
    books(market.programme)


def test_refund_lowers_or_withdraws_a_claim_not_yet_decided(market, books):
    order = accepted_order(market, plan=market.yearly_plan)
    claim = vouchers.claim_create(actor=market.provider_staff, order=order)
    _complained(market, order, "部分不可用", upheld=True, resolution="退一半", refund_amount="5000")
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.SUBMITTED and claim.amount == Decimal("2500.00")
    _complained(market, order, "完全不可用", upheld=True, resolution="全部退还")
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.WITHDRAWN
    with pytest.raises(Conflict):
        vouchers.claims_decide(actor=market.operator, claim_ids=[claim.id])
    books(market.programme)


def test_refund_to_an_expired_grant_expires_with_it(market, books):
    from datetime import timedelta

    from django.utils import timezone

    order = accepted_order(market)
    market.grant.valid_until = timezone.localdate() - timedelta(days=1)
    market.grant.save(update_fields=["valid_until"])
    vouchers.grants_expire()
    _complained(market, order, "未交付", upheld=True, resolution="退款")
    market.grant.refresh_from_db()
    assert market.grant.balance == 0
    assert _kinds(market.grant)[-2:] == ["refund", "expire"]
    books(market.programme)


def test_a_dismissed_complaint_on_an_accepted_order_moves_no_money(market, books):
    order = accepted_order(market)
    _complained(market, order, "不满意", upheld=False, resolution="已按约交付")
    order.refresh_from_db()
    assert order.status == OrderStatus.ACCEPTED and order.voucher_refunded == 0
    assert not OrderRefund.objects.exists()
    books(market.programme)


def test_upheld_with_a_zero_refund_is_a_recorded_decision(market, books):
    order = accepted_order(market)
    _complained(
        market, order, "响应慢", upheld=True, resolution="服务商延长服务期一个月", refund_amount="0"
    )
    order.refresh_from_db()
    assert order.status == OrderStatus.ACCEPTED and not OrderRefund.objects.exists()
    entry = AuditEntry.objects.get(action="complaint.upheld")
    assert entry.changes["refund"] == "0.00"
    books(market.programme)


@pytest.mark.parametrize("amount", ["-1", "1000.01", "abc", "NaN"])
def test_a_bad_refund_amount_is_refused_and_changes_nothing(market, books, amount):
    order = accepted_order(market)
    complaint = complaints.complaint_open(actor=market.tenant, order=order, text="不满意")
    with pytest.raises(ValidationFailed) as refused:
        complaints.complaint_resolve(
            actor=market.operator,
            complaint=complaint,
            upheld=True,
            resolution="退款",
            refund_amount=amount,
        )
    assert "refund_amount" in refused.value.fields
    complaint.refresh_from_db()
    order.refresh_from_db()
    assert complaint.status == ComplaintStatus.OPEN and order.voucher_refunded == 0
    books(market.programme)


def test_only_the_operator_resolves_and_only_once(market, books):
    order = accepted_order(market)
    complaint = complaints.complaint_open(actor=market.tenant, order=order, text="不满意")
    for outsider in (market.tenant, market.provider_staff, market.reviewer):
        with pytest.raises(PermissionDenied):
            complaints.complaint_resolve(
                actor=outsider, complaint=complaint, upheld=True, resolution="自行退款"
            )
    complaints.complaint_resolve(
        actor=market.operator, complaint=complaint, upheld=True, resolution="退款"
    )
    with pytest.raises(Conflict):
        complaints.complaint_resolve(
            actor=market.operator, complaint=complaint, upheld=True, resolution="再退"
        )
    assert OrderRefund.objects.count() == 1
    books(market.programme)


def test_the_refund_over_the_api_and_the_report(api, market, books):
    order = accepted_order(market)
    complaint = complaints.complaint_open(actor=market.tenant, order=order, text="不满意")
    path = f"/api/marketplace/complaints/{complaint.id}/resolve"
    assert (
        api.login(market.other_tenant).post(path, {"upheld": True, "resolution": "x"}).status_code
        == 404
    )
    assert (
        api.login(market.tenant).post(path, {"upheld": True, "resolution": "x"}).status_code == 403
    )
    too_much = api.login(market.operator).post(
        path, {"upheld": True, "resolution": "退款", "refund_amount": "5000"}
    )
    assert too_much.status_code == 422 and too_much.json()["code"] == "refund_too_large"
    done = api.post(path, {"upheld": True, "resolution": "退款", "refund_amount": "400"})
    assert done.status_code == 200 and done.json()["status"] == "upheld"
    detail = api.login(market.tenant).get(f"/api/marketplace/orders/{order.id}").json()
    assert detail["voucher_refunded"] == "200.00" and detail["enterprise_refunded"] == "200.00"
    refunds = api.get(f"/api/marketplace/orders/{order.id}/refunds").json()
    assert [r["voucher_amount"] for r in refunds] == ["200.00"]
    assert (
        api.login(market.other_tenant)
        .get(f"/api/marketplace/orders/{order.id}/refunds")
        .status_code
        == 404
    )
    report = (
        api.login(market.operator)
        .get(f"/api/marketplace/voucher-programmes/{market.programme.id}/report")
        .json()
    )
    assert report["used"] == "300.00" and report["refunded"] == "200.00"
    assert report["by_category"][0]["used"] == "300.00"
    books(market.programme)


def test_the_operator_resolves_on_the_order_page(client, market, books):
    from factories import PASSWORD

    order = accepted_order(market)
    complaint = complaints.complaint_open(actor=market.tenant, order=order, text="不满意")
    client.login(username=market.operator.username, password=PASSWORD)
    page = client.get(f"/marketplace/orders/{order.id}/")
    assert b'data-testid="resolve-complaint"' in page.content
    action = f"/marketplace/orders/{order.id}/resolve/"
    bad = client.post(
        action,
        {"complaint": complaint.id, "decision": "uphold", "resolution": "退", "refund_amount": "x"},
        follow=True,
    )
    assert "alert-danger" in bad.content.decode()
    order.refresh_from_db()
    assert order.voucher_refunded == 0
    client.post(action, {"complaint": complaint.id, "decision": "uphold", "resolution": "全额退款"})
    order.refresh_from_db()
    assert order.status == OrderStatus.REFUNDED
    page = client.get(f"/marketplace/orders/{order.id}/")
    assert b'data-testid="order-refunds"' in page.content
    client.login(username=market.tenant.username, password=PASSWORD)
    assert (
        b'data-testid="resolve-complaint"'
        not in client.get(f"/marketplace/orders/{order.id}/").content
    )
    books(market.programme)


def test_the_books_balance_through_a_random_walk_of_orders(market, books):
    """Many orders, each pushed at random through every way money moves; after each step
    every invariant of check_books holds, whatever was refused on the way."""
    from parkos.marketplace.models import Plan

    once = Plan.objects.create(
        product=market.product, name="一次性部署", price=Decimal("800.00"), billing_period="once"
    )
    plans = [market.plan, market.plan, market.plan, market.yearly_plan, once]
    rng = random.Random(20260401)
    placed: list[Order] = []
    vouchers.grant_create(
        actor=market.reviewer,
        programme=market.programme,
        enterprise=market.enterprise,
        amount="15000.00",
    )
    actions = [
        "place",
        "place",
        "place",
        "cancel",
        "deliver",
        "deliver",
        "accept",
        "accept",
        "complain",
        "resolve",
        "claim",
        "approve",
        "end",
        "renew",
    ]
    # Mostly an order the action fits, sometimes any order, so that refusals happen too.
    fits = {
        "cancel": ["ordered"],
        "deliver": ["ordered"],
        "accept": ["delivered"],
        "complain": ["delivered", "accepted"],
        "resolve": ["complained", "accepted"],
        "claim": ["accepted", "cancelled"],
        "end": ["accepted"],
        "renew": ["accepted"],
    }
    for _step in range(120):
        action = rng.choice(actions) if placed else "place"
        for candidate in placed:
            candidate.refresh_from_db()
        fitting = [o for o in placed if o.status in fits.get(action, [])]
        order = (
            rng.choice(fitting)
            if fitting and rng.random() < 0.85
            else (rng.choice(placed) if placed else None)
        )
        try:
            if action == "place":
                plan = rng.choice(plans)
                placed.append(
                    orders.order_place(
                        actor=market.tenant,
                        product=market.product,
                        plan=plan,
                        use_voucher=rng.random() < 0.8,
                    )
                )
            elif action == "cancel":
                orders.order_cancel(actor=market.tenant, order=order, reason="不需要了")
            elif action == "deliver":
                orders.order_deliver(actor=market.provider_staff, order=order)
            elif action == "accept":
                orders.order_accept(actor=market.tenant, order=order)
            elif action == "complain":
                complaints.complaint_open(actor=market.tenant, order=order, text="有问题")
            elif action == "resolve":
                complaint = order.complaints.filter(status=ComplaintStatus.OPEN).first()
                if complaint is not None:
                    amount = rng.choice([None, "0", "0.01", "123.45", "99999"])
                    complaints.complaint_resolve(
                        actor=market.operator,
                        complaint=complaint,
                        upheld=rng.random() < 0.7,
                        resolution="处理",
                        refund_amount=amount,
                    )
            elif action == "claim":
                vouchers.claim_create(actor=market.provider_staff, order=order)
            elif action == "approve":
                waiting = list(
                    VoucherClaim.objects.filter(status=ClaimStatus.SUBMITTED).values_list(
                        "id", flat=True
                    )
                )
                if waiting:
                    vouchers.claims_decide(actor=market.operator, claim_ids=waiting)
            elif action == "end":
                who = rng.choice([market.tenant, market.operator])
                subscriptions.subscription_cancel(
                    actor=who,
                    order=order,
                    reason="停用",
                    effective=rng.choice(["period_end", "immediately"]),
                )
            elif action == "renew":
                placed.append(
                    orders.order_renew(actor=market.tenant, order=order, use_voucher=True)
                )
        except (ServiceError, PermissionDenied, NotFound):
            pass
        books(market.programme)
    states = set(Order.objects.values_list("status", flat=True))
    assert {OrderStatus.ACCEPTED, OrderStatus.ORDERED} <= states


def _reimbursed_then_refunded(market, refund_amount=None):
    order = accepted_order(market)
    claim = vouchers.claim_create(actor=market.provider_staff, order=order)
    vouchers.claims_decide(actor=market.operator, claim_ids=[claim.id])
    complaint = complaints.complaint_open(actor=market.tenant, order=order, text="未交付")
    extra = {} if refund_amount is None else {"refund_amount": refund_amount}
    complaints.complaint_resolve(
        actor=market.operator, complaint=complaint, upheld=True, resolution="退款", **extra
    )
    claim.refresh_from_db()
    return order, claim


def test_a_clawback_is_owed_on_the_claim_until_the_operator_settles_it(market, books):
    from parkos.marketplace import selectors

    _order, claim = _reimbursed_then_refunded(market)
    assert claim.status == ClaimStatus.APPROVED
    assert claim.clawed_back == Decimal("500.00") and claim.clawback_owed == Decimal("500.00")
    owed = selectors.CLAWBACK_OWED
    assert list(selectors.claim_list(actor=market.provider_staff, status=owed)) == [claim]
    assert list(selectors.claim_list(actor=market.other_staff, status=owed)) == []
    report = selectors.programme_report(actor=market.operator, programme=market.programme)
    assert report["clawed_back"] == Decimal("500.00") and report["reimbursed"] == 0
    assert report["clawback_owed"] == Decimal("500.00") and report["clawback_settled"] == 0
    books(market.programme)

    with pytest.raises(PermissionDenied):
        vouchers.clawbacks_settle(actor=market.provider_staff, claim_ids=[claim.id])
    vouchers.clawbacks_settle(actor=market.operator, claim_ids=[claim.id])
    claim.refresh_from_db()
    assert claim.clawback_settled == Decimal("500.00") and claim.clawback_owed == 0
    assert claim.clawback_settled_at is not None
    assert AuditEntry.objects.filter(action="voucher_claim.clawback_settle").count() == 1
    assert list(selectors.claim_list(actor=market.operator, status=owed)) == []
    report = selectors.programme_report(actor=market.operator, programme=market.programme)
    assert report["clawback_owed"] == 0 and report["clawback_settled"] == Decimal("500.00")
    assert report["reimbursed"] == 0
    with pytest.raises(Conflict) as again:
        vouchers.clawbacks_settle(actor=market.operator, claim_ids=[claim.id])
    assert again.value.code == "nothing_to_settle"
    books(market.programme)


def test_partial_refunds_claw_back_in_steps_never_beyond_the_claim(market, books):
    order, claim = _reimbursed_then_refunded(market, refund_amount="400")
    assert claim.clawed_back == Decimal("200.00")
    vouchers.clawbacks_settle(actor=market.operator, claim_ids=[claim.id])
    order.refresh_from_db()
    _complained(market, order, "仍未交付", upheld=True, resolution="退余款")
    claim.refresh_from_db()
    # The second refund's voucher part (300) is owed again, the first one's is settled.
    assert claim.clawed_back == Decimal("500.00") == claim.amount
    assert claim.clawback_settled == Decimal("200.00") and claim.clawback_owed == Decimal("300.00")
    assert sum(r.clawback_amount for r in OrderRefund.objects.filter(order=order)) == Decimal(
        "500.00"
    )
    books(market.programme)


def test_a_refund_before_the_claim_is_decided_owes_nothing_back(market, books):
    order = accepted_order(market)
    claim = vouchers.claim_create(actor=market.provider_staff, order=order)
    _complained(market, order, "慢", upheld=True, resolution="退一半", refund_amount="400")
    claim.refresh_from_db()
    assert claim.amount == Decimal("300.00") and claim.clawed_back == 0
    with pytest.raises(Conflict):
        vouchers.clawbacks_settle(actor=market.operator, claim_ids=[claim.id])
    books(market.programme)


def test_clawbacks_over_the_api_and_on_the_vouchers_page(api, client, market, books):
    from factories import PASSWORD

    _order, claim = _reimbursed_then_refunded(market)
    listed = (
        api.login(market.provider_staff)
        .get("/api/marketplace/claims", status="clawback_owed")
        .json()
    )
    assert [(c["id"], c["clawback_owed"]) for c in listed["items"]] == [(str(claim.id), "500.00")]
    path = "/api/marketplace/claims/settle-clawbacks"
    assert api.post(path, {"claims": [str(claim.id)]}).status_code == 403
    client.login(username=market.provider_staff.username, password=PASSWORD)
    page = client.get("/marketplace/vouchers/").content.decode()
    assert 'data-testid="clawbacks"' in page and claim.order.number in page
    settled = api.login(market.operator).post(path, {"claims": [str(claim.id)]})
    assert settled.status_code == 200 and settled.json()[0]["clawback_owed"] == "0.00"
    assert api.post(path, {"claims": [str(claim.id)]}).json()["code"] == "nothing_to_settle"
    report = api.get(f"/api/marketplace/voucher-programmes/{market.programme.id}/report").json()
    assert report["clawed_back"] == "500.00" and report["clawback_settled"] == "500.00"
    assert report["clawback_owed"] == "0.00"
    books(market.programme)


def test_the_operator_settles_clawbacks_on_the_vouchers_page(client, market, books):
    from factories import PASSWORD

    _order, claim = _reimbursed_then_refunded(market)
    client.login(username=market.operator.username, password=PASSWORD)
    page = client.get("/marketplace/vouchers/").content.decode()
    assert 'data-testid="clawbacks"' in page
    response = client.post("/marketplace/vouchers/clawbacks/", {"claims": [str(claim.id)]})
    assert response.status_code == 302
    claim.refresh_from_db()
    assert claim.clawback_owed == 0
    assert 'data-testid="clawbacks"' not in client.get("/marketplace/vouchers/").content.decode()
    books(market.programme)
