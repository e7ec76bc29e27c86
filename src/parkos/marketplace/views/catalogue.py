"""Pages of the catalogue: search with facets, product, provider, ranking, listing review."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Page, Paginator
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from parkos.core.errors import ServiceError, ValidationFailed
from parkos.marketplace import permissions, selectors, workflows
from parkos.marketplace.forms import (
    DirectOrderForm,
    EnquiryForm,
    ProductNewForm,
    ProductReviewForm,
    ProviderApplyForm,
)
from parkos.marketplace.models import ProviderStatus
from parkos.marketplace.services import catalogue, vouchers
from parkos.marketplace.views.common import decimal_or_none, report_error

SORT_LABELS = {
    "relevance": gettext_lazy("Relevance"),
    "rating": gettext_lazy("Rating"),
    "price": gettext_lazy("Price, low to high"),
    "-price": gettext_lazy("Price, high to low"),
    "popularity": gettext_lazy("Popularity"),
    "newest": gettext_lazy("Newest"),
}


def _filters(request) -> selectors.SearchFilters:
    sort = request.GET.get("sort", "relevance")
    return selectors.SearchFilters(
        q=request.GET.get("q", ""),
        category=request.GET.get("category", ""),
        provider=request.GET.get("provider", ""),
        price_min=decimal_or_none(request.GET.get("price_min")),
        price_max=decimal_or_none(request.GET.get("price_max")),
        voucher=request.GET.get("voucher") in ("1", "on", "true"),
        rating_min=decimal_or_none(request.GET.get("rating_min")),
        sort=sort if sort in SORT_LABELS else "relevance",
    )


def _search_page(request, filters) -> tuple[Page, dict]:
    """The asked page of results with the facets, whose total is the count (no COUNT
    query of its own); a page past the end shows the last, as Paginator.get_page does."""
    try:
        number = max(1, int(request.GET.get("page", 1)))
    except ValueError:
        number = 1
    found = selectors.search_page(actor=request.user, filters=filters, offset=(number - 1) * 20)
    last = max(1, -(-found.total // 20))
    if number > last:
        number = last
        found = selectors.search_page(actor=request.user, filters=filters, offset=(last - 1) * 20)
    paginator = Paginator([], 20)
    paginator.count = found.total
    return Page(found.products, number, paginator), found.facets


@login_required
def home(request):
    filters = _filters(request)
    error = None
    try:
        page, facets = _search_page(request, filters)
    except ServiceError as failure:
        error = failure.message
        filters.q = filters.q[:200]
        page, facets = None, None
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "filters": filters,
        "page": page,
        "facets": facets,
        "error": error,
        "tree": selectors.category_tree(),
        "sorts": list(SORT_LABELS.items()),
        "querystring": query.urlencode(),
        "provider_ids": permissions.provider_ids(request.user),
        "is_operator": permissions.is_operator(request.user),
    }
    template = "marketplace/_results.html" if request.htmx else "marketplace/home.html"
    return render(request, template, context, status=422 if error else 200)


def product_page(request, product, *, enquiry=None, direct=None, status=200):
    """The product with its plans and, for a buyer, the enquiry and order forms; a form just
    refused comes back with its input and errors."""
    enterprise_ids = permissions.enterprise_ids(request.user)
    split = None
    plans = list(product.plans.all())
    if enterprise_ids and plans:
        from parkos.parks.selectors import enterprise_get

        enterprise = enterprise_get(actor=request.user, enterprise_id=next(iter(enterprise_ids)))
        split = vouchers.voucher_split(
            enterprise=enterprise, product=product, amount=plans[0].price
        )
    context = {
        "product": product,
        "plans": plans,
        "reviews": selectors.review_list(actor=request.user, product_id=product.id)[:20],
        "can_buy": bool(enterprise_ids) and product.is_live,
        "is_staff": permissions.is_provider_staff(request.user, product.provider_id),
        "actions": workflows.transitions_for(workflows.PRODUCT, product, request.user),
        "split": split,
        "enquiry_form": enquiry or EnquiryForm(plans=plans),
        "direct_form": direct or DirectOrderForm(plans=plans),
    }
    return render(request, "marketplace/product_detail.html", context, status=status)


@login_required
def product_detail(request, product_id):
    product = selectors.product_get(actor=request.user, product_id=product_id)
    if not permissions.is_provider_staff(request.user, product.provider_id):
        catalogue.product_record_view(product=product)
    return product_page(request, product)


@login_required
def provider_detail(request, provider_id):
    provider = selectors.provider_get(actor=request.user, provider_id=provider_id)
    products = selectors.product_search(
        actor=request.user,
        filters=selectors.SearchFilters(provider=str(provider.id), sort="rating"),
    )
    score = provider.scores.first()
    return render(
        request,
        "marketplace/provider_detail.html",
        {"provider": provider, "products": products, "score": score},
    )


@login_required
def provider_apply(request):
    form = ProviderApplyForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            provider = catalogue.provider_apply(actor=request.user, **form.cleaned_data)
        except ValidationFailed as invalid:
            form.add_service_errors(invalid)
        else:
            messages.success(request, _("Your application has been sent for verification."))
            return redirect("marketplace:provider_detail", provider_id=provider.id)
    return render(
        request,
        "marketplace/provider_apply.html",
        {"form": form},
        status=422 if form.errors else 200,
    )


@login_required
def ranking(request):
    code = request.GET.get("category", "")
    category = None
    if code:
        try:
            category = selectors.category_get(code=code)
        except ServiceError:
            category = None
    return render(
        request,
        "marketplace/ranking.html",
        {
            "providers": selectors.provider_ranking(actor=request.user, category=category),
            "category": category,
            "tree": selectors.category_tree(),
        },
    )


@login_required
def review_queue(request):
    products = selectors.product_review_queue(actor=request.user)
    flagged = selectors.provider_list(actor=request.user, flagged=True)
    applied = selectors.provider_list(actor=request.user, status=ProviderStatus.APPLIED)
    return render(
        request,
        "marketplace/review_queue.html",
        {"products": products, "flagged": flagged, "applied": applied},
    )


@login_required
@require_POST
def product_review(request, product_id):
    permissions.require_operator(request.user)
    product = selectors.product_get(actor=request.user, product_id=product_id)
    form = ProductReviewForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationFailed(_("Choose to approve or reject."), fields=form.errors)
        catalogue.product_review(
            actor=request.user,
            product=product,
            approved=form.cleaned_data["decision"] == "approve",
            note=form.cleaned_data["note"],
        )
    except ServiceError as failure:
        report_error(request, failure)
    else:
        messages.success(request, _("The listing has been decided."))
    return redirect("marketplace:review_queue")


@login_required
def product_new(request):
    """A provider's staff list a new product with its first plan; it starts as a draft."""
    if not permissions.provider_ids(request.user):
        raise PermissionDenied
    form = ProductNewForm(
        request.POST or None,
        providers=selectors.provider_list_own(actor=request.user),
        tree=selectors.category_tree(),
    )
    if request.method == "POST" and form.is_valid():
        try:
            product = catalogue.product_create(actor=request.user, **form.product())
        except ValidationFailed as invalid:
            form.add_service_errors(invalid)
        except ServiceError as failure:
            report_error(request, failure)
        else:
            messages.success(request, _("The product is saved as a draft."))
            return redirect("marketplace:product_detail", product_id=product.id)
    return render(
        request,
        "marketplace/product_new.html",
        {"form": form},
        status=422 if request.method == "POST" else 200,
    )


@login_required
@require_POST
def product_submit(request, product_id):
    product = selectors.product_get(actor=request.user, product_id=product_id)
    try:
        catalogue.product_submit(actor=request.user, product=product)
    except ServiceError as failure:
        report_error(request, failure)
    else:
        messages.success(request, _("The product has been sent for review."))
    return redirect("marketplace:product_detail", product_id=product.id)
