"""Many orders at once against one innovation voucher balance.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres python bench/marketplace_vouchers.py

Runs in a throw-away test database (`bench_marketplace_vouchers`). 200 threads place an
order with the voucher at the same instant against one grant that can pay only half of
them. Prints how many went through, how many were refused and why, the final balance
against the ledger, and the throughput. Target: no overspend, ever.
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
    Provider,
    ProviderStatus,
    VoucherGrant,
    VoucherLedgerEntry,
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
    programme = vouchers.programme_create(
        actor=operator,
        code="bench",
        name="压测创新券",
        total_budget="1000000",
        per_enterprise_cap="100000",
        copay_ratio="0.5",
        valid_from=today - timedelta(days=1),
        valid_until=today + timedelta(days=30),
        categories=[Category.objects.get(code="saas")],
    )
    # Each order of 100 CNY uses 50 of voucher: the balance pays for half the orders.
    grant = vouchers.grant_create(
        actor=operator,
        programme=programme,
        enterprise=enterprise,
        amount=Decimal(50 * (orders_count // 2)),
    )
    product.refresh_from_db()
    return tenant, product, product.plans.get(), grant


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--orders", type=int, default=200)
    options = parser.parse_args()
    old = setup_databases(verbosity=0, interactive=False)
    try:
        print(f"database: {connection.vendor}")
        tenant, product, plan, grant = prepare(options.orders)
        outcomes: Counter = Counter()
        lock = threading.Lock()
        barrier = threading.Barrier(options.orders)

        def place():
            try:
                barrier.wait()
                orders.order_place(
                    actor=tenant, product=product, plan=plan, use_voucher=True, voucher_amount="50"
                )
                result = "placed"
            except ServiceError as refused:
                result = f"refused: {refused.code}"
            finally:
                connection.close()
            with lock:
                outcomes[result] += 1

        threads = [threading.Thread(target=place) for _ in range(options.orders)]
        for thread in threads:
            thread.start()
        started = time.perf_counter()
        for thread in threads:
            thread.join()
        wall = time.perf_counter() - started
        grant.refresh_from_db()
        ledger = VoucherLedgerEntry.objects.filter(grant=grant).aggregate(
            balance=Sum("balance_delta"), reserved=Sum("reserved_delta")
        )
        print(f"  {options.orders} concurrent orders with the voucher: {dict(outcomes)}")
        print(f"  granted {grant.amount}, balance {grant.balance}, reserved {grant.reserved}")
        print(f"  ledger sums: balance {ledger['balance']}, reserved {ledger['reserved']}")
        overspent = grant.balance < 0 or grant.reserved > grant.amount
        print(
            f"  overspend: {'YES' if overspent else 'none'}; "
            f"consistent with ledger: {ledger['balance'] == grant.balance}"
        )
        print(f"  {options.orders / wall:.0f} orders/s ({wall:.2f} s for all)")
        assert VoucherGrant.objects.filter(balance__lt=0).count() == 0
    finally:
        connection.close()
        teardown_databases(old, verbosity=0)


if __name__ == "__main__":
    main()
