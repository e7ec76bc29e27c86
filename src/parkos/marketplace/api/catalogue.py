"""Catalogue, search, providers and listing review."""

from uuid import UUID

from django.utils.translation import gettext as _
from ninja import Query, Router, Status
from ninja.pagination import paginate

from parkos.core.errors import NotFound, ValidationFailed
from parkos.core.pagination import Paging
from parkos.marketplace import permissions, selectors
from parkos.marketplace.schemas import (
    CategoryTreeOut,
    DashboardOut,
    DecisionIn,
    PlanIn,
    PlanOut,
    ProductDetailOut,
    ProductIn,
    ProductOut,
    ProductPatch,
    ProviderDetailOut,
    ProviderIn,
    ProviderOut,
    RankingOut,
    ReviewOut,
    SearchQuery,
)
from parkos.marketplace.services import catalogue

router = Router(tags=["cloud service supermarket"])


def _filters(query: SearchQuery) -> selectors.SearchFilters:
    return selectors.SearchFilters(**query.dict())


@router.get("/categories", response=list[CategoryTreeOut])
def category_list(request):
    return selectors.category_tree()


@router.get("/providers", response=list[ProviderOut])
@paginate(Paging)
def provider_list(request):
    return selectors.provider_list(actor=request.user)


@router.get("/providers/{provider_id}", response=ProviderDetailOut)
def provider_detail(request, provider_id: UUID):
    provider = selectors.provider_get(actor=request.user, provider_id=provider_id)
    actions = selectors.provider_actions(actor=request.user, provider=provider)
    provider.action_codes = [action.code for action in actions]
    return provider


def _product_detail(request, product_id):
    product = selectors.product_get(actor=request.user, product_id=product_id)
    actions = selectors.product_actions(actor=request.user, product=product)
    product.action_codes = [action.code for action in actions]
    return product


@router.post("/providers", response={201: ProviderOut})
def provider_apply(request, payload: ProviderIn):
    return Status(201, catalogue.provider_apply(actor=request.user, **payload.dict()))


@router.post("/providers/{provider_id}/verify", response=ProviderOut)
def provider_verify(request, provider_id: UUID, payload: DecisionIn):
    """The operator's direct verification path (the approvals engine is the usual one)."""
    provider = selectors.provider_get(actor=request.user, provider_id=provider_id)
    return catalogue.provider_verify_direct(
        actor=request.user, provider=provider, approved=payload.approved
    )


@router.get("/providers/{provider_id}/dashboard", response=DashboardOut)
def provider_dashboard(request, provider_id: UUID):
    provider = selectors.provider_get(actor=request.user, provider_id=provider_id)
    figures = selectors.provider_dashboard(actor=request.user, provider=provider)
    figures["revenue"] = [
        {
            "month": f"{row['month']:%Y-%m}",
            "orders": row["n"],
            "total": str(row["total"]),
            "voucher": str(row["voucher"]),
        }
        for row in figures["revenue"]
    ]
    return figures


@router.get("/ranking", response=list[RankingOut])
def ranking(request, category: str = ""):
    found = selectors.category_get(code=category) if category else None
    return selectors.provider_ranking(actor=request.user, category=found)


class SearchPaging(Paging):
    """The count of a search comes with its facets (cached per catalogue version), so
    the list needs no COUNT over the matches of its own."""

    def _items_count(self, queryset) -> int:
        total = getattr(queryset, "search_total", None)
        return super()._items_count(queryset) if total is None else total


@router.get("/products", response=list[ProductOut])
@paginate(SearchPaging)
def product_search(request, query: Query[SearchQuery]):
    filters = _filters(query)
    products = selectors.product_search(actor=request.user, filters=filters)
    products.search_total = selectors.search_total(actor=request.user, filters=filters)
    return products


@router.get("/products/facets")
def product_facets(request, query: Query[SearchQuery]):
    facets = selectors.search_facets(actor=request.user, filters=_filters(query))
    return {
        "total": facets["total"],
        "categories": [
            {
                "code": row["category"].code,
                "name": row["category"].name,
                "count": row["count"],
                "children": [
                    {"code": child.code, "name": child.name, "count": n}
                    for child, n in row["children"]
                ],
            }
            for row in facets["categories"]
        ],
        "providers": facets["providers"],
        "voucher": facets["voucher"],
        "ratings": facets["ratings"],
        "prices": [{"key": row["key"], "count": row["count"]} for row in facets["prices"]],
    }


@router.get("/products/{product_id}", response=ProductDetailOut)
def product_detail(request, product_id: UUID):
    return _product_detail(request, product_id)


@router.get("/products/{product_id}/reviews", response=list[ReviewOut])
@paginate(Paging)
def product_reviews(request, product_id: UUID):
    product = selectors.product_get(actor=request.user, product_id=product_id)
    return selectors.review_list(actor=request.user, product_id=product.id)


@router.post("/products", response={201: ProductDetailOut})
def product_create(request, payload: ProductIn):
    data = payload.dict()
    try:
        provider = selectors.provider_get(actor=request.user, provider_id=data.pop("provider"))
    except NotFound as missing:
        raise ValidationFailed.for_field("provider", _("Unknown provider.")) from missing
    permissions.require_provider_staff(request.user, provider.id)
    data["category"] = selectors.category_get(code=data["category"])
    product = catalogue.product_create(actor=request.user, provider=provider, **data)
    return Status(201, _product_detail(request, product.id))


@router.patch("/products/{product_id}", response=ProductDetailOut)
def product_update(request, product_id: UUID, payload: ProductPatch):
    product = selectors.product_get(actor=request.user, product_id=product_id)
    changes = payload.dict(exclude_unset=True)
    if "category" in changes:
        changes["category"] = selectors.category_get(code=changes["category"] or "")
    catalogue.product_update(actor=request.user, product=product, **changes)
    return _product_detail(request, product.id)


@router.post("/products/{product_id}/plans", response={201: PlanOut})
def plan_add(request, product_id: UUID, payload: PlanIn):
    product = selectors.product_get(actor=request.user, product_id=product_id)
    return Status(201, catalogue.plan_add(actor=request.user, product=product, **payload.dict()))


@router.post("/products/{product_id}/submit", response=ProductOut)
def product_submit(request, product_id: UUID):
    product = selectors.product_get(actor=request.user, product_id=product_id)
    return catalogue.product_submit(actor=request.user, product=product)


@router.post("/products/{product_id}/review", response=ProductOut)
def product_review(request, product_id: UUID, payload: DecisionIn):
    product = selectors.product_get(actor=request.user, product_id=product_id)
    return catalogue.product_review(
        actor=request.user, product=product, approved=payload.approved, note=payload.note
    )
