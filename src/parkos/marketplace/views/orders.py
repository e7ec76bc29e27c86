"""Pages of orders: the list, one order with the actions its viewer may take, and the
provider dashboard."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext
from django.views.decorators.http import require_POST

from parkos.core.errors import ServiceError, ValidationFailed
from parkos.marketplace import permissions, selectors
from parkos.marketplace.models import OrderStatus, Provider
from parkos.marketplace.services import complaints, orders, subscriptions, vouchers
from parkos.marketplace.views.common import decimal_or_none, report_error


@login_required
def order_list(request):
    status = request.GET.get("status", "")
    if status not in OrderStatus.values:
        status = ""
    page = Paginator(selectors.order_list(actor=request.user, status=status), 25).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "marketplace/order_list.html",
        {"page": page, "status": status, "statuses": OrderStatus.choices},
    )


@login_required
def order_detail(request, order_id):
    order = selectors.order_get(actor=request.user, order_id=order_id)
    buyer = permissions.is_enterprise_member(request.user, order.enterprise_id)
    seller = permissions.is_provider_staff(request.user, order.provider_id)
    split = None
    if buyer and order.status == OrderStatus.QUOTED:
        split = vouchers.voucher_split(
            enterprise=order.enterprise, product=order.product, amount=order.quoted_amount
        )
    balance = (
        selectors.voucher_balance(actor=request.user, enterprise_id=order.enterprise_id)
        if buyer
        else None
    )
    context = {
        "order": order,
        "events": selectors.order_events(actor=request.user, order=order),
        "buyer": buyer,
        "seller": seller,
        "is_operator": permissions.is_operator(request.user),
        "split": split,
        "balance": balance,
        "review": getattr(order, "review", None),
        "sla": selectors.order_sla(order=order),
        "complaints": order.complaints.all(),
        "claim": getattr(order, "claim", None),
        "refunds": selectors.order_refunds(actor=request.user, order=order),
        "subscription_cancellable": order.status == OrderStatus.ACCEPTED
        and order.plan.is_subscription
        and order.subscription_cancelled_at is None
        and order.period_end is not None
        and order.period_end >= timezone.localdate()
        and permissions.can_cancel_subscription(request.user, order, immediately=False),
    }
    return render(request, "marketplace/order_detail.html", context)


def _product_and_plan(request, product_id):
    product = selectors.product_get(actor=request.user, product_id=product_id)
    plan = selectors.plan_get(actor=request.user, product=product, plan_id=request.POST.get("plan"))
    return product, plan


def _quantity(request) -> int:
    try:
        return int(request.POST.get("quantity", "1"))
    except ValueError:
        raise ValidationFailed.for_field(
            "quantity", _("Enter a whole number from 1 to 10000.")
        ) from None


@login_required
@require_POST
def enquiry_create(request, product_id):
    try:
        product, plan = _product_and_plan(request, product_id)
        order = orders.enquiry_create(
            actor=request.user,
            product=product,
            plan=plan,
            message=request.POST.get("message", ""),
            quantity=_quantity(request),
        )
    except ServiceError as failure:
        report_error(request, failure)
        return redirect("marketplace:product_detail", product_id=product_id)
    messages.success(request, _("Your enquiry has been sent to the provider."))
    return redirect("marketplace:order_detail", order_id=order.id)


@login_required
@require_POST
def order_direct(request, product_id):
    try:
        product, plan = _product_and_plan(request, product_id)
        order = orders.order_place(
            actor=request.user,
            product=product,
            plan=plan,
            quantity=_quantity(request),
            use_voucher=request.POST.get("use_voucher") == "1",
            invoice=_invoice(request),
        )
    except ServiceError as failure:
        report_error(request, failure)
        return redirect("marketplace:product_detail", product_id=product_id)
    messages.success(request, _("Your order has been placed."))
    return redirect("marketplace:order_detail", order_id=order.id)


def _invoice(request) -> dict:
    return {
        "title": request.POST.get("invoice_title", ""),
        "tax_id": request.POST.get("invoice_tax_id", ""),
        "email": request.POST.get("invoice_email", ""),
    }


def _stars(request) -> int:
    try:
        return int(request.POST.get("stars", ""))
    except ValueError:
        raise ValidationFailed.for_field("stars", _("Give from 1 to 5 stars.")) from None


ACTIONS = {
    "quote": lambda request, order: orders.quote_give(
        actor=request.user,
        order=order,
        amount=request.POST.get("amount", ""),
        note=request.POST.get("note", ""),
    ),
    "decline": lambda request, order: orders.enquiry_decline(
        actor=request.user, order=order, reason=request.POST.get("reason", "")
    ),
    "place": lambda request, order: orders.order_place(
        actor=request.user,
        order=order,
        use_voucher=request.POST.get("use_voucher") == "1",
        voucher_amount=decimal_or_none(request.POST.get("voucher_amount")),
        invoice=_invoice(request),
    ),
    "deliver": lambda request, order: orders.order_deliver(
        actor=request.user, order=order, note=request.POST.get("note", "")
    ),
    "accept": lambda request, order: orders.order_accept(actor=request.user, order=order),
    "cancel": lambda request, order: orders.order_cancel(
        actor=request.user, order=order, reason=request.POST.get("reason", "")
    ),
    "renew": lambda request, order: orders.order_renew(
        actor=request.user, order=order, use_voucher=request.POST.get("use_voucher") == "1"
    ),
    "review": lambda request, order: complaints.review_create(
        actor=request.user, order=order, stars=_stars(request), text=request.POST.get("text", "")
    ),
    "complain": lambda request, order: complaints.complaint_open(
        actor=request.user, order=order, text=request.POST.get("text", "")
    ),
    "claim": lambda request, order: vouchers.claim_create(actor=request.user, order=order),
    "cancel_subscription": lambda request, order: subscriptions.subscription_cancel(
        actor=request.user,
        order=order,
        reason=request.POST.get("reason", ""),
        effective=request.POST.get("effective", subscriptions.PERIOD_END),
    ),
    "resolve": lambda request, order: _complaint_resolve(request, order),
}


def _complaint_resolve(request, order):
    complaint = selectors.complaint_get(
        actor=request.user, complaint_id=request.POST.get("complaint")
    )
    if complaint.order_id != order.id:
        raise Http404
    return complaints.complaint_resolve(
        actor=request.user,
        complaint=complaint,
        upheld=request.POST.get("decision") == "uphold",
        resolution=request.POST.get("resolution", ""),
        # Passed on as typed, so that a malformed amount is refused, never read as "all".
        refund_amount=request.POST.get("refund_amount", "").strip() or None,
    )


DONE = {
    "quote": gettext_lazy("Your quote has been sent."),
    "decline": gettext_lazy("The enquiry has been declined."),
    "place": gettext_lazy("Your order has been placed."),
    "deliver": gettext_lazy("The order is marked as delivered."),
    "accept": gettext_lazy("You have accepted the delivery."),
    "cancel": gettext_lazy("The order has been cancelled."),
    "renew": gettext_lazy("The subscription has been renewed."),
    "review": gettext_lazy("Thank you for your review."),
    "complain": gettext_lazy("Your complaint has been filed."),
    "claim": gettext_lazy("The reimbursement claim has been sent."),
    "cancel_subscription": gettext_lazy("The subscription has been cancelled."),
    "resolve": gettext_lazy("The complaint has been resolved."),
}


@login_required
@require_POST
def order_action(request, order_id, action):
    order = selectors.order_get(actor=request.user, order_id=order_id)
    if action not in ACTIONS:
        raise PermissionDenied
    try:
        result = ACTIONS[action](request, order)
    except ServiceError as failure:
        report_error(request, failure)
    else:
        messages.success(request, DONE[action])
        if action == "renew":
            return redirect("marketplace:order_detail", order_id=result.id)
    return redirect("marketplace:order_detail", order_id=order.id)


@login_required
def provider_dashboard(request):
    own = permissions.provider_ids(request.user)
    if not own:
        raise PermissionDenied
    chosen = request.GET.get("provider") or sorted(own)[0]
    if chosen not in own:
        chosen = sorted(own)[0]
    provider = selectors.provider_get(actor=request.user, provider_id=chosen)
    figures = selectors.provider_dashboard(actor=request.user, provider=provider)
    labels = {
        "views": _("Views"),
        "enquiries": _("Enquiries"),
        "quotes": _("Quotes"),
        "orders": _("Orders"),
        "accepted": pgettext("order status", "Accepted"),
    }
    funnel_chart = {
        "tooltip": {"trigger": "item"},
        "series": [
            {
                "type": "funnel",
                "sort": "descending",
                "label": {"show": True, "formatter": "{b}: {c}"},
                "data": [
                    {"name": str(labels[key]), "value": value} for key, value in figures["funnel"]
                ],
            }
        ],
    }
    revenue_chart = {
        "tooltip": {"trigger": "axis"},
        "legend": {"data": [_("Revenue (CNY)"), _("Paid by vouchers (CNY)")]},
        "xAxis": {
            "type": "category",
            "data": [f"{row['month']:%Y-%m}" for row in figures["revenue"]],
        },
        "yAxis": {"type": "value"},
        "series": [
            {
                "name": _("Revenue (CNY)"),
                "type": "bar",
                "data": [str(row["total"]) for row in figures["revenue"]],
            },
            {
                "name": _("Paid by vouchers (CNY)"),
                "type": "bar",
                "data": [str(row["voucher"]) for row in figures["revenue"]],
            },
        ],
    }
    context = {
        "provider": provider,
        "providers": Provider.objects.filter(pk__in=own).order_by("name") if len(own) > 1 else [],
        "figures": figures,
        "funnel_chart": funnel_chart,
        "revenue_chart": revenue_chart,
        "enquiries": selectors.order_list(actor=request.user, provider_id=provider.id).filter(
            status__in=[OrderStatus.ENQUIRY, OrderStatus.ORDERED, OrderStatus.COMPLAINED]
        )[:20],
        "products": selectors.product_list_own(actor=request.user, provider=provider),
    }
    return render(request, "marketplace/provider_dashboard.html", context)
