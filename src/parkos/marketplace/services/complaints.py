"""After delivery: complaints and their handling by the operator, and one review per
accepted order. An upheld complaint on an accepted order refunds it (services/refunds.py)."""

from decimal import Decimal

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Avg, Count
from django.utils.translation import gettext as _

from parkos.core.audit import audit_record
from parkos.core.errors import Conflict, ValidationFailed
from parkos.marketplace import permissions, search
from parkos.marketplace.errors import MarketplaceError
from parkos.marketplace.models import (
    Complaint,
    Order,
    OrderStatus,
    Product,
    RefundReason,
    Review,
)
from parkos.marketplace.services import vouchers
from parkos.marketplace.services.common import now, optional_text, required_text
from parkos.marketplace.services.orders import _locked, _require_buyer, transition
from parkos.marketplace.services.refunds import order_refund, refund_amount_checked, refundable
from parkos.marketplace.workflows import COMPLAINT

S = OrderStatus


@transaction.atomic
def complaint_open(*, actor, order: Order, text: str) -> Complaint:
    order = _locked(order, actor)
    _require_buyer(actor, order)
    text = required_text("text", text, max_length=4000)
    # A complaint about a delivered order holds it until the operator decides; one about
    # an accepted order leaves it accepted (an upheld one refunds it).
    if order.status != S.ACCEPTED:
        transition(order=order, action="complain", actor=actor, note=text)
    complaint = Complaint.objects.create(
        order=order, provider_id=order.provider_id, author=actor, text=text, created_at=now()
    )
    audit_record(
        actor=actor, action="complaint.open", instance=complaint, park_id=order.enterprise.park_id
    )
    return complaint


@transaction.atomic
def complaint_resolve(
    *, actor, complaint: Complaint, upheld: bool, resolution: str, refund_amount=None
) -> Complaint:
    """The operator decides.
    - On an order not yet accepted: upheld cancels it and releases its voucher; dismissed
      puts it back as delivered, for the enterprise to accept.
    - On an accepted order: upheld refunds it (services/refunds.py), in full unless the
      operator sets `refund_amount` (zero when the provider made good otherwise); a full
      refund closes the order as refunded. Dismissed changes nothing."""
    permissions.require_operator(actor)
    complaint = COMPLAINT.lock_for(complaint)
    COMPLAINT.check(complaint, "uphold" if upheld else "dismiss")
    resolution = required_text("resolution", resolution, max_length=4000)
    order = (
        Order.objects.select_for_update(of=("self",))
        .select_related("enterprise")
        .get(pk=complaint.order_id)
    )
    if not permissions.can_act_for_order(actor, order):
        raise PermissionDenied
    refunding = upheld and order.status == S.ACCEPTED
    if refund_amount is not None and not refunding:
        raise ValidationFailed.for_field(
            "refund_amount", _("Only an upheld complaint on an accepted order is refunded.")
        )
    if refunding:
        left = refundable(order)
        total = left if refund_amount is None else refund_amount_checked(order, refund_amount)
    complaint.resolution = resolution
    complaint.resolved_by = actor
    complaint.resolved_at = now()
    COMPLAINT.fire(
        complaint,
        "uphold" if upheld else "dismiss",
        actor=actor,
        update_fields=("resolution", "resolved_by", "resolved_at"),
        lock=False,
    )
    if order.status == S.COMPLAINED:
        transition(
            order=order,
            action="uphold" if upheld else "dismiss",
            actor=actor,
            note=complaint.resolution,
        )
        if upheld and order.voucher_grant_id and order.voucher_amount > 0:
            vouchers.voucher_release(actor=actor, order=order)
    elif refunding and total > 0:
        transition(
            order=order,
            action="refund" if total == left else "refund_part",
            actor=actor,
            amount=total,
            note=complaint.resolution,
        )
        order_refund(
            actor=actor,
            order=order,
            total=total,
            reason=RefundReason.COMPLAINT,
            complaint=complaint,
            note=complaint.resolution,
        )
    audit_record(
        actor=actor,
        action=f"complaint.{complaint.status}",
        instance=complaint,
        changes={
            "resolution": complaint.resolution,
            "refund": total if refunding else None,
        },
        park_id=order.enterprise.park_id,
    )
    return complaint


@transaction.atomic
def review_create(*, actor, order: Order, stars, text: str = "") -> Review:
    order = _locked(order, actor)
    _require_buyer(actor, order)
    if order.status != S.ACCEPTED:
        raise Conflict(
            _("Rate an order once you have accepted it."), code=MarketplaceError.NOT_ACCEPTED
        )
    if Review.objects.filter(order=order).exists():
        raise Conflict(
            _("This order has been rated already."), code=MarketplaceError.ALREADY_REVIEWED
        )
    if isinstance(stars, bool) or not isinstance(stars, int) or not 1 <= stars <= 5:
        raise ValidationFailed.for_field("stars", _("Give from 1 to 5 stars."))
    review = Review.objects.create(
        order=order,
        product_id=order.product_id,
        provider_id=order.provider_id,
        author=actor,
        stars=stars,
        text=optional_text("text", text, max_length=4000),
        created_at=now(),
    )
    figures = Review.objects.filter(product_id=order.product_id).aggregate(
        avg=Avg("stars"), n=Count("id")
    )
    Product.objects.filter(pk=order.product_id).update(
        rating_avg=Decimal(str(figures["avg"])).quantize(Decimal("0.01")), rating_count=figures["n"]
    )
    # The rating facet counts products by rating.
    search.catalogue_changed()
    return review


__all__ = ["complaint_open", "complaint_resolve", "review_create"]
