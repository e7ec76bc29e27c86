"""Reads of the catalogue: categories, providers, products, search with facets, ranking."""

import hashlib
import uuid
from dataclasses import dataclass
from decimal import Decimal

from django.core.cache import cache
from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils.translation import gettext as _

from parkos.core.errors import ValidationFailed
from parkos.marketplace import permissions, search
from parkos.marketplace.errors import MarketplaceError
from parkos.marketplace.models import (
    Category,
    Plan,
    Product,
    ProductStatus,
    Provider,
    ProviderStatus,
)
from parkos.marketplace.selectors.common import get_or_404

RESULT_FIELDS = (
    "id",
    "name",
    "name_en",
    "summary",
    "status",
    "delivery_model",
    "voucher_eligible",
    "min_price",
    "rating_avg",
    "rating_count",
    "order_count",
    "provider__id",
    "provider__name",
    "provider__status",
    "category__id",
    "category__code",
    "category__name",
    "category__name_en",
)
SORTS = ("relevance", "rating", "price", "-price", "popularity", "newest")
PRICE_BUCKETS = [
    ("0-1000", None, Decimal("1000")),
    ("1000-5000", Decimal("1000"), Decimal("5000")),
    ("5000-20000", Decimal("5000"), Decimal("20000")),
    ("20000-", Decimal("20000"), None),
]


CACHE_SECONDS = 300


TREE_TOKEN = "marketplace:category_tree_token"
# (token, tree): the tree this process loaded under the shared token. Unpickling two dozen
# model instances from the cache on every search cost more than the rest of the facets.
_tree_loaded: tuple[str | None, list[Category]] = (None, [])


def category_tree(*, actor=None) -> list[Category]:
    """Top-level categories with their children, in order. The tree is the same for every
    user and changes with a migration or an operator's edit, so each process keeps it for
    as long as a shared token lives (a few minutes), then reads it again."""
    global _tree_loaded
    token = cache.get(TREE_TOKEN)
    if token is None:
        cache.add(TREE_TOKEN, uuid.uuid4().hex, CACHE_SECONDS)
        token = cache.get(TREE_TOKEN)
    loaded_token, tree = _tree_loaded
    if token is not None and token == loaded_token:
        return tree
    tree = list(
        Category.objects.filter(parent__isnull=True).prefetch_related(
            Prefetch("children", queryset=Category.objects.order_by("position"))
        )
    )
    _tree_loaded = (token, tree)
    return tree


def category_get(*, actor=None, code: str) -> Category:
    for parent in category_tree():
        for category in (parent, *parent.children.all()):
            if category.code == code:
                return category
    raise ValidationFailed.for_field("category", _("Unknown category."))


def _category_ids(code: str) -> list:
    """The category and its children: a filter that needs no join."""
    category = category_get(code=code)
    return [category.id, *(child.id for child in category.children.all())]


def provider_list(*, actor) -> QuerySet[Provider]:
    return Provider.objects.filter(permissions.provider_visibility(actor)).order_by("name", "id")


def provider_get(*, actor, provider_id) -> Provider:
    return get_or_404(provider_list(actor=actor), provider_id)


def provider_ranking(*, actor, category: Category | None = None, limit: int = 50) -> list[Provider]:
    """The public ranking: verified providers by score, within a category if given."""
    providers = Provider.objects.filter(status=ProviderStatus.VERIFIED, score__isnull=False)
    if category is not None:
        providers = providers.filter(
            Q(products__category=category) | Q(products__category__parent=category),
            products__status=ProductStatus.LIVE,
        ).distinct()
    return list(providers.order_by("-score", "name")[:limit])


def _products(actor) -> QuerySet[Product]:
    return Product.objects.filter(permissions.product_visibility(actor)).select_related(
        "provider", "category"
    )


def product_get(*, actor, product_id) -> Product:
    return get_or_404(
        _products(actor).prefetch_related(
            Prefetch("plans", queryset=Plan.objects.order_by("position", "price"))
        ),
        product_id,
    )


def plan_get(*, actor, product: Product, plan_id) -> Plan:
    try:
        return product.plans.get(pk=uuid.UUID(str(plan_id)))
    except (Plan.DoesNotExist, ValueError) as missing:
        raise ValidationFailed.for_field("plan", _("Unknown plan.")) from missing


def product_list_own(*, actor, provider: Provider) -> QuerySet[Product]:
    """All of a provider's products, in every state, for its staff and operators."""
    if not permissions.is_operator(actor):
        permissions.require_provider_staff(actor, provider.id)
    return Product.objects.filter(provider=provider).select_related("category").order_by("name")


def product_review_queue(*, actor) -> QuerySet[Product]:
    permissions.require_operator(actor)
    return (
        Product.objects.filter(status=ProductStatus.PENDING)
        .select_related("provider", "category")
        .order_by("submitted_at")
    )


@dataclass
class SearchFilters:
    q: str = ""
    category: str = ""
    provider: str = ""
    price_min: Decimal | None = None
    price_max: Decimal | None = None
    voucher: bool = False
    rating_min: Decimal | None = None
    sort: str = "relevance"


def _filtered(actor, filters: SearchFilters, *, skip: frozenset = frozenset()) -> QuerySet[Product]:
    products = Product.objects.filter(
        status=ProductStatus.LIVE, provider__status=ProviderStatus.VERIFIED
    )
    q = _query_text(filters)
    if q:
        products = search.apply(products, q)
    if filters.category and "category" not in skip:
        products = products.filter(category_id__in=_category_ids(filters.category))
    if filters.provider and "provider" not in skip:
        products = products.filter(provider_id=_provider_id(filters))
    if filters.price_min is not None:
        products = products.filter(min_price__gte=filters.price_min)
    if filters.price_max is not None:
        products = products.filter(min_price__lte=filters.price_max)
    if filters.voucher:
        products = products.filter(voucher_eligible=True)
    if filters.rating_min is not None:
        products = products.filter(rating_avg__gte=filters.rating_min)
    return products


def _query_text(filters: SearchFilters) -> str:
    q = (filters.q or "").strip()
    if len(q) > search.MAX_QUERY_LENGTH:
        raise ValidationFailed.for_field(
            "q",
            _("Search for at most %(n)d characters.") % {"n": search.MAX_QUERY_LENGTH},
            code=MarketplaceError.QUERY_TOO_LONG,
        )
    return q


def _provider_id(filters: SearchFilters) -> uuid.UUID:
    try:
        return uuid.UUID(str(filters.provider))
    except ValueError as bad:
        raise ValidationFailed.for_field("provider", _("Unknown provider.")) from bad


def product_search(*, actor, filters: SearchFilters) -> QuerySet[Product]:
    """Live products matching the text and facets, sorted as asked."""
    if filters.sort not in SORTS:
        raise ValidationFailed.for_field("sort", _("Unknown sort order."))
    if filters.price_min is not None and filters.price_min < 0:
        raise ValidationFailed.for_field("price_min", _("Must not be negative."))
    if (
        filters.price_min is not None
        and filters.price_max is not None
        and filters.price_max < filters.price_min
    ):
        raise ValidationFailed.for_field("price_max", _("The maximum is below the minimum."))
    # A result list shows these columns only (the page, the API's ProductOut); reading no
    # other saves the transfer of long texts and the decoding of unused dates and ids.
    products = _filtered(actor, filters).select_related("provider", "category").only(*RESULT_FIELDS)
    q = (filters.q or "").strip()
    order = {
        "relevance": ["-relevance", "-rating_avg", "name"] if q else ["-order_count", "name"],
        "rating": ["-rating_avg", "-rating_count", "name"],
        "price": ["min_price", "name"],
        "-price": ["-min_price", "name"],
        "popularity": ["-order_count", "-view_count", "name"],
        "newest": ["-published_at", "name"],
    }[filters.sort]
    return products.order_by(*order, "id")


def _facet_counts(actor, filters: SearchFilters) -> dict:
    """The facet figures in one query, grouped by (category, provider): each facet counts
    with the other filters applied and its own left out, so choosing one category still
    shows how many the others hold. Leaving the category and provider filters out of the
    query and applying them to the groups gives all three views from one scan of the
    matches; the groups are at most the providers times their categories."""
    price_counts = {}
    for key, low, high in PRICE_BUCKETS:
        condition = Q()
        if low is not None:
            condition &= Q(min_price__gte=low)
        if high is not None:
            condition &= Q(min_price__lt=high)
        price_counts[key] = Count("id", filter=condition)
    rows = (
        _filtered(actor, filters, skip=frozenset({"category", "provider"}))
        .order_by()
        .values_list("category_id", "provider_id", "provider__name")
        .annotate(
            n=Count("id"),
            voucher=Count("id", filter=Q(voucher_eligible=True)),
            rating4=Count("id", filter=Q(rating_avg__gte=4)),
            rating3=Count("id", filter=Q(rating_avg__gte=3)),
            **price_counts,
        )
    )
    categories = set(_category_ids(filters.category)) if filters.category else None
    provider = _provider_id(filters) if filters.provider else None
    codes = {c.id: c.code for parent in category_tree() for c in (parent, *parent.children.all())}
    by_category: dict = {}
    by_provider: dict = {}
    figures = [0] * (4 + len(PRICE_BUCKETS))
    for category_id, provider_id, provider_name, n, *counts in rows:
        in_category = categories is None or category_id in categories
        in_provider = provider is None or provider_id == provider
        if in_provider:
            code = codes.get(category_id)
            by_category[code] = by_category.get(code, 0) + n
        if in_category:
            name, total = by_provider.get(provider_id, (provider_name, 0))
            by_provider[provider_id] = (name, total + n)
            if in_provider:
                for index, value in enumerate((n, *counts)):
                    figures[index] += value
    top = sorted(by_provider.items(), key=lambda item: (-item[1][1], item[1][0]))[:15]
    total, voucher, rating4, rating3, *prices = figures
    return {
        "by_category": by_category,
        # Plain values only: this is cached, and reading model instances or UUIDs back
        # from the cache costs more than reading the numbers.
        "providers": [{"id": str(pid), "name": name, "count": n} for pid, (name, n) in top],
        "total": total,
        "voucher": voucher,
        "ratings": {"4": rating4, "3": rating3},
        "prices": prices,
    }


def _facets_key(filters: SearchFilters) -> str:
    """The cache key of a search's facets: the catalogue's version and every filter but
    the sort, with the query as its segmented terms (so "视频会议" and " 视频会议" share)."""
    q = _query_text(filters)
    described = repr(
        (
            search.query_terms(q) if q else (),
            filters.category,
            str(filters.provider),
            str(filters.price_min),
            str(filters.price_max),
            bool(filters.voucher),
            str(filters.rating_min),
        )
    )
    digest = hashlib.blake2b(described.encode(), digest_size=16).hexdigest()
    return f"marketplace:facets:{search.catalogue_token()}:{digest}"


def search_facets(*, actor, filters: SearchFilters) -> dict:
    """Counts for the facet panel, the same for every user (they count the public
    catalogue), cached per version of the catalogue (see search.catalogue_changed)."""
    key = _facets_key(filters)
    counts = cache.get(key)
    if counts is None:
        counts = _facet_counts(actor, filters)
        cache.set(key, counts, CACHE_SECONDS)
    by_category = counts["by_category"]
    categories = []
    for parent in category_tree():
        children = [(child, by_category.get(child.code, 0)) for child in parent.children.all()]
        total = by_category.get(parent.code, 0) + sum(n for _child, n in children)
        if total:
            categories.append(
                {"category": parent, "count": total, "children": [c for c in children if c[1]]}
            )
    return {
        "total": counts["total"],
        "categories": categories,
        "providers": counts["providers"],
        "voucher": counts["voucher"],
        "ratings": counts["ratings"],
        "prices": [
            {"key": key, "low": low, "high": high, "count": n}
            for (key, low, high), n in zip(PRICE_BUCKETS, counts["prices"], strict=True)
        ],
    }


def search_total(*, actor, filters: SearchFilters) -> int:
    """How many products the search finds, from the facets (cached) rather than a count."""
    return search_facets(actor=actor, filters=filters)["total"]
