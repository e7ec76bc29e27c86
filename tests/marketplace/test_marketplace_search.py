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
