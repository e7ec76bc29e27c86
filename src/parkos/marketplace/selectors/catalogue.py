"""Reads of the catalogue: categories, providers, products, search with facets, ranking."""

import hashlib
import uuid
from dataclasses import dataclass
from decimal import Decimal

from django.core.cache import cache
from django.core.exceptions import EmptyResultSet
from django.db import connection
from django.db.models import Prefetch, Q, QuerySet
from django.utils.translation import gettext as _

from parkos.core.errors import ValidationFailed
from parkos.core.selectors import get_or_404
from parkos.marketplace import permissions, search, workflows
from parkos.marketplace.errors import MarketplaceError
from parkos.marketplace.models import (
    Category,
    Plan,
    Product,
    ProductStatus,
    Provider,
    ProviderStatus,
)

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
TOP_PROVIDERS = 15


TREE_TOKEN = "marketplace:category_tree_token"
# (token, tree): the tree this process loaded under the shared token. Unpickling two dozen
# model instances from the cache on every search cost more than the rest of the facets.
_tree_loaded: tuple[str | None, list[Category]] = (None, [])


def category_tree() -> list[Category]:
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


def category_get(*, code: str) -> Category:
    for parent in category_tree():
        for category in (parent, *parent.children.all()):
            if category.code == code:
                return category
    raise ValidationFailed.for_field("category", _("Unknown category."))


def _category_ids(code: str) -> list:
    """The category and its children: a filter that needs no join."""
    category = category_get(code=code)
    return [category.id, *(child.id for child in category.children.all())]


def provider_list_own(*, actor) -> QuerySet[Provider]:
    """The providers the actor works for."""
    return provider_list(actor=actor).filter(pk__in=permissions.provider_ids(actor))


def provider_list(*, actor, flagged: bool | None = None, status: str = "") -> QuerySet[Provider]:
    providers = Provider.objects.visible_to(actor).order_by("name", "id")
    if flagged is not None:
        providers = providers.filter(flagged=flagged)
    if status:
        providers = providers.filter(status=status)
    return providers


def provider_get(*, actor, provider_id) -> Provider:
    return get_or_404(provider_list(actor=actor), pk=provider_id)


def provider_ranking(*, actor, category: Category | None = None, limit: int = 50) -> list[Provider]:
    """The public ranking: verified providers by score, within a category if given."""
    providers = Provider.objects.visible_to(actor).filter(
        status=ProviderStatus.VERIFIED, score__isnull=False
    )
    if category is not None:
        providers = providers.filter(
            Q(products__category=category) | Q(products__category__parent=category),
            products__status=ProductStatus.LIVE,
        ).distinct()
    return list(providers.order_by("-score", "name")[:limit])


def _products(actor) -> QuerySet[Product]:
    return Product.objects.visible_to(actor).select_related("provider", "category")


def product_get(*, actor, product_id) -> Product:
    return get_or_404(
        _products(actor).prefetch_related(
            Prefetch("plans", queryset=Plan.objects.order_by("position", "price"))
        ),
        pk=product_id,
    )


def product_actions(*, actor, product: Product) -> list:
    return workflows.transitions_for(workflows.PRODUCT, product, actor)


def provider_actions(*, actor, provider: Provider) -> list:
    return workflows.transitions_for(workflows.PROVIDER, provider, actor)


def plan_get(*, actor, product: Product, plan_id) -> Plan:
    try:
        return product.plans.get(pk=uuid.UUID(str(plan_id)))
    except (Plan.DoesNotExist, ValueError) as missing:
        raise ValidationFailed.for_field("plan", _("Unknown plan.")) from missing


def product_list_own(*, actor, provider: Provider) -> QuerySet[Product]:
    """All of a provider's products, in every state, for its staff and operators."""
    if not permissions.is_operator(actor):
        permissions.require_provider_staff(actor, provider.id)
    return (
        Product.objects.visible_to(actor)
        .filter(provider=provider)
        .select_related("category")
        .order_by("name")
    )


def product_review_queue(*, actor) -> QuerySet[Product]:
    permissions.require_operator(actor)
    return (
        Product.objects.visible_to(actor)
        .filter(status=ProductStatus.PENDING)
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
    # The public catalogue: what every signed-in user may see of it.
    products = Product.objects.visible_to(actor).filter(
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
    _validate(filters)
    # A result list shows these columns only (the page, the API's ProductOut); reading no
    # other saves the transfer of long texts and the decoding of unused dates and ids.
    products = _filtered(actor, filters).select_related("provider", "category").only(*RESULT_FIELDS)
    return products.order_by(*_order(filters))


def _validate(filters: SearchFilters) -> None:
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


def _order(filters: SearchFilters) -> list[str]:
    q = (filters.q or "").strip()
    order = {
        "relevance": ["-relevance", "-rating_avg", "name"] if q else ["-order_count", "name"],
        "rating": ["-rating_avg", "-rating_count", "name"],
        "price": ["min_price", "name"],
        "-price": ["-min_price", "name"],
        "popularity": ["-order_count", "-view_count", "name"],
        "newest": ["-published_at", "name"],
    }[filters.sort]
    return [*order, "id"]


def _page_and_counts(actor, filters: SearchFilters, offset: int, limit: int) -> tuple[list, dict]:
    """One page of the search (products) and its facet figures from one statement that
    finds the matches once (`m`) and counts them three ways. Each facet counts with the
    other filters applied and its own left out, so choosing one category still shows how
    many the others hold: the matches are found without the category and provider
    filters, and each part of the statement applies those that it needs."""
    order = _order(filters) if limit else []
    columns = ["id", "category_id", "provider_id", "provider__name", "voucher_eligible"]
    columns += ["rating_avg", "min_price"]
    columns += [f.lstrip("-") for f in order if f.lstrip("-") not in columns and f != "-relevance"]
    if "-relevance" in order:
        # Annotations come after the fields in the SQL, whatever the order asked.
        columns.append("relevance")
    matches = (
        _filtered(actor, filters, skip=frozenset({"category", "provider"}))
        .order_by()
        .values_list(*columns)
    )
    try:
        match_sql, match_params = matches.query.get_compiler(connection=connection).as_sql()
    except EmptyResultSet:
        return [], _folded([])
    db_id = Product._meta.pk.get_db_prep_value
    in_category, category_params = "", []
    if filters.category:
        ids = _category_ids(filters.category)
        in_category = f"category_id IN ({', '.join(['%s'] * len(ids))})"
        category_params = [db_id(c, connection) for c in ids]
    in_provider, provider_params = "", []
    if filters.provider:
        in_provider, provider_params = (
            "provider_id = %s",
            [db_id(_provider_id(filters), connection)],
        )

    def where(*conditions):
        return " WHERE " + " AND ".join(c for c in conditions if c) if any(conditions) else ""

    counted, count_params = ["SUM(CASE WHEN rating_avg >= %s THEN 1 ELSE 0 END)"] * 2, [4, 3]
    for _key, low, high in PRICE_BUCKETS:
        bounds = [("min_price >= %s", low), ("min_price < %s", high)]
        counted.append(
            f"SUM(CASE WHEN {' AND '.join(c for c, v in bounds if v is not None)} "
            "THEN 1 ELSE 0 END)"
        )
        count_params += [v for _c, v in bounds if v is not None]
    # Every row: kind, key, name, n, the other figures, then (with a page) the page's
    # columns, empty in the groups' rows.
    zeros = ", ".join(["0"] * (1 + len(counted)))
    shown = PAGE_COLUMNS if limit else ()
    nulls = "".join(", NULL" for _column in shown)
    groups = [
        f"SELECT 0, category_id, NULL, COUNT(*), {zeros}{nulls} FROM m{where(in_provider)} "
        "GROUP BY category_id",
        f"SELECT 1, provider_id, provider_name, n, {zeros}{nulls} FROM ("
        f"SELECT provider_id, provider_name, COUNT(*) AS n FROM m{where(in_category)} "
        f"GROUP BY provider_id, provider_name ORDER BY n DESC, provider_name LIMIT {TOP_PROVIDERS}"
        ") top",
        "SELECT 2, NULL, NULL, COUNT(*), "
        f"SUM(CASE WHEN voucher_eligible THEN 1 ELSE 0 END), {', '.join(counted)}{nulls} "
        f"FROM m{where(in_category, in_provider)}",
    ]
    group_params = [*provider_params, *category_params]
    group_params += [*count_params, *category_params, *provider_params]
    parts, params = groups, [*match_params, *group_params]
    if limit:
        # First, so that PostgreSQL takes the columns' types from it rather than from
        # the groups' empty ones.
        ordering = ", ".join(f"{f[1:]} DESC" if f[0] == "-" else f for f in order)
        product, provider = Product._meta, Provider._meta
        page = (
            f"SELECT 3, page.id, NULL, page.pos, {zeros}, {', '.join(shown)} FROM ("
            f"SELECT id, ROW_NUMBER() OVER (ORDER BY {ordering}) AS pos FROM ("
            f"SELECT {', '.join(f.lstrip('-') for f in order)} FROM m"
            f"{where(in_category, in_provider)} ORDER BY {ordering} LIMIT %s OFFSET %s) ranked"
            f") page JOIN {product.db_table} p ON p.{product.pk.column} = page.id "
            f"JOIN {provider.db_table} v "
            f"ON v.{provider.pk.column} = p.{product.get_field('provider').column}"
        )
        parts = [page, *groups]
        params = [*match_params, *category_params, *provider_params, limit, offset]
        params += group_params
    names = [c.replace("__", "_") for c in columns]
    sql = f"WITH m ({', '.join(names)}) AS MATERIALIZED ({match_sql}) " + " UNION ALL ".join(parts)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    first = 5 + len(counted)
    page_rows = sorted((row for row in rows if row[0] == 3), key=lambda row: row[3])
    return _page_products([row[first:] for row in page_rows]), _folded(rows)


# What a result list shows of a product and its provider (see RESULT_FIELDS), in the
# models' order of fields, as Model.from_db takes them.
_PRODUCT_COLUMNS = {
    name.replace("__id", "_id")
    for name in RESULT_FIELDS
    if "__" not in name or name.endswith("__id")
}
PAGE_PRODUCT = tuple(
    f.attname for f in Product._meta.concrete_fields if f.attname in _PRODUCT_COLUMNS
)
PAGE_PROVIDER = tuple(
    f.attname for f in Provider._meta.concrete_fields if f.attname in {"id", "name", "status"}
)
PAGE_COLUMNS = tuple(
    [f"p.{Product._meta.get_field(name).column}" for name in PAGE_PRODUCT]
    + [f"v.{Provider._meta.get_field(name).column}" for name in PAGE_PROVIDER]
)


def _converters(model, names) -> list:
    """For each column, what the ORM would do to the database's value to read it."""
    converters = []
    for name in names:
        field = model._meta.get_field(name)
        column = field.get_col(model._meta.db_table)
        found = connection.ops.get_db_converters(column) + field.get_db_converters(connection)
        converters.append((column, found))
    return converters


def _page_products(rows) -> list[Product]:
    """Product instances, each with its provider and its category from the tree this
    process keeps, from the page rows of _page_and_counts: the columns of PAGE_PRODUCT,
    then those of PAGE_PROVIDER."""
    categories = {c.id: c for parent in category_tree() for c in (parent, *parent.children.all())}
    split = len(PAGE_PRODUCT)
    product_converters = _converters(Product, PAGE_PRODUCT)
    provider_converters = _converters(Provider, PAGE_PROVIDER)

    def read(values, converters):
        read_values = []
        for value, (column, found) in zip(values, converters, strict=True):
            for converter in found:
                value = converter(value, column, connection)
            read_values.append(value)
        return read_values

    products = []
    for row in rows:
        product = Product.from_db(
            connection.alias, PAGE_PRODUCT, read(row[:split], product_converters)
        )
        product.provider = Provider.from_db(
            connection.alias, PAGE_PROVIDER, read(row[split:], provider_converters)
        )
        product.category = categories[product.category_id]
        products.append(product)
    return products


def _folded(rows) -> dict:
    """The facet figures from the rows of _page_and_counts."""
    codes = {c.id: c.code for parent in category_tree() for c in (parent, *parent.children.all())}
    by_category: dict = {}
    providers = []
    figures = [0] * (4 + len(PRICE_BUCKETS))
    for kind, key, name, n, *counts in rows:
        if kind == 0:
            code = codes.get(uuid.UUID(str(key)))
            by_category[code] = by_category.get(code, 0) + n
        elif kind == 1:
            providers.append({"id": str(uuid.UUID(str(key))), "name": name, "count": n})
        elif kind == 2:
            figures = [int(value or 0) for value in (n, *counts[: len(figures) - 1])]
    total, voucher, rating4, rating3, *prices = figures
    return {
        "by_category": by_category,
        # Plain values only: this is cached, and reading model instances or UUIDs back
        # from the cache costs more than reading the numbers.
        "providers": providers,
        "total": total,
        "voucher": voucher,
        "ratings": {"4": rating4, "3": rating3},
        "prices": prices,
    }


def _facet_counts(actor, filters: SearchFilters) -> dict:
    return _page_and_counts(actor, filters, 0, 0)[1]


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
    return _facets_shown(counts)


def _facets_shown(counts: dict) -> dict:
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


@dataclass
class SearchPage:
    products: list[Product]
    facets: dict

    @property
    def total(self) -> int:
        return self.facets["total"]


def search_page(*, actor, filters: SearchFilters, offset: int = 0, limit: int = 20) -> SearchPage:
    """What the catalogue page shows: one page of `product_search` and the facets.
    With the facets cached (see search_facets) the page is one query; without, the
    matches are found once for both, in one statement (see _page_and_counts), instead
    of once for the page and once more for the counts."""
    _validate(filters)
    key = _facets_key(filters)
    counts = cache.get(key)
    if counts is not None:
        page = _filtered(actor, filters).order_by(*_order(filters))[offset : offset + limit]
        return SearchPage(_shown(page), _facets_shown(counts))
    products, counts = _page_and_counts(actor, filters, offset, limit)
    cache.set(key, counts, CACHE_SECONDS)
    return SearchPage(products, _facets_shown(counts))


def _shown(products: QuerySet[Product]) -> list[Product]:
    """The products with the columns a result list shows, each with its category from
    the tree this process keeps (category_tree) rather than read and built again."""
    categories = {c.id: c for parent in category_tree() for c in (parent, *parent.children.all())}
    fields = [f for f in RESULT_FIELDS if not f.startswith("category__")] + ["category"]
    shown = list(products.select_related("provider").only(*fields))
    for product in shown:
        product.category = categories[product.category_id]
    return shown


def search_total(*, actor, filters: SearchFilters) -> int:
    """How many products the search finds, from the facets (cached) rather than a count."""
    return search_facets(actor=actor, filters=filters)["total"]
