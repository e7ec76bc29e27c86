"""Supermarket search at scale: 10,000 products from 1,000 providers.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres python bench/marketplace_search.py

Runs in a throw-away test database (`bench_marketplace`). Each "request" is what the
catalogue page does: the first 20 results, their count, and the facet counts. Ten clients
search at once, Chinese and English queries mixed with facets and sorts. Prints p50/p95
per kind of query. Target: p95 under 50 ms on PostgreSQL.

Facet counts are cached per version of the catalogue, and each client asks every query
once before it is timed, so the timed requests find their facets counted; `--cold` makes
every request count them afresh, the figure for queries nobody asked before.
"""

import argparse
import os
import random
import statistics
import sys
import time
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "parkos.config.settings")
os.environ.setdefault("DATABASE_TEST_NAME", "bench_marketplace")
# One pooled connection per client thread, and one for the loader.
os.environ.setdefault("DB_POOL_MAX", "40")

import django

django.setup()

from django.db import connection  # noqa: E402
from django.test.utils import setup_databases, teardown_databases  # noqa: E402

from parkos.demo.marketplace.data import CATALOGUE, COMPANY_SUFFIX  # noqa: E402
from parkos.demo.names import BRAND_PINYIN, BRAND_SYLLABLES  # noqa: E402
from parkos.marketplace import search, selectors  # noqa: E402
from parkos.marketplace.categories import categories_seed  # noqa: E402
from parkos.marketplace.models import (  # noqa: E402
    Category,
    Plan,
    Product,
    ProductStatus,
    Provider,
    ProviderStatus,
)
from parkos.marketplace.services.catalogue import product_document  # noqa: E402

QUERIES = [
    ("zh", "视频会议", {"voucher": True}),
    ("zh", "云服务器", {"sort": "price"}),
    ("zh", "数据分析", {"category": "platform"}),
    ("zh", "安全", {"price_max": Decimal("20000")}),
    ("zh", "人力资源 招聘", {"sort": "rating"}),
    ("zh", "智慧园区", {}),
    ("en", "video meeting", {"voucher": True}),
    ("en", "firewall", {"sort": "-price"}),
    ("en", "storage backup", {"category": "infrastructure"}),
    ("en", "analytics", {"rating_min": Decimal("3")}),
    ("en", "cloud", {"voucher": True, "sort": "popularity"}),
    ("en", "crm", {}),
]
ENGLISH = {
    "cloud-idc": "cloud server hosting",
    "storage": "storage backup",
    "cloud-security": "security firewall",
    "paas": "platform container",
    "data-analytics": "data analytics bi",
    "blockchain": "blockchain",
    "oa": "office collaboration",
    "video-meeting": "video meeting conference",
    "hr": "hr recruitment payroll",
    "finance": "finance expenses invoice",
    "customer-service": "customer service call center crm",
    "marketing": "marketing crm",
    "logistics": "logistics warehouse",
    "catering": "catering canteen",
    "ops-monitoring": "ops monitoring apm",
    "smart-city": "smart city park",
    "industrial-cloud": "industrial iot mes",
}


def populate(products: int, providers: int) -> None:
    rng = random.Random(4)
    categories_seed(Category)
    categories = {c.code: c for c in Category.objects.select_related("parent")}
    codes = list(CATALOGUE)
    rows = []
    for index in range(providers):
        category = codes[index % len(codes)]
        brand = "".join(rng.sample(BRAND_SYLLABLES, 2))
        rows.append(
            Provider(
                name=f"{brand}{CATALOGUE[category][1]}{rng.choice(COMPANY_SUFFIX)}{index}",
                name_en=f"{''.join(BRAND_PINYIN.get(c, 'Yun') for c in brand)} {index}",
                credit_code=f"B{index:017d}",
                contact_name="联系人",
                status=ProviderStatus.VERIFIED,
            )
        )
    Provider.objects.bulk_create(rows, batch_size=1000)
    by_category: dict = {}
    for number, provider in enumerate(rows):
        by_category.setdefault(codes[number % len(codes)], []).append(provider)
    items, plans = [], []
    for index in range(products):
        code = codes[index % len(codes)]
        model, _word, low, high, billing, names, description, hours, days = CATALOGUE[code]
        provider = rng.choice(by_category[code])
        base = rng.choice(names)
        name = f"{provider.name[:2]}{base}{rng.choice(['', '专业版', '企业版', '旗舰版'])}"
        price = Decimal(rng.randint(low, high))
        product = Product(
            provider=provider,
            category=categories[code],
            name=name,
            name_en=f"{provider.name_en} {ENGLISH[code]}",
            summary=description.format(name=name)[:120],
            description=description.format(name=name),
            delivery_model=model,
            status=ProductStatus.LIVE,
            voucher_eligible=rng.random() < 0.6,
            sla_response_hours=hours,
            sla_delivery_days=days,
            min_price=price,
            rating_avg=Decimal(rng.randint(250, 500)) / 100,
            rating_count=rng.randint(0, 80),
            order_count=rng.randint(0, 300),
        )
        product.search_document = product_document(product)
        items.append(product)
        plans.append(Plan(product=product, name="标准版", price=price, billing_period=billing))
    Product.objects.bulk_create(items, batch_size=1000)
    Plan.objects.bulk_create(plans, batch_size=1000)
    search.index_write_many([(p.pk, p.search_document) for p in items])
    search.catalogue_changed()
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("ANALYZE")


def one_request(q: str, extra: dict) -> tuple[int, int]:
    filters = selectors.SearchFilters(q=q, **extra)
    # As the catalogue page does: one page of results, the facets (whose total is the count).
    found = selectors.search_page(actor=None, filters=filters)
    return len(found.products), found.total


def client(
    database: str, seed: int, rounds: int, cold: bool = False
) -> tuple[list[tuple[str, float]], float]:
    """One client in a process of its own, as a web worker would be: its own interpreter,
    its own connection to the benchmark database. With `cold`, the catalogue "changes"
    before every request, so no facet counts computed earlier are reused."""
    from django.db import connections

    connections["default"].settings_dict["NAME"] = database
    rng = random.Random(seed)
    timings = []
    for _lang, q, extra in QUERIES:
        one_request(q, extra)
    loop_started = time.perf_counter()
    for _ in range(rounds):
        lang, q, extra = rng.choice(QUERIES)
        if cold:
            search.catalogue_changed()
        started = time.perf_counter()
        one_request(q, extra)
        timings.append((lang, (time.perf_counter() - started) * 1000))
    wall = time.perf_counter() - loop_started
    connections.close_all()
    return timings, wall


def report(label: str, timings: list[tuple[str, float]], wall: float) -> None:
    print(f"  {label}:")
    for lang in ("zh", "en"):
        values = sorted(ms for kind, ms in timings if kind == lang)
        p95 = values[max(0, int(len(values) * 0.95) - 1)]
        print(
            f"    {lang}: {len(values):4d} requests  p50 {statistics.median(values):6.1f} ms  "
            f"p95 {p95:6.1f} ms  max {values[-1]:6.1f} ms"
        )
    print(f"    throughput {len(timings) / wall:.0f} requests/s")


def run(clients: int, rounds: int, cold: bool = False) -> None:
    import multiprocessing

    hits = {q: one_request(q, extra)[1] for _lang, q, extra in QUERIES}
    print(f"  matches per query: {hits}")
    database = connection.settings_dict["NAME"]
    serial, wall = client(database, 0, rounds, cold)
    report("1 client", serial, wall)
    connection.close()
    with multiprocessing.get_context("spawn").Pool(clients) as pool:
        parts = pool.starmap(
            client, [(database, seed, rounds, cold) for seed in range(1, clients + 1)]
        )
    timings = [t for part, _wall in parts for t in part]
    report(f"{clients} clients in parallel processes", timings, max(w for _p, w in parts))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--products", type=int, default=10_000)
    parser.add_argument("--providers", type=int, default=1_000)
    parser.add_argument("--clients", type=int, default=10)
    parser.add_argument("--rounds", type=int, default=40)
    parser.add_argument(
        "--cold",
        action="store_true",
        help="count the facets afresh for every request (no cached facet counts)",
    )
    options = parser.parse_args()
    old = setup_databases(verbosity=0, interactive=False)
    try:
        print(f"database: {connection.vendor}")
        started = time.perf_counter()
        populate(options.products, options.providers)
        print(
            f"  loaded {options.products} products, {options.providers} providers "
            f"in {time.perf_counter() - started:.1f} s"
        )
        print("  facet counts: " + ("counted afresh every request" if options.cold else "cached"))
        run(options.clients, options.rounds, options.cold)
    finally:
        connection.close()
        teardown_databases(old, verbosity=0)


if __name__ == "__main__":
    main()
