"""Ten times the demo park network, for benchmarks: 2,000 enterprises and 20,000 leases."""

import os
import random
from datetime import timedelta
from decimal import Decimal

import django


def scale_up(enterprises: int = 2000, leases: int = 20000) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "parkos.config.settings")
    django.setup()
    from django.db import transaction

    from parkos.demo.loader import demo_load
    from parkos.demo.names import BRAND_PINYIN, BRAND_SYLLABLES, INDUSTRY_SUFFIX
    from parkos.demo.parks import make_credit_code
    from parkos.parks.models import Enterprise, Lease, Park, Unit

    context = demo_load(
        steps=["parkos.demo.parks", "parkos.demo.accounts"], report=lambda line: None
    )
    rng = random.Random(10)
    parks = list(Park.objects.all())
    existing = Enterprise.objects.count()
    rows, codes = [], set(Enterprise.objects.values_list("credit_code", flat=True))
    while existing + len(rows) < enterprises:
        industry = rng.choice(list(INDUSTRY_SUFFIX))
        brand = "".join(rng.sample(BRAND_SYLLABLES, 3))
        suffix, suffix_en = rng.choice(INDUSTRY_SUFFIX[industry])
        code = make_credit_code(rng, "310115")
        if code in codes:
            continue
        codes.add(code)
        rows.append(
            Enterprise(
                name=f"上海{brand}{suffix}有限公司",
                name_en=f"{''.join(BRAND_PINYIN[c] for c in brand)} {suffix_en} Co., Ltd.",
                credit_code=code,
                park=rng.choice(parks),
                industry=industry,
                size=rng.choice(["micro", "small", "medium", "large"]),
                headcount=rng.randint(3, 3000),
            )
        )
    with transaction.atomic():
        Enterprise.objects.bulk_create(rows, batch_size=1000)
        all_enterprises = list(Enterprise.objects.all())
        units = list(Unit.objects.all())
        missing = leases - Lease.objects.count()
        per_unit = -(-missing // len(units))
        new_leases = []
        # Consecutive half-year leases on every unit, reaching back in time: no overlaps.
        for unit in units:
            end = context.today.replace(year=context.today.year - 5) - timedelta(days=1)
            for _ in range(per_unit):
                if len(new_leases) >= missing:
                    break
                start = end - timedelta(days=181)
                new_leases.append(
                    Lease(
                        unit=unit,
                        enterprise=rng.choice(all_enterprises),
                        start=start,
                        end=end,
                        monthly_rent=Decimal(rng.randint(3000, 90000)),
                    )
                )
                end = start - timedelta(days=1)
        Lease.objects.bulk_create(new_leases, batch_size=2000)
    from django.db import connection

    if connection.vendor == "postgresql":
        # What autovacuum would do shortly after a bulk load; without it the planner guesses.
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    print(f"enterprises={Enterprise.objects.count()} leases={Lease.objects.count()}")
