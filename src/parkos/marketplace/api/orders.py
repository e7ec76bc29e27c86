"""Enquiries, quotes, orders, complaints and reviews."""

from uuid import UUID

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _
from ninja import Router, Status
from ninja.pagination import paginate

from parkos.core.errors import NotFound, ValidationFailed
from parkos.core.pagination import Paging
from parkos.marketplace import permissions, selectors
from parkos.marketplace.models import OrderStatus
from parkos.marketplace.schemas import (
    ComplaintIn,
    ComplaintOut,
    DirectOrderIn,
    EnquiryIn,
    MarketplaceReasonIn,
    NoteIn,
    OrderDetailOut,
    OrderOut,
    PlaceIn,
    QuoteIn,
    RefundOut,
    RenewIn,
    ResolveIn,
    ReviewIn,
    ReviewOut,
    SplitOut,
    SubscriptionCancelIn,
)
from parkos.marketplace.services import complaints, orders, subscriptions, vouchers

router = Router(tags=["cloud service supermarket"])


def _product_and_plan(request, product_id, plan_id):
    # Only an enterprise's members buy: anyone else is refused before their input is read.
    if not permissions.can_buy(request.user):
        raise PermissionDenied
    try:
        product = selectors.product_get(actor=request.user, product_id=product_id)
    except NotFound as missing:
        raise ValidationFailed.for_field("product", _("Unknown product.")) from missing
    return product, selectors.plan_get(actor=request.user, product=product, plan_id=plan_id)


def _enterprise(request, enterprise_id):
    if enterprise_id is None:
        return None
    if enterprise_id not in permissions.enterprise_ids(request.user):
        raise ValidationFailed.for_field("enterprise", _("Unknown enterprise."))
    from parkos.parks.selectors import enterprise_get

    return enterprise_get(actor=request.user, enterprise_id=enterprise_id)


@router.get("/orders", response=list[OrderOut])
@paginate(Paging)
def order_list(request, status: str = ""):
    if status and status not in OrderStatus.values:
        raise ValidationFailed.for_field("status", _("Unknown status."))
    return selectors.order_list(actor=request.user, status=status)


@router.get("/orders/{order_id}", response=OrderDetailOut)
def order_detail(request, order_id: UUID):
    order = selectors.order_get(actor=request.user, order_id=order_id)
    order.action_codes = [a.code for a in selectors.order_actions(actor=request.user, order=order)]
    return order


@router.post("/enquiries", response={201: OrderOut})
def enquiry_create(request, payload: EnquiryIn):
    product, plan = _product_and_plan(request, payload.product, payload.plan)
    created = orders.enquiry_create(
        actor=request.user,
        product=product,
        plan=plan,
        message=payload.message,
        quantity=payload.quantity,
        enterprise=_enterprise(request, payload.enterprise),
    )
    return Status(201, created)


@router.post("/orders/{order_id}/quote", response=OrderOut)
def quote_give(request, order_id: UUID, payload: QuoteIn):
    order = selectors.order_get(actor=request.user, order_id=order_id)
    return orders.quote_give(actor=request.user, order=order, **payload.dict())


@router.post("/orders/{order_id}/decline", response=OrderOut)
def enquiry_decline(request, order_id: UUID, payload: MarketplaceReasonIn):
    order = selectors.order_get(actor=request.user, order_id=order_id)
    return orders.enquiry_decline(actor=request.user, order=order, reason=payload.reason)


@router.get("/orders/{order_id}/split", response=SplitOut)
def order_split(request, order_id: UUID):
    """How the quoted amount would be paid: voucher part and enterprise part."""
    order = selectors.order_get(actor=request.user, order_id=order_id)
    amount = order.quoted_amount or order.amount or order.plan.price * order.quantity
    return vouchers.voucher_split(enterprise=order.enterprise, product=order.product, amount=amount)


@router.get("/products/{product_id}/split", response=SplitOut)
def product_split(request, product_id: UUID, plan: UUID, quantity: int = 1):
    """How a direct order at the list price would be paid, before confirming it."""
    product, chosen = _product_and_plan(request, product_id, plan)
    if not 1 <= quantity <= 10000:
        raise ValidationFailed.for_field("quantity", _("Enter a whole number from 1 to 10000."))
    ids = permissions.enterprise_ids(request.user)
    if not ids:
        raise ValidationFailed.for_field("enterprise", _("Unknown enterprise."))
    enterprise = _enterprise(request, sorted(ids)[0])
    return vouchers.voucher_split(
        enterprise=enterprise, product=product, amount=chosen.price * quantity
    )


@router.post("/orders/{order_id}/place", response=OrderOut)
def order_place_quoted(request, order_id: UUID, payload: PlaceIn):
    order = selectors.order_get(actor=request.user, order_id=order_id)
    return orders.order_place(
        actor=request.user,
        order=order,
        use_voucher=payload.use_voucher,
        voucher_amount=payload.voucher_amount,
        invoice=payload.invoice.dict(),
    )


@router.post("/orders", response={201: OrderOut})
def order_place_direct(request, payload: DirectOrderIn):
    product, plan = _product_and_plan(request, payload.product, payload.plan)
    created = orders.order_place(
        actor=request.user,
        product=product,
        plan=plan,
        quantity=payload.quantity,
        enterprise=_enterprise(request, payload.enterprise),
        use_voucher=payload.use_voucher,
        voucher_amount=payload.voucher_amount,
        invoice=payload.invoice.dict(),
    )
    return Status(201, created)


@router.post("/orders/{order_id}/deliver", response=OrderOut)
def order_deliver(request, order_id: UUID, payload: NoteIn):
    order = selectors.order_get(actor=request.user, order_id=order_id)
    return orders.order_deliver(actor=request.user, order=order, note=payload.note)


@router.post("/orders/{order_id}/accept", response=OrderOut)
def order_accept(request, order_id: UUID):
    order = selectors.order_get(actor=request.user, order_id=order_id)
    return orders.order_accept(actor=request.user, order=order)


@router.post("/orders/{order_id}/cancel", response=OrderOut)
def order_cancel(request, order_id: UUID, payload: MarketplaceReasonIn):
    order = selectors.order_get(actor=request.user, order_id=order_id)
    return orders.order_cancel(actor=request.user, order=order, reason=payload.reason)


@router.post("/orders/{order_id}/cancel-subscription", response=OrderOut)
def subscription_cancel(request, order_id: UUID, payload: SubscriptionCancelIn):
    """Cancel an accepted subscription at the end of its period (the enterprise or the
    operator) or at once with a pro-rata refund of the unused days (the operator)."""
    order = selectors.order_get(actor=request.user, order_id=order_id)
    return subscriptions.subscription_cancel(
        actor=request.user, order=order, reason=payload.reason, effective=payload.effective
    )


@router.get("/orders/{order_id}/refunds", response=list[RefundOut])
def order_refunds(request, order_id: UUID):
    order = selectors.order_get(actor=request.user, order_id=order_id)
    return selectors.order_refunds(actor=request.user, order=order)


@router.post("/orders/{order_id}/renew", response={201: OrderOut})
def order_renew(request, order_id: UUID, payload: RenewIn):
    order = selectors.order_get(actor=request.user, order_id=order_id)
    return Status(201, orders.order_renew(actor=request.user, order=order, **payload.dict()))


@router.post("/orders/{order_id}/review", response={201: ReviewOut})
def review_create(request, order_id: UUID, payload: ReviewIn):
    order = selectors.order_get(actor=request.user, order_id=order_id)
    return Status(201, complaints.review_create(actor=request.user, order=order, **payload.dict()))


@router.post("/orders/{order_id}/complaints", response={201: ComplaintOut})
def complaint_open(request, order_id: UUID, payload: ComplaintIn):
    order = selectors.order_get(actor=request.user, order_id=order_id)
    return Status(
        201, complaints.complaint_open(actor=request.user, order=order, text=payload.text)
    )


@router.get("/complaints", response=list[ComplaintOut])
@paginate(Paging)
def complaint_list(request):
    return selectors.complaint_list(actor=request.user)


@router.post("/complaints/{complaint_id}/resolve", response=ComplaintOut)
def complaint_resolve(request, complaint_id: UUID, payload: ResolveIn):
    complaint = selectors.complaint_get(actor=request.user, complaint_id=complaint_id)
    return complaints.complaint_resolve(actor=request.user, complaint=complaint, **payload.dict())
