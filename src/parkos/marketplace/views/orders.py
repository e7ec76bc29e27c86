"""Pages of orders: the list, one order with the actions its viewer may take, and the
provider dashboard."""

from django import forms as django_forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext
from django.views.decorators.http import require_POST

from parkos.core.errors import ServiceError, ValidationFailed
from parkos.marketplace import permissions, selectors, workflows
from parkos.marketplace.forms import (
    CancelForm,
    ComplaintForm,
    ConfirmForm,
    DeclineForm,
    DeliverForm,
    DirectOrderForm,
    EnquiryForm,
    PlaceForm,
    QuoteForm,
    RenewForm,
    ResolveForm,
    ReviewForm,
    SubscriptionCancelForm,
)
from parkos.marketplace.models import ComplaintStatus, OrderStatus
from parkos.marketplace.services import complaints, orders, subscriptions, vouchers
from parkos.marketplace.views import catalogue as catalogue_views
from parkos.marketplace.views.common import report_error


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


def _place_split(order, actor, codes):
    """How the quoted amount would be paid, for the buyer about to confirm it."""
    if "place" not in codes:
        return None
    return vouchers.voucher_split(
        enterprise=order.enterprise, product=order.product, amount=order.quoted_amount
    )


def _order_page(request, order, *, bound=None, status=200):
    """The order with the actions its viewer may take now, each with its form; `bound` is
    the form of an action just refused, shown with its input and its errors."""
    actor = request.user
    buyer = permissions.is_enterprise_member(actor, order.enterprise_id)
    review = getattr(order, "review", None)
    claim = getattr(order, "claim", None)
    complaint_rows = list(order.complaints.all())
    open_complaints = [c for c in complaint_rows if c.status == ComplaintStatus.OPEN]
    actions = workflows.order_actions(
        order, actor, review=review, claim=claim, open_complaints=open_complaints
    )
    codes = [action.code for action in actions]
    forms = {}
    for action in actions:
        form_class = FORMS.get(action.code, ConfirmForm)
        if action.code == "cancel_at_end":
            form_class = SubscriptionCancelForm
        forms[action.code] = form_class(initial=_initial(order, action.code))
    if bound is not None:
        key = "cancel_at_end" if bound.action == "cancel_subscription" else bound.action
        forms[key] = bound
    resolve = forms.get("resolve")
    if "cancel_at_end" in forms and "cancel_now" not in codes:
        forms["cancel_at_end"].fields["effective"].widget = django_forms.HiddenInput()
    context = {
        "order": order,
        "events": selectors.order_events(actor=actor, order=order),
        "actions": actions,
        "forms": forms,
        "buyer": buyer,
        "split": _place_split(order, actor, codes),
        "balance": (
            selectors.voucher_balance(actor=actor, enterprise_id=order.enterprise_id)
            if buyer
            else None
        ),
        "review": review,
        "sla": selectors.order_sla(order=order),
        "complaints": [
            (c, resolve if c in open_complaints and _resolving(resolve, c) else None)
            for c in complaint_rows
        ],
        # A complaint on an accepted order is decided with a refund (or none).
        "refunding": workflows.ORDER.may(order, "refund", actor),
        "claim": claim,
        "refunds": selectors.order_refunds(actor=actor, order=order),
    }
    return render(request, "marketplace/order_detail.html", context, status=status)


def _resolving(form, complaint) -> bool:
    """The resolve form belongs under this complaint: the one it was posted for, or any
    open one when nothing was posted."""
    if form is None:
        return False
    if not form.is_bound:
        return True
    return str(form.data.get("complaint")) == str(complaint.id)


def _initial(order, code: str) -> dict:
    if code == "place":
        return {
            "use_voucher": True,
            "invoice_title": order.enterprise.name,
            "invoice_tax_id": order.enterprise.credit_code,
        }
    if code == "renew":
        return {"use_voucher": True}
    return {}


@login_required
def order_detail(request, order_id):
    order = selectors.order_get(actor=request.user, order_id=order_id)
    return _order_page(request, order)


def _product_page(request, product, *, enquiry=None, direct=None, status=200):
    return catalogue_views.product_page(
        request, product, enquiry=enquiry, direct=direct, status=status
    )


@login_required
@require_POST
def enquiry_create(request, product_id):
    product = selectors.product_get(actor=request.user, product_id=product_id)
    form = EnquiryForm(request.POST, plans=product.plans.all())
    if form.is_valid():
        try:
            order = orders.enquiry_create(actor=request.user, product=product, **form.cleaned_data)
        except ValidationFailed as invalid:
            form.add_service_errors(invalid)
        except ServiceError as failure:
            report_error(request, failure)
            return redirect("marketplace:product_detail", product_id=product_id)
        else:
            messages.success(request, _("Your enquiry has been sent to the provider."))
            return redirect("marketplace:order_detail", order_id=order.id)
    return _product_page(request, product, enquiry=form, status=422)


@login_required
@require_POST
def order_direct(request, product_id):
    product = selectors.product_get(actor=request.user, product_id=product_id)
    form = DirectOrderForm(request.POST, plans=product.plans.all())
    if form.is_valid():
        data = form.cleaned_data
        try:
            order = orders.order_place(
                actor=request.user,
                product=product,
                plan=data["plan"],
                quantity=data["quantity"],
                use_voucher=data["use_voucher"],
                invoice=form.invoice(),
            )
        except ValidationFailed as invalid:
            form.add_service_errors(invalid)
        except ServiceError as failure:
            report_error(request, failure)
            return redirect("marketplace:product_detail", product_id=product_id)
        else:
            messages.success(request, _("Your order has been placed."))
            return redirect("marketplace:order_detail", order_id=order.id)
    return _product_page(request, product, direct=form, status=422)


def _resolve(actor, order, form):
    data = form.cleaned_data
    complaint = selectors.complaint_get(actor=actor, complaint_id=data["complaint"])
    if complaint.order_id != order.id:
        raise Http404
    return complaints.complaint_resolve(
        actor=actor,
        complaint=complaint,
        upheld=data["decision"] == "uphold",
        resolution=data["resolution"],
        refund_amount=data["refund_amount"],
    )


# Each action of the order page: its form, and the service it calls with the cleaned input.
FORMS = {
    "quote": QuoteForm,
    "decline": DeclineForm,
    "place": PlaceForm,
    "deliver": DeliverForm,
    "accept": ConfirmForm,
    "cancel": CancelForm,
    "renew": RenewForm,
    "review": ReviewForm,
    "complain": ComplaintForm,
    "claim": ConfirmForm,
    "cancel_subscription": SubscriptionCancelForm,
    "resolve": ResolveForm,
}
ACTIONS = {
    "quote": lambda actor, order, form: orders.quote_give(
        actor=actor, order=order, **form.cleaned_data
    ),
    "decline": lambda actor, order, form: orders.enquiry_decline(
        actor=actor, order=order, **form.cleaned_data
    ),
    "place": lambda actor, order, form: orders.order_place(
        actor=actor,
        order=order,
        use_voucher=form.cleaned_data["use_voucher"],
        voucher_amount=form.cleaned_data["voucher_amount"],
        invoice=form.invoice(),
    ),
    "deliver": lambda actor, order, form: orders.order_deliver(
        actor=actor, order=order, **form.cleaned_data
    ),
    "accept": lambda actor, order, form: orders.order_accept(actor=actor, order=order),
    "cancel": lambda actor, order, form: orders.order_cancel(
        actor=actor, order=order, **form.cleaned_data
    ),
    "renew": lambda actor, order, form: orders.order_renew(
        actor=actor, order=order, **form.cleaned_data
    ),
    "review": lambda actor, order, form: complaints.review_create(
        actor=actor, order=order, **form.cleaned_data
    ),
    "complain": lambda actor, order, form: complaints.complaint_open(
        actor=actor, order=order, **form.cleaned_data
    ),
    "claim": lambda actor, order, form: vouchers.claim_create(actor=actor, order=order),
    "cancel_subscription": lambda actor, order, form: subscriptions.subscription_cancel(
        actor=actor, order=order, **form.cleaned_data
    ),
    "resolve": _resolve,
}


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
    form = FORMS[action](request.POST)
    if form.is_valid():
        try:
            result = ACTIONS[action](request.user, order, form)
        except ValidationFailed as invalid:
            form.add_service_errors(invalid)
        except ServiceError as failure:
            report_error(request, failure)
            return redirect("marketplace:order_detail", order_id=order.id)
        else:
            messages.success(request, DONE[action])
            if action == "renew":
                return redirect("marketplace:order_detail", order_id=result.id)
            return redirect("marketplace:order_detail", order_id=order.id)
    messages.error(request, _("Please correct the errors below."))
    return _order_page(request, order, bound=form, status=422)


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
        "providers": selectors.provider_list_own(actor=request.user) if len(own) > 1 else [],
        "figures": figures,
        "funnel_chart": funnel_chart,
        "revenue_chart": revenue_chart,
        "enquiries": selectors.order_list(
            actor=request.user,
            provider_id=provider.id,
            statuses=(OrderStatus.ENQUIRY, OrderStatus.ORDERED, OrderStatus.COMPLAINED),
        )[:20],
        "products": selectors.product_list_own(actor=request.user, provider=provider),
    }
    return render(request, "marketplace/provider_dashboard.html", context)
