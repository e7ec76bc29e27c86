from decimal import Decimal

import pytest

from parkos.core.errors import ValidationFailed
from parkos.marketplace import selectors
from parkos.marketplace.models import Product
from parkos.marketplace.selectors import SearchFilters

pytestmark = pytest.mark.django_db


def _names(actor, **filters):
    found = selectors.product_search(actor=actor, filters=SearchFilters(**filters))
    return [product.name for product in found]


def test_chinese_and_english_queries_find_the_product(market):
    assert _names(market.tenant, q="视频会议") == ["云会视频会议专业版"]
    assert _names(market.tenant, q="会议") == ["云会视频会议专业版"]
    assert _names(market.tenant, q="video meeting") == ["云会视频会议专业版"]
    assert _names(market.tenant, q="Meet") == ["云会视频会议专业版"]
    assert _names(market.tenant, q="防火墙") == ["数安盾Web应用防火墙"]
    assert _names(market.tenant, q="火星探测") == []


def test_facets_filter_and_count(market):
    assert _names(market.tenant, voucher=True) == ["云会视频会议专业版"]
    assert _names(market.tenant, category="saas") == ["云会视频会议专业版"]
    assert _names(market.tenant, category="cloud-security") == ["数安盾Web应用防火墙"]
    assert _names(market.tenant, price_min=Decimal("2000")) == ["数安盾Web应用防火墙"]
    assert _names(market.tenant, provider=str(market.provider.id)) == ["云会视频会议专业版"]
    assert _names(market.tenant, sort="-price") == ["数安盾Web应用防火墙", "云会视频会议专业版"]
    facets = selectors.search_facets(actor=market.tenant, filters=SearchFilters(voucher=True))
    assert facets["total"] == 1 and facets["voucher"] == 1
    codes = {row["category"].code: row["count"] for row in facets["categories"]}
    assert codes == {"saas": 1}


def test_drafts_are_not_found_by_buyers(market):
    from parkos.marketplace.services import catalogue

    draft = catalogue.product_create(
        actor=market.provider_staff,
        provider=market.provider,
        name="云会视频会议企业版",
        category=market.product.category,
        delivery_model="saas",
        plans=[{"name": "年付", "price": "5000", "billing_period": "year"}],
    )
    assert _names(market.tenant, q="视频会议") == ["云会视频会议专业版"]
    catalogue.product_submit(actor=market.provider_staff, product=draft)
    catalogue.product_review(actor=market.operator, product=draft, approved=True)
    assert sorted(_names(market.tenant, q="视频会议")) == [
        "云会视频会议专业版",
        "云会视频会议企业版",
    ]


@pytest.mark.parametrize(
    "query",
    [
        "'; DROP TABLE marketplace_product; --",
        '" OR 1=1 --',
        "<script>alert(1)</script>",
        "NEAR(视频 会议) NOT *",
        "a:* & !b | (c",
        "\x00\x01",
    ],
)
def test_injection_is_a_safe_search(market, query):
    _names(market.tenant, q=query)
    assert Product.objects.count() == 2


def test_a_10000_character_query_is_a_clear_error(market):
    with pytest.raises(ValidationFailed) as refused:
        _names(market.tenant, q="视" * 10_000)
    assert refused.value.code == "query_too_long" and "q" in refused.value.fields


def test_search_page_is_safe_for_html_and_long_queries(client, market):
    from factories import PASSWORD

    client.login(username=market.tenant.username, password=PASSWORD)
    response = client.get("/marketplace/", {"q": "<script>alert(1)</script>"})
    assert response.status_code == 200
    assert b"<script>alert(1)</script>" not in response.content
    long = client.get("/marketplace/", {"q": "x" * 10_000})
    assert long.status_code == 422
    assert "200" in long.content.decode()
    found = client.get("/marketplace/", {"q": "视频会议", "voucher": "1"})
    assert "云会视频会议专业版" in found.content.decode()


@pytest.fixture
def shelf(market, live_product):
    """Two more products, so that categories, providers, prices and ratings differ."""
    drive = live_product(
        operator=market.operator,
        staff=market.provider_staff,
        provider=market.provider,
        category_code="storage",
        name="云会企业网盘",
        name_en="YunHui Cloud Drive",
        price="25000.00",
        voucher_eligible=True,
    )
    scan = live_product(
        operator=market.operator,
        staff=market.other_staff,
        provider=market.other_provider,
        category_code="cloud-security",
        name="数安盾漏洞扫描",
        name_en="ShuAn Vulnerability Scan",
        price="800.00",
        voucher_eligible=True,
    )
    Product.objects.filter(pk=market.product.pk).update(rating_avg=Decimal("4.50"))
    Product.objects.filter(pk=scan.pk).update(rating_avg=Decimal("3.20"))
    from parkos.marketplace import search

    search.catalogue_changed()
    return market, drive, scan


def _expected(actor, filters: SearchFilters) -> dict:
    """The facets counted the slow way: one search per facet view, counted in Python."""
    from dataclasses import replace

    def found(**changes):
        return list(selectors.product_search(actor=actor, filters=replace(filters, **changes)))

    current = found()
    by_category: dict = {}
    for product in found(category=""):
        for code in (product.category.code, product.category.parent.code):
            by_category[code] = by_category.get(code, 0) + 1
    by_provider: dict = {}
    for product in found(provider=""):
        by_provider[str(product.provider_id)] = by_provider.get(str(product.provider_id), 0) + 1
    return {
        "total": len(current),
        "voucher": sum(p.voucher_eligible for p in current),
        "rating4": sum(p.rating_avg >= 4 for p in current),
        "rating3": sum(p.rating_avg >= 3 for p in current),
        "cheap": sum(p.min_price < 1000 for p in current),
        "dear": sum(p.min_price >= 20000 for p in current),
        "categories": by_category,
        "providers": by_provider,
    }


def _counted(facets: dict) -> dict:
    categories: dict = {}
    for row in facets["categories"]:
        categories[row["category"].code] = row["count"]
        for child, n in row["children"]:
            categories[child.code] = n
    prices = {row["key"]: row["count"] for row in facets["prices"]}
    return {
        "total": facets["total"],
        "voucher": facets["voucher"],
        "rating4": facets["ratings"]["4"],
        "rating3": facets["ratings"]["3"],
        "cheap": prices["0-1000"],
        "dear": prices["20000-"],
        "categories": categories,
        "providers": {row["id"]: row["count"] for row in facets["providers"]},
    }


def test_one_query_facets_count_as_one_search_per_facet_would(shelf):
    market, _drive, _scan = shelf
    provider = str(market.other_provider.id)
    cases = [
        {},
        {"q": "云"},
        {"voucher": True},
        {"category": "cloud-security"},
        {"category": "infrastructure", "voucher": True},
        {"provider": provider},
        {"provider": provider, "category": "saas"},
        {"price_max": Decimal("5000"), "rating_min": Decimal("3")},
        {"q": "ShuAn", "category": "storage"},
        {"q": "火星探测"},
    ]
    for case in cases:
        filters = SearchFilters(**case)
        facets = selectors.search_facets(actor=market.tenant, filters=filters)
        assert _counted(facets) == _expected(market.tenant, filters), case
        # Asked again, the same figures come from the cache.
        again = selectors.search_facets(actor=market.tenant, filters=filters)
        assert _counted(again) == _counted(facets), case


def test_choosing_a_category_still_counts_the_others(shelf):
    market, _drive, _scan = shelf
    facets = selectors.search_facets(
        actor=market.tenant, filters=SearchFilters(category="cloud-security")
    )
    counted = _counted(facets)
    assert counted["total"] == 2
    assert counted["categories"]["video-meeting"] == 1
    assert counted["categories"]["storage"] == 1


def test_facets_follow_every_change_of_the_catalogue(shelf):
    from parkos.marketplace.services import catalogue, complaints, orders

    market, drive, _scan = shelf
    filters = SearchFilters(q="云会", voucher=True)

    def figures():
        return _counted(selectors.search_facets(actor=market.tenant, filters=filters))

    assert figures()["total"] == 2
    catalogue.product_withdraw(actor=market.provider_staff, product=drive)
    assert figures()["total"] == 1
    assert figures()["rating4"] == 1
    order = orders.order_place(actor=market.tenant, product=market.product, plan=market.plan)
    orders.order_deliver(actor=market.provider_staff, order=order)
    orders.order_accept(actor=market.tenant, order=order)
    complaints.review_create(actor=market.tenant, order=order, stars=2)
    assert figures()["rating4"] == 0 and figures()["rating3"] == 0
    catalogue.product_update(actor=market.provider_staff, product=market.product, summary="新版")
    assert figures()["total"] == 0


def test_the_same_query_with_other_spacing_shares_its_facets(shelf, django_assert_num_queries):
    market, _drive, _scan = shelf
    selectors.search_facets(actor=market.tenant, filters=SearchFilters(q="视频会议"))
    with django_assert_num_queries(0):
        selectors.search_facets(actor=market.tenant, filters=SearchFilters(q="  视频会议 "))


def test_a_search_costs_one_query_once_its_facets_are_known(
    api, shelf, django_assert_max_num_queries
):
    market, _drive, _scan = shelf
    api.login(market.tenant)
    params = {"q": "云", "voucher": "true", "limit": 20}
    first = api.get("/api/marketplace/products", **params).json()
    facets = api.get("/api/marketplace/products/facets", **params).json()
    assert first["count"] == facets["total"] == len(first["items"]) == 3
    # What is left per request: the caller's token (two queries) and the ranked page.
    with django_assert_max_num_queries(3):
        again = api.get("/api/marketplace/products", **params).json()
    assert again == first
    with django_assert_max_num_queries(2):
        api.get("/api/marketplace/products/facets", **params)
    items = {(item["provider_name"], item["category"]) for item in first["items"]}
    assert items == {
        ("云会通信息技术有限公司", "storage"),
        ("云会通信息技术有限公司", "video-meeting"),
        ("数安盾网络安全有限公司", "cloud-security"),
    }


def test_the_catalogue_page_has_a_query_budget(client, shelf, django_assert_max_num_queries):
    from factories import PASSWORD

    market, _drive, _scan = shelf
    client.login(username=market.tenant.username, password=PASSWORD)
    client.get("/marketplace/", {"q": "云"})
    with django_assert_max_num_queries(8):
        page = client.get("/marketplace/", {"q": "云"})
    html = page.content.decode()
    assert f'href="/marketplace/products/{market.product.id}/"' in html
    assert "云会企业网盘" in html and "数安盾漏洞扫描" in html


def _shown(product) -> tuple:
    values = (
        product.id,
        product.name,
        product.name_en,
        product.summary,
        product.status,
        product.get_delivery_model_display(),
        product.voucher_eligible,
        product.min_price,
        product.rating_avg,
        product.rating_count,
        product.order_count,
        product.provider.id,
        product.provider.name,
        product.provider.is_verified,
        product.category.code,
        product.category.label,
    )
    return values, tuple(type(value) for value in values)


@pytest.mark.parametrize("sort", ["relevance", "rating", "price", "-price", "popularity", "newest"])
def test_the_one_pass_page_is_the_search_page_with_its_facets(
    shelf, sort, django_assert_max_num_queries
):
    """Without cached facets, the page and the facets come from one statement; the page
    is what product_search ranks, at any offset."""
    from parkos.marketplace import search

    market, _drive, _scan = shelf
    provider = str(market.provider.id)
    cases = [{}, {"q": "云"}, {"voucher": True}, {"category": "saas"}, {"provider": provider}]
    cases += [{"q": "火星探测"}, {"price_max": Decimal("5000")}]
    selectors.category_tree()
    for case in cases:
        filters = SearchFilters(sort=sort, **case)
        ranked = list(selectors.product_search(actor=market.tenant, filters=filters))
        for offset, limit in ((0, 20), (1, 1), (2, 5)):
            search.catalogue_changed()
            with django_assert_max_num_queries(1):
                cold = selectors.search_page(
                    actor=market.tenant, filters=filters, offset=offset, limit=limit
                )
            assert cold.products == ranked[offset : offset + limit], (case, offset)
            # Read from the same statement, the rows are what the ORM would have read.
            assert [_shown(p) for p in cold.products] == [
                _shown(p) for p in ranked[offset : offset + limit]
            ]
            assert _counted(cold.facets) == _expected(market.tenant, filters), case
            with django_assert_max_num_queries(1):
                warm = selectors.search_page(
                    actor=market.tenant, filters=filters, offset=offset, limit=limit
                )
            assert warm.products == cold.products and warm.total == cold.total


def test_the_catalogue_page_pages_through_the_one_pass_results(client, market):
    from factories import PASSWORD
    from parkos.marketplace import search

    Product.objects.bulk_create(
        Product(
            provider=market.product.provider,
            category=market.product.category,
            name=f"云会批量服务{index:02d}",
            delivery_model="saas",
            status="live",
            min_price=Decimal("100"),
            order_count=100 - index,
        )
        for index in range(21)
    )
    search.catalogue_changed()
    client.login(username=market.tenant.username, password=PASSWORD)

    def shown(**params):
        html = client.get("/marketplace/", params).content.decode()
        return html.count('data-testid="product-result"'), html

    ranked = list(selectors.product_search(actor=market.tenant, filters=SearchFilters()))
    assert len(ranked) == 23
    count, first = shown()
    assert count == 20 and ranked[0].name in first and ranked[20].name not in first
    search.catalogue_changed()
    count, second = shown(page=2)
    assert count == 3 and all(p.name in second for p in ranked[20:])
    assert shown(page=9)[0] == 3
    assert shown(page="x")[0] == 20
