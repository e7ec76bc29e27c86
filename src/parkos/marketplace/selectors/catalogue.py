"""Reads of the catalogue: categories, providers, products, search with facets, ranking."""

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

SORTS = ("relevance", "rating", "price", "-price", "popularity", "newest")
PRICE_BUCKETS = [
    ("0-1000", None, Decimal("1000")),
    ("1000-5000", Decimal("1000"), Decimal("5000")),
    ("5000-20000", Decimal("5000"), Decimal("20000")),
    ("20000-", Decimal("20000"), None),
]


CACHE_SECONDS = 300


def category_tree(*, actor=None) -> list[Category]:
    """Top-level categories with their children, in order. The tree is the same for every
    user and changes with a migration or an operator's edit, so it is cached briefly."""

    def load():
        return list(
            Category.objects.filter(parent__isnull=True).prefetch_related(
                Prefetch("children", queryset=Category.objects.order_by("position"))
            )
        )

    return cache.get_or_set("marketplace:category_tree", load, CACHE_SECONDS)


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


def _filtered(actor, filters: SearchFilters, *, skip: str = "") -> QuerySet[Product]:
    products = Product.objects.filter(
        status=ProductStatus.LIVE, provider__status=ProviderStatus.VERIFIED
    )
    q = (filters.q or "").strip()
    if len(q) > search.MAX_QUERY_LENGTH:
        raise ValidationFailed.for_field(
            "q",
            _("Search for at most %(n)d characters.") % {"n": search.MAX_QUERY_LENGTH},
            code=MarketplaceError.QUERY_TOO_LONG,
        )
    if q:
        products = search.apply(products, q)
    if filters.category and skip != "category":
        products = products.filter(category_id__in=_category_ids(filters.category))
    if filters.provider and skip != "provider":
        try:
            provider_id = uuid.UUID(str(filters.provider))
        except ValueError as bad:
            raise ValidationFailed.for_field("provider", _("Unknown provider.")) from bad
        products = products.filter(provider_id=provider_id)
    if filters.price_min is not None:
        products = products.filter(min_price__gte=filters.price_min)
    if filters.price_max is not None:
        products = products.filter(min_price__lte=filters.price_max)
    if filters.voucher and skip != "voucher":
        products = products.filter(voucher_eligible=True)
    if filters.rating_min is not None:
        products = products.filter(rating_avg__gte=filters.rating_min)
    return products


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
    # The long texts are not shown in a result list; leaving them out halves the transfer.
    products = (
        _filtered(actor, filters)
        .select_related("provider", "category")
        .defer("description", "search_document", "provider__description", "provider__credentials")
    )
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


def search_facets(*, actor, filters: SearchFilters) -> dict:
    """Counts for the facet panel. Each facet counts with the other filters applied and its
    own left out, so choosing one category still shows how many the others hold."""
    by_category = dict(
        _filtered(actor, filters, skip="category")
        .values_list("category_id")
        .annotate(n=Count("id"))
        .values_list("category_id", "n")
    )
    tree = category_tree()
    categories = []
    for parent in tree:
        children = [(child, by_category.get(child.id, 0)) for child in parent.children.all()]
        total = by_category.get(parent.id, 0) + sum(n for _child, n in children)
        if total:
            categories.append(
                {"category": parent, "count": total, "children": [c for c in children if c[1]]}
            )
    providers = list(
        _filtered(actor, filters, skip="provider")
        .values("provider_id", "provider__name")
        .annotate(n=Count("id"))
        .order_by("-n", "provider__name")[:15]
    )
    current = _filtered(actor, filters)
    buckets = {}
    for key, low, high in PRICE_BUCKETS:
        condition = Q()
        if low is not None:
            condition &= Q(min_price__gte=low)
        if high is not None:
            condition &= Q(min_price__lt=high)
        buckets[key] = Count("id", filter=condition)
    figures = current.aggregate(
        total=Count("id"),
        voucher=Count("id", filter=Q(voucher_eligible=True)),
        rating4=Count("id", filter=Q(rating_avg__gte=4)),
        rating3=Count("id", filter=Q(rating_avg__gte=3)),
        **buckets,
    )
    return {
        "total": figures["total"],
        "categories": categories,
        "providers": [
            {"id": row["provider_id"], "name": row["provider__name"], "count": row["n"]}
            for row in providers
        ],
        "voucher": figures["voucher"],
        "ratings": {"4": figures["rating4"], "3": figures["rating3"]},
        "prices": [
            {"key": key, "low": low, "high": high, "count": figures[key]}
            for key, low, high in PRICE_BUCKETS
        ],
    }
