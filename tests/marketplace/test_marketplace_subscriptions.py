"""Cancelling an accepted subscription: at the end of its period by the enterprise, at once
with a pro-rata refund by the operator; renewals already placed go with it."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from factories import PASSWORD
from marketplace.factories import accepted_order
from parkos.core.errors import Conflict, NotFound, ValidationFailed
from parkos.core.models import AuditEntry
from parkos.marketplace.models import (
    Order,
    OrderRefund,
    OrderStatus,
    Plan,
    VoucherLedgerEntry,
)
from parkos.marketplace.services import orders, subscriptions, vouchers

pytestmark = pytest.mark.django_db
BASE = "/api/marketplace"


def _started_days_ago(order, days: int, length: int = 30):
    """Move the order's period so that `days` of its `length` days lie before today."""
    start = timezone.localdate() - timedelta(days=days)
    Order.objects.filter(pk=order.pk).update(
        period_start=start, period_end=start + timedelta(days=length - 1)
    )
    order.refresh_from_db()
    return order


def _kinds(grant):
    return list(
        VoucherLedgerEntry.objects.filter(grant=grant).order_by("at").values_list("kind", flat=True)
    )


def _snapshot(order):
    order.refresh_from_db()
    return (
        order.status,
        order.subscription_cancelled_at,
        order.service_ends_on,
        order.voucher_refunded,
        order.enterprise_refunded,
        VoucherLedgerEntry.objects.count(),
        OrderRefund.objects.count(),
        order.events.count(),
    )


def test_the_enterprise_cancels_at_the_end_of_the_period(market, books):
    order = accepted_order(market)
    cancelled = subscriptions.subscription_cancel(
        actor=market.tenant_member, order=order, reason="改用自建系统"
    )
    assert cancelled.status == OrderStatus.ACCEPTED
    assert cancelled.subscription_cancelled_at is not None
    assert cancelled.service_ends_on == order.period_end
    # The period is paid and delivered: its voucher stays redeemed, nothing is refunded.
    market.grant.refresh_from_db()
    assert market.grant.redeemed == Decimal("500.00")
    assert _kinds(market.grant) == ["grant", "reserve", "redeem"]
    assert not OrderRefund.objects.exists()
    event = order.events.order_by("at").last()
    assert (event.action, event.from_status, event.to_status) == (
        "cancel_at_end",
        "accepted",
        "accepted",
    )
    entry = AuditEntry.objects.get(action="order.subscription_cancel")
    assert entry.changes["effective"] == "period_end"
    assert entry.changes["service_ends_on"] == order.period_end.isoformat()
    with pytest.raises(Conflict) as renew:
        orders.order_renew(actor=market.tenant, order=order)
    assert renew.value.code == "already_cancelled"
    # The provider may still claim the voucher part of the period it delivers.
    claim = vouchers.claim_create(actor=market.provider_staff, order=order)
    assert claim.amount == Decimal("500.00")
    books(market.programme)


def test_a_renewal_already_placed_is_cancelled_and_its_voucher_released(market, books):
    order = accepted_order(market)
    renewal = orders.order_renew(actor=market.tenant, order=order, use_voucher=True)
    market.grant.refresh_from_db()
    assert market.grant.reserved == Decimal("500.00")
    subscriptions.subscription_cancel(actor=market.tenant, order=order, reason="停用")
    renewal.refresh_from_db()
    assert renewal.status == OrderStatus.CANCELLED and renewal.closed_at is not None
    market.grant.refresh_from_db()
    assert market.grant.reserved == 0 and market.grant.balance == Decimal("4500.00")
    assert _kinds(market.grant)[-1] == "release"
    release = VoucherLedgerEntry.objects.get(kind="release")
    assert release.order_id == renewal.id and release.balance_delta == Decimal("500.00")
    audit = AuditEntry.objects.get(action="order.subscription_cancel")
    assert audit.changes["renewals_cancelled"] == [renewal.number]
    books(market.programme)


def test_a_renewal_already_delivered_stops_the_cancellation(market, books):
    order = accepted_order(market)
    renewal = orders.order_renew(actor=market.tenant, order=order, use_voucher=True)
    orders.order_deliver(actor=market.provider_staff, order=renewal)
    before = _snapshot(order)
    with pytest.raises(Conflict) as refused:
        subscriptions.subscription_cancel(actor=market.tenant, order=order, reason="停用")
    assert refused.value.code == "renewal_under_way"
    assert renewal.number in str(refused.value.message)
    assert _snapshot(order) == before
    renewal.refresh_from_db()
    assert renewal.status == OrderStatus.DELIVERED
    books(market.programme)


def test_the_operator_cancels_at_once_and_refunds_the_unused_days(market, books):
    order = _started_days_ago(accepted_order(market), days=9)
    # Ten of thirty days are used, today included: two thirds of 1000 CNY come back,
    # split as paid (500 voucher / 500 enterprise), the voucher part rounded half up.
    cancelled = subscriptions.subscription_cancel(
        actor=market.operator, order=order, reason="服务商停止服务", effective="immediately"
    )
    assert cancelled.status == OrderStatus.CANCELLED and cancelled.closed_at is not None
    assert cancelled.service_ends_on == timezone.localdate()
    assert cancelled.voucher_refunded == Decimal("333.34")
    assert cancelled.enterprise_refunded == Decimal("333.33")
    refund = OrderRefund.objects.get(order=order)
    assert refund.reason == "cancellation" and refund.clawback_amount == 0
    market.grant.refresh_from_db()
    assert market.grant.balance == Decimal("4833.34")
    assert market.grant.redeemed == Decimal("166.66")
    assert _kinds(market.grant) == ["grant", "reserve", "redeem", "refund"]
    # The used days' voucher part stays redeemed and is still the provider's to claim.
    claim = vouchers.claim_create(actor=market.provider_staff, order=order)
    assert claim.amount == Decimal("166.66")
    books(market.programme)


def test_cancelling_at_once_after_reimbursement_claws_back_the_unused_part(market, books):
    order = _started_days_ago(accepted_order(market), days=14)
    claim = vouchers.claim_create(actor=market.provider_staff, order=order)
    vouchers.claims_decide(actor=market.operator, claim_ids=[claim.id])
    subscriptions.subscription_cancel(
        actor=market.operator, order=order, reason="停止服务", effective="immediately"
    )
    refund = OrderRefund.objects.get(order=order)
    assert refund.voucher_amount == Decimal("250.00")
    assert refund.clawback_amount == Decimal("250.00")
    market.programme.refresh_from_db()
    assert market.programme.reimbursed_total == Decimal("250.00")
    books(market.programme)


def test_a_period_not_yet_begun_is_refunded_in_full(market, books):
    order = _started_days_ago(accepted_order(market), days=-3)
    subscriptions.subscription_cancel(
        actor=market.operator, order=order, reason="尚未开始", effective="immediately"
    )
    order.refresh_from_db()
    assert order.voucher_refunded == order.voucher_amount
    assert order.enterprise_refunded == order.enterprise_amount
    books(market.programme)


def test_cancelling_on_the_last_day_refunds_nothing(market, books):
    order = _started_days_ago(accepted_order(market), days=29)
    subscriptions.subscription_cancel(
        actor=market.operator, order=order, reason="到期", effective="immediately"
    )
    order.refresh_from_db()
    assert order.status == OrderStatus.CANCELLED and order.voucher_refunded == 0
    assert not OrderRefund.objects.exists()
    books(market.programme)


def test_bad_cancellations_are_refused_and_change_nothing(market, books):
    order = accepted_order(market)
    before = _snapshot(order)
    cases = [
        (market.tenant, {"reason": "  "}, ValidationFailed),
        (market.tenant, {"reason": "x", "effective": "tomorrow"}, ValidationFailed),
        (market.tenant, {"reason": "x", "effective": "immediately"}, PermissionDenied),
        (market.provider_staff, {"reason": "x"}, PermissionDenied),
        (market.reviewer, {"reason": "x"}, PermissionDenied),
        (market.other_tenant, {"reason": "x"}, NotFound),
        (market.other_staff, {"reason": "x"}, NotFound),
    ]
    for actor, kwargs, error in cases:
        with pytest.raises(error):
            subscriptions.subscription_cancel(actor=actor, order=order, **kwargs)
        assert _snapshot(order) == before, (actor, kwargs)
    subscriptions.subscription_cancel(actor=market.tenant, order=order, reason="停用")
    once_cancelled = _snapshot(order)
    for effective in ("period_end", "immediately"):
        with pytest.raises(Conflict) as twice:
            subscriptions.subscription_cancel(
                actor=market.operator, order=order, reason="再次", effective=effective
            )
        assert twice.value.code == "already_cancelled"
    assert _snapshot(order) == once_cancelled
    books(market.programme)


def test_only_a_running_subscription_can_be_cancelled(market, books):
    once = Plan.objects.create(
        product=market.product, name="一次性部署", price=Decimal("800.00"), billing_period="once"
    )
    one_off = accepted_order(market, plan=once)
    with pytest.raises(Conflict) as not_subscription:
        subscriptions.subscription_cancel(actor=market.tenant, order=one_off, reason="x")
    assert not_subscription.value.code == "not_a_subscription"
    placed = orders.order_place(actor=market.tenant, product=market.product, plan=market.plan)
    with pytest.raises(Conflict) as not_accepted:
        subscriptions.subscription_cancel(actor=market.tenant, order=placed, reason="x")
    assert not_accepted.value.code == "illegal_transition"
    ended = _started_days_ago(accepted_order(market), days=40)
    with pytest.raises(Conflict) as over:
        subscriptions.subscription_cancel(actor=market.tenant, order=ended, reason="x")
    assert over.value.code == "period_ended"
    assert not Order.objects.filter(subscription_cancelled_at__isnull=False).exists()
    books(market.programme)


def test_cancel_subscription_matrix_over_the_api(api, market, books):
    order = accepted_order(market)
    path = f"{BASE}/orders/{order.id}/cancel-subscription"
    body = {"reason": "停用"}
    assert api.anonymous().post(path, body).status_code == 401
    assert api.login(market.other_tenant).post(path, body).status_code == 404
    assert api.login(market.other_staff).post(path, body).status_code == 404
    assert api.login(market.provider_staff).post(path, body).status_code == 403
    assert api.login(market.reviewer).post(path, body).status_code == 403
    now = api.login(market.tenant).post(path, {**body, "effective": "immediately"})
    assert now.status_code == 403
    assert api.post(path, {**body, "effective": "whenever"}).status_code == 422
    order.refresh_from_db()
    assert order.subscription_cancelled_at is None
    done = api.login(market.tenant_member).post(path, body)
    assert done.status_code == 200, done.content
    assert done.json()["status"] == "accepted"
    assert done.json()["service_ends_on"] == order.period_end.isoformat()
    again = api.post(path, body)
    assert again.status_code == 409 and again.json()["code"] == "already_cancelled"
    other = _started_days_ago(accepted_order(market), days=9)
    at_once = api.login(market.operator).post(
        f"{BASE}/orders/{other.id}/cancel-subscription", {**body, "effective": "immediately"}
    )
    assert at_once.status_code == 200 and at_once.json()["status"] == "cancelled"
    assert at_once.json()["enterprise_refunded"] == "333.33"
    books(market.programme)


def test_cancel_subscription_on_the_order_page(client, market, books):
    order = accepted_order(market)
    page = f"/marketplace/orders/{order.id}/"
    client.login(username=market.provider_staff.username, password=PASSWORD)
    assert b'data-testid="cancel-subscription"' not in client.get(page).content
    refused = client.post(f"/marketplace/orders/{order.id}/cancel_subscription/", {"reason": "x"})
    assert refused.status_code == 403
    order.refresh_from_db()
    assert order.subscription_cancelled_at is None
    client.login(username=market.tenant.username, password=PASSWORD)
    shown = client.get(page).content.decode()
    assert 'data-testid="cancel-subscription"' in shown and 'value="immediately"' not in shown
    done = client.post(
        f"/marketplace/orders/{order.id}/cancel_subscription/", {"reason": "停用"}, follow=True
    )
    assert 'data-testid="subscription-cancelled"' in done.content.decode()
    order.refresh_from_db()
    assert order.subscription_cancelled_at is not None
    books(market.programme)


def test_renewing_a_lapsed_subscription_starts_the_new_period_today(market):
    """A period that ended before the renewal is asked for is not back-dated: the days in
    between were not served, and a period already over would be paid for nothing."""
    from datetime import datetime
    from zoneinfo import ZoneInfo

    order = accepted_order(market)
    _started_days_ago(order, days=45, length=30)
    order.refresh_from_db()
    assert order.period_end < timezone.localdate()
    renewal = orders.order_renew(actor=market.tenant, order=order)
    today = datetime.now(ZoneInfo("Asia/Shanghai")).date()
    assert renewal.period_start == today
    length = (order.period_end - order.period_start).days
    assert renewal.period_end - renewal.period_start == timedelta(days=length)


def test_renewing_a_running_subscription_follows_on_from_its_period(market):
    order = accepted_order(market)
    _started_days_ago(order, days=10, length=30)
    order.refresh_from_db()
    renewal = orders.order_renew(actor=market.tenant, order=order)
    assert renewal.period_start == order.period_end + timedelta(days=1)


def test_renewing_on_the_day_after_the_period_ended_leaves_no_gap(market):
    order = accepted_order(market)
    _started_days_ago(order, days=30, length=30)
    order.refresh_from_db()
    assert order.period_end == timezone.localdate() - timedelta(days=1)
    renewal = orders.order_renew(actor=market.tenant, order=order)
    assert renewal.period_start == timezone.localdate()
