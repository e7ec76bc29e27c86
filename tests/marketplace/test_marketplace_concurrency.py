"""Concurrent orders against one voucher balance and concurrent grants against one budget,
on PostgreSQL, where rows are really locked."""

import threading
from decimal import Decimal

import pytest
from django.db import connection

from factories import EnterpriseFactory
from parkos.core.errors import ServiceError
from parkos.marketplace.models import VoucherGrant, VoucherLedgerEntry
from parkos.marketplace.services import complaints, orders, vouchers


def _parallel(count, work):
    barrier = threading.Barrier(count)
    outcomes = []
    lock = threading.Lock()

    def run(index):
        try:
            barrier.wait()
            result = work(index)
            with lock:
                outcomes.append(("ok", result))
        except ServiceError as refused:
            with lock:
                outcomes.append(("refused", refused.code))
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return outcomes


@pytest.mark.django_db(transaction=True)
def test_parallel_orders_never_overspend_one_balance(market, is_postgres):
    if not is_postgres:
        pytest.skip("row locks are tested on PostgreSQL")
    VoucherGrant.objects.filter(pk=market.grant.pk).update(balance=Decimal("2000.00"))
    VoucherLedgerEntry.objects.create(
        grant=market.grant,
        kind="expire",
        balance_delta=Decimal("-3000.00"),
        at=market.grant.created_at,
    )
    # Each order of 1000 CNY may use 500 of voucher: four fit in 2000, the rest must fail.
    outcomes = _parallel(
        12,
        lambda _i: (
            orders.order_place(
                actor=market.tenant,
                product=market.product,
                plan=market.plan,
                use_voucher=True,
                voucher_amount="500",
            ).voucher_amount
        ),
    )
    placed = [value for kind, value in outcomes if kind == "ok"]
    refused = [code for kind, code in outcomes if kind == "refused"]
    assert len(placed) == 4 and all(v == Decimal("500.00") for v in placed)
    assert set(refused) <= {"voucher_over_balance", "voucher_no_grant"} and len(refused) == 8
    grant = VoucherGrant.objects.get(pk=market.grant.pk)
    assert grant.balance == 0 and grant.reserved == Decimal("2000.00")
    entries = VoucherLedgerEntry.objects.filter(grant=grant)
    assert sum(e.balance_delta for e in entries) == grant.balance
    assert sum(e.reserved_delta for e in entries) == grant.reserved


@pytest.mark.django_db(transaction=True)
def test_parallel_grants_never_overspend_the_budget(market, is_postgres):
    if not is_postgres:
        pytest.skip("row locks are tested on PostgreSQL")
    # 100,000 budget, 5,000 granted already: nine more grants of 10,000 fit, not ten.
    enterprises = [EnterpriseFactory(park=market.park) for _ in range(12)]
    outcomes = _parallel(
        12,
        lambda i: (
            vouchers.grant_create(
                actor=market.reviewer,
                programme=market.programme,
                enterprise=enterprises[i],
                amount="10000",
            ).amount
        ),
    )
    assert sum(1 for kind, _ in outcomes if kind == "ok") == 9
    assert {code for kind, code in outcomes if kind == "refused"} == {"budget_exceeded"}
    market.programme.refresh_from_db()
    assert market.programme.granted_total == Decimal("95000.00")
    assert market.programme.granted_total <= market.programme.total_budget


@pytest.mark.django_db(transaction=True)
def test_parallel_refunds_of_one_order_give_its_money_back_once(market, is_postgres, books):
    if not is_postgres:
        pytest.skip("row locks are tested on PostgreSQL")
    from parkos.marketplace.models import OrderRefund
    from parkos.marketplace.services import subscriptions

    order = orders.order_place(
        actor=market.tenant, product=market.product, plan=market.plan, use_voucher=True
    )
    orders.order_deliver(actor=market.provider_staff, order=order)
    orders.order_accept(actor=market.tenant, order=order)
    raised = [
        complaints.complaint_open(actor=market.tenant, order=order, text=f"问题{i}")
        for i in range(4)
    ]

    # Four complaints upheld and two immediate cancellations race for the same money.
    def work(i):
        if i < 4:
            return complaints.complaint_resolve(
                actor=market.operator, complaint=raised[i], upheld=True, resolution="退款"
            ).status
        return subscriptions.subscription_cancel(
            actor=market.operator, order=order, reason="停止服务", effective="immediately"
        ).status

    outcomes = _parallel(6, work)
    assert len(outcomes) == 6
    order.refresh_from_db()
    refunded = OrderRefund.objects.filter(order=order)
    assert order.voucher_refunded + order.enterprise_refunded == sum(
        (r.voucher_amount + r.enterprise_amount for r in refunded), Decimal("0")
    )
    assert order.voucher_refunded <= order.voucher_amount
    assert order.enterprise_refunded <= order.enterprise_amount
    grant = VoucherGrant.objects.get(pk=market.grant.pk)
    assert grant.balance + grant.redeemed == Decimal("5000.00")
    books(market.programme)
