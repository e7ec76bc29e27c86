"""Many orders at once against one innovation voucher balance.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres python bench/marketplace_vouchers.py

Runs in a throw-away test database (`bench_marketplace_vouchers`). 200 threads, each with
its own database connection, place an order with the voucher at the same instant against
one grant that can pay only half of them, and take each order that went through on to
delivery and acceptance, where the reserved voucher money is redeemed. The programme's
budget is the grant, so the programme has no slack either. Asserts that nothing is
overspent: exactly as many orders as the balance pays for went through, the grant's
balance and reserved amount equal the sums of its ledger and are never negative, the
grant's money is all accounted for (balance + reserved + redeemed), and the programme
granted no more than its budget and redeemed no more than it granted. Prints the
outcomes, the figures and the throughput (redemptions, placed to accepted, per second).
"""

import argparse
import os
import sys
import threading
import time
from collections import Counter
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "parkos.config.settings")
os.environ.setdefault("DATABASE_TEST_NAME", "bench_marketplace_vouchers")
# Room for every thread to hold a connection while it waits for the grant's row lock.
os.environ.setdefault("DB_POOL_MAX", "90")
os.environ.setdefault("DB_POOL_TIMEOUT", "120")

import django

django.setup()

from django.db import connection  # noqa: E402
from django.db.models import Sum  # noqa: E402
from django.test.utils import setup_databases, teardown_databases  # noqa: E402
from django.utils import timezone  # noqa: E402

from parkos.accounts.models import Role  # noqa: E402
from parkos.accounts.services import membership_grant, user_create  # noqa: E402
from parkos.core.errors import ServiceError  # noqa: E402
from parkos.marketplace.categories import categories_seed  # noqa: E402
from parkos.marketplace.models import (  # noqa: E402
    Category,
    LedgerKind,
    OrderStatus,
    Provider,
    ProviderStatus,
    VoucherGrant,
    VoucherLedgerEntry,
    VoucherProgramme,
)
from parkos.marketplace.services import catalogue, orders, vouchers  # noqa: E402
from parkos.parks.models import Enterprise, Park  # noqa: E402


def prepare(orders_count: int):
    categories_seed(Category)
    park = Park.objects.create(code="bench", name="压测园区", city="上海")
    enterprise = Enterprise.objects.create(
        name="压测企业",
        credit_code="91310115MA1BENCH01",
        park=park,
        industry="software",
        size="small",
    )
    operator = user_create(username="bench-operator", password=None)
    membership_grant(user=operator, role=Role.OPERATOR_ADMIN)
    tenant = user_create(username="bench-tenant", password=None)
    membership_grant(user=tenant, role=Role.ENTERPRISE_ADMIN, enterprise=enterprise)
    provider = Provider.objects.create(
        name="压测服务商",
        credit_code="91310115MA1BENCH02",
        contact_name="x",
        status=ProviderStatus.VERIFIED,
    )
    staff = user_create(username="bench-provider", password=None)
    membership_grant(user=staff, role=Role.PROVIDER, organization=provider)
    product = catalogue.product_create(
        actor=staff,
        provider=provider,
        name="压测视频会议",
        delivery_model="saas",
        category=Category.objects.get(code="video-meeting"),
        voucher_eligible=True,
        plans=[{"name": "月付", "price": "100.00", "billing_period": "month"}],
    )
    catalogue.product_submit(actor=staff, product=product)
    catalogue.product_review(actor=operator, product=product, approved=True)
    today = timezone.localdate()
    # Each order of 100 CNY uses 50 of voucher: the balance pays for half the orders, and
    # the programme's budget is that balance too.
    paid_for = Decimal(50 * (orders_count // 2))
    programme = vouchers.programme_create(
        actor=operator,
        code="bench",
        name="压测创新券",
        total_budget=str(paid_for),
        per_enterprise_cap=str(paid_for),
        copay_ratio="0.5",
        valid_from=today - timedelta(days=1),
        valid_until=today + timedelta(days=30),
        categories=[Category.objects.get(code="saas")],
    )
    grant = vouchers.grant_create(
        actor=operator, programme=programme, enterprise=enterprise, amount=paid_for
    )
    product.refresh_from_db()
    return tenant, staff, product, product.plans.get(), grant


def check_books(grant: VoucherGrant, placed: int, orders_count: int) -> None:
    """No overspend, read back from the database; fails loudly otherwise."""
    grant.refresh_from_db()
    programme = VoucherProgramme.objects.get(pk=grant.programme_id)
    ledger = VoucherLedgerEntry.objects.filter(grant=grant).aggregate(
        balance=Sum("balance_delta"), reserved=Sum("reserved_delta")
    )
    redeemed = -(
        VoucherLedgerEntry.objects.filter(grant=grant, kind=LedgerKind.REDEEM).aggregate(
            total=Sum("reserved_delta")
        )["total"]
        or 0
    )
    accepted = grant.orders.filter(status=OrderStatus.ACCEPTED).count()
    print(
        f"  granted {grant.amount}, balance {grant.balance}, reserved {grant.reserved}, "
        f"redeemed {grant.redeemed} ({accepted} orders accepted)"
    )
    print(
        f"  ledger sums: balance {ledger['balance']}, reserved {ledger['reserved']}, "
        f"redeemed {redeemed}"
    )
    print(
        f"  programme: budget {programme.total_budget}, granted {programme.granted_total}, "
        f"redeemed {programme.redeemed_total}"
    )
    assert placed == orders_count // 2, (
        f"{placed} orders placed, the balance pays for exactly {orders_count // 2}"
    )
    assert grant.balance >= 0 and grant.reserved >= 0, "negative balance"
    assert grant.balance == ledger["balance"], "balance differs from its ledger"
    assert grant.reserved == ledger["reserved"], "reserved differs from its ledger"
    assert grant.redeemed == redeemed, "redeemed differs from its ledger"
    assert grant.balance + grant.reserved + grant.redeemed == grant.amount, "money appeared"
    assert programme.granted_total <= programme.total_budget, "budget exceeded"
    assert programme.redeemed_total == grant.redeemed <= programme.granted_total, "overspent"
    print("  overspend: none; balance, reserved and redeemed equal the ledger")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--orders", type=int, default=200)
    options = parser.parse_args()
    old = setup_databases(verbosity=0, interactive=False)
    try:
        print(f"database: {connection.vendor}")
        tenant, staff, product, plan, grant = prepare(options.orders)
        outcomes: Counter = Counter()
        lock = threading.Lock()
        barrier = threading.Barrier(options.orders + 1)

        def redeem():
            """One enterprise user's order with the voucher, taken to acceptance."""
            try:
                barrier.wait()
                order = orders.order_place(
                    actor=tenant, product=product, plan=plan, use_voucher=True, voucher_amount="50"
                )
                orders.order_deliver(actor=staff, order=order)
                orders.order_accept(actor=tenant, order=order)
                result = "redeemed"
            except ServiceError as refused:
                result = f"refused: {refused.code}"
            finally:
                connection.close()
            with lock:
                outcomes[result] += 1

        threads = [threading.Thread(target=redeem) for _ in range(options.orders)]
        for thread in threads:
            thread.start()
        barrier.wait()
        started = time.perf_counter()
        for thread in threads:
            thread.join()
        wall = time.perf_counter() - started
        print(f"  {options.orders} concurrent orders with the voucher: {dict(outcomes)}")
        check_books(grant, outcomes["redeemed"], options.orders)
        attempts = sum(outcomes.values())
        print(
            f"  {outcomes['redeemed'] / wall:.0f} redemptions/s (placed, delivered, accepted), "
            f"{attempts / wall:.0f} attempts/s; {wall:.2f} s for all"
        )
    finally:
        connection.close()
        teardown_databases(old, verbosity=0)


if __name__ == "__main__":
    main()
