"""Reads of orders, reviews, complaints and the provider dashboard."""

from datetime import date
from decimal import Decimal

from django.db.models import Count, F, Q, QuerySet, Sum
from django.db.models.functions import TruncMonth
from django.utils import timezone

from parkos.core.selectors import get_or_404
from parkos.marketplace import permissions, workflows
from parkos.marketplace.models import (
    Complaint,
    ComplaintStatus,
    Order,
    OrderEvent,
    OrderRefund,
    OrderStatus,
    Provider,
    Review,
    VoucherClaim,
)


def order_list(
    *, actor, status: str = "", statuses=(), provider_id=None, enterprise_id=None
) -> QuerySet[Order]:
    orders = (
        Order.objects.visible_to(actor)
        .select_related("product", "plan", "provider", "enterprise", "voucher_grant")
        .order_by("-created_at", "id")
    )
    if status:
        orders = orders.filter(status=status)
    if statuses:
        orders = orders.filter(status__in=statuses)
    if provider_id:
        orders = orders.filter(provider_id=provider_id)
    if enterprise_id:
        orders = orders.filter(enterprise_id=enterprise_id)
    return orders


def order_get(*, actor, order_id) -> Order:
    return get_or_404(order_list(actor=actor).select_related("product__category"), pk=order_id)


def order_actions(*, actor, order: Order):
    """What the actor may do with the order now, reading the rows beside it."""
    return workflows.order_actions(
        order,
        actor,
        review=Review.objects.visible_to(actor).filter(order=order).first(),
        claim=VoucherClaim.objects.visible_to(actor).filter(order=order).first(),
        open_complaints=list(
            Complaint.objects.visible_to(actor).filter(order=order, status=ComplaintStatus.OPEN)[:1]
        ),
    )


def order_events(*, actor, order: Order) -> QuerySet[OrderEvent]:
    return (
        OrderEvent.objects.visible_to(actor)
        .filter(order=order)
        .select_related("actor")
        .order_by("at")
    )


def order_refunds(*, actor, order: Order) -> QuerySet[OrderRefund]:
    return OrderRefund.objects.visible_to(actor).filter(order=order).order_by("at")


def order_sla(*, order: Order) -> dict:
    """The order against its product's service terms, measured from its timestamps:
    hours to the first answer of the enquiry, days from order to delivery."""
    product = order.product
    answered = order.quoted_at or (
        order.closed_at if order.status == OrderStatus.DECLINED else None
    )
    response_hours = (
        round((answered - order.enquired_at).total_seconds() / 3600, 1)
        if answered and order.enquired_at
        else None
    )
    delivery_days = (
        round((order.delivered_at - order.ordered_at).total_seconds() / 86400, 1)
        if order.delivered_at and order.ordered_at
        else None
    )
    return {
        "response_hours": response_hours,
        "response_terms": product.sla_response_hours,
        "response_met": None
        if response_hours is None
        else response_hours <= product.sla_response_hours,
        "delivery_days": delivery_days,
        "delivery_terms": product.sla_delivery_days,
        "delivery_met": None
        if delivery_days is None
        else delivery_days <= product.sla_delivery_days,
    }


def review_list(*, actor, product_id=None, provider_id=None) -> QuerySet[Review]:
    """Reviews are public: the catalogue shows them with the product."""
    reviews = (
        Review.objects.visible_to(actor).select_related("author", "product").order_by("-created_at")
    )
    if product_id:
        reviews = reviews.filter(product_id=product_id)
    if provider_id:
        reviews = reviews.filter(provider_id=provider_id)
    return reviews


def complaint_list(*, actor) -> QuerySet[Complaint]:
    return (
        Complaint.objects.visible_to(actor)
        .select_related("order__product", "provider", "author")
        .order_by("-created_at")
    )


def complaint_get(*, actor, complaint_id) -> Complaint:
    return get_or_404(complaint_list(actor=actor), pk=complaint_id)


def provider_dashboard(*, actor, provider: Provider) -> dict:
    """The provider's figures: views, enquiries, quotes, orders, the funnel, revenue by month."""
    if not permissions.is_operator(actor):
        permissions.require_provider_staff(actor, provider.id)
    views = provider.products.aggregate(n=Sum("view_count"))["n"] or 0
    orders = Order.objects.visible_to(actor).filter(provider=provider)
    figures = orders.aggregate(
        enquiries=Count("id", filter=Q(enquired_at__isnull=False)),
        quotes=Count("id", filter=Q(quoted_at__isnull=False)),
        orders=Count("id", filter=Q(ordered_at__isnull=False)),
        delivered=Count("id", filter=Q(delivered_at__isnull=False)),
        accepted=Count("id", filter=Q(accepted_at__isnull=False)),
        open_enquiries=Count("id", filter=Q(status=OrderStatus.ENQUIRY)),
    )
    # Revenue is what accepted orders keep after refunds: a subscription cancelled at once
    # still earned its used days, a refunded order earned nothing.
    revenue = list(
        orders.filter(accepted_at__isnull=False)
        .exclude(status=OrderStatus.REFUNDED)
        .annotate(month=TruncMonth("accepted_at"))
        .values("month")
        .annotate(
            total=Sum(F("amount") - F("voucher_refunded") - F("enterprise_refunded")),
            voucher=Sum(F("voucher_amount") - F("voucher_refunded")),
            n=Count("id"),
        )
        .order_by("month")
    )
    return {
        "views": views,
        **figures,
        "funnel": [
            ("views", views),
            ("enquiries", figures["enquiries"]),
            ("quotes", figures["quotes"]),
            ("orders", figures["orders"]),
            ("accepted", figures["accepted"]),
        ],
        "revenue": _every_month(revenue, until=timezone.localdate()),
    }


def _month(value) -> date:
    # TruncMonth gives a datetime on a DateTimeField (in the current time zone).
    return date(value.year, value.month, 1)


def _every_month(rows: list[dict], *, until: date) -> list[dict]:
    """One row per month from the first month with revenue to `until`'s month, months
    without revenue as zero, so a chart's time axis is even."""
    if not rows:
        return []
    found = {_month(row["month"]): row for row in rows}
    month = min(found)
    last = max(max(found), date(until.year, until.month, 1))
    every = []
    while month <= last:
        every.append(
            found.get(month)
            or {"month": month, "total": Decimal("0.00"), "voucher": Decimal("0.00"), "n": 0}
        )
        month = date(month.year + month.month // 12, month.month % 12 + 1, 1)
    return every
