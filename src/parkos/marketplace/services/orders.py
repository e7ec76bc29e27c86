"""An order's life: enquiry → quote → order → delivered → accepted (or complaint), with
renewal and cancellation (complaints and reviews: services/complaints.py; cancelling an
accepted subscription: services/subscriptions.py). The steps are the order workflow of
workflows.py: each is allowed only from the states listed for it, and leaves an OrderEvent."""

from datetime import date, timedelta
from decimal import Decimal

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.crypto import get_random_string
from django.utils.translation import gettext as _

from parkos.core.audit import audit_record
from parkos.core.errors import Conflict, NotFound, ValidationFailed
from parkos.core.money import parse_money
from parkos.core.templatetags.humanize_cny import cny
from parkos.marketplace import permissions
from parkos.marketplace.errors import MarketplaceError
from parkos.marketplace.models import (
    BillingPeriod,
    Order,
    OrderStatus,
    Plan,
    Product,
)
from parkos.marketplace.services import vouchers
from parkos.marketplace.services.common import now, optional_text, required_text
from parkos.marketplace.workflows import ORDER, RENEW, refuse

S = OrderStatus
POSITIVE = Decimal("0.01")


def transition(
    *, order: Order, action: str, actor, note: str = "", amount=None, at=None, update_fields=()
) -> Order:
    """Fire `action` of the order workflow on an order the caller has locked (or is
    creating), keeping the amount the step set on its event."""
    return ORDER.fire(
        order,
        action,
        actor=actor,
        note=note,
        data={"amount": amount} if amount is not None else None,
        at=at or now(),
        update_fields=update_fields,
        lock=False,
    )


def _locked(order: Order, actor) -> Order:
    """The order, locked, if the actor may see it; otherwise it does not exist for them."""
    visible = Order.objects.visible_to(actor).filter(pk=order.pk)
    # Only the order row: locking its product too would queue every order of that product.
    locked = (
        visible.select_for_update(of=("self",)).select_related("product__category", "plan").first()
    )
    if locked is None:
        raise NotFound(_("Order not found."))
    return locked


def _require_buyer(actor, order: Order) -> None:
    if not permissions.is_enterprise_member(actor, order.enterprise_id):
        raise PermissionDenied


def _require_seller(actor, order: Order) -> None:
    if not permissions.is_provider_staff(actor, order.provider_id):
        raise PermissionDenied


def _number(at) -> str:
    return f"MO{timezone.localtime(at):%Y%m%d}{get_random_string(6, '0123456789ABCDEFGHJKLMNPQRSTUVWXYZ')}"


def _enterprise_for(actor, enterprise):
    ids = permissions.enterprise_ids(actor)
    if enterprise is None:
        if len(ids) != 1:
            raise ValidationFailed.for_field("enterprise", _("Choose the enterprise buying."))
        from parkos.parks.selectors import enterprise_get

        return enterprise_get(actor=actor, enterprise_id=next(iter(ids)))
    if enterprise.id not in ids:
        raise PermissionDenied
    return enterprise


def _buyable(product: Product, plan: Plan) -> None:
    if not product.is_live or not product.provider.is_verified:
        raise Conflict(_("This product is not on sale."), code=MarketplaceError.PRODUCT_NOT_LIVE)
    if plan.product_id != product.id:
        raise ValidationFailed.for_field("plan", _("This plan belongs to another product."))


@transaction.atomic
def enquiry_create(
    *, actor, product: Product, plan: Plan, message: str, enterprise=None, quantity: int = 1
) -> Order:
    enterprise = _enterprise_for(actor, enterprise)
    _buyable(product, plan)
    if not isinstance(quantity, int) or not 1 <= quantity <= 10000:
        raise ValidationFailed.for_field("quantity", _("Enter a whole number from 1 to 10000."))
    at = now()
    order = Order(
        number=_number(at),
        enterprise=enterprise,
        provider_id=product.provider_id,
        product=product,
        plan=plan,
        created_by=actor,
        status="",
        quantity=quantity,
        message=required_text("message", message, max_length=4000),
    )
    return transition(order=order, action="enquire", actor=actor, at=at)


@transaction.atomic
def quote_give(*, actor, order: Order, amount, note: str = "", valid_days: int = 14) -> Order:
    order = _locked(order, actor)
    _require_seller(actor, order)
    ORDER.check(order, "quote")
    order.quoted_amount = parse_money(amount, field="amount", minimum=POSITIVE)
    order.quote_note = optional_text("note", note, max_length=2000)
    if not isinstance(valid_days, int) or not 1 <= valid_days <= 365:
        raise ValidationFailed.for_field("valid_days", _("Enter a whole number from 1 to 365."))
    order.quote_valid_until = timezone.localdate() + timedelta(days=valid_days)
    return transition(
        order=order,
        action="quote",
        actor=actor,
        amount=order.quoted_amount,
        note=order.quote_note,
        update_fields=("quoted_amount", "quote_note", "quote_valid_until"),
    )


@transaction.atomic
def enquiry_decline(*, actor, order: Order, reason: str) -> Order:
    order = _locked(order, actor)
    _require_seller(actor, order)
    return transition(
        order=order,
        action="decline",
        actor=actor,
        note=required_text("reason", reason, max_length=500),
    )


def _period(plan: Plan, start: date) -> tuple[date | None, date | None]:
    if plan.billing_period == BillingPeriod.MONTH:
        return start, start + timedelta(days=30) - timedelta(days=1)
    if plan.billing_period == BillingPeriod.YEAR:
        return start, start + timedelta(days=365) - timedelta(days=1)
    return None, None


def _settle(*, actor, order: Order, use_voucher: bool, voucher_amount, invoice: dict) -> None:
    """Fix the amount and its split, reserve the voucher part, keep the invoice details."""
    order.invoice_title = optional_text("invoice_title", invoice.get("title", ""), max_length=200)
    order.invoice_tax_id = optional_text("invoice_tax_id", invoice.get("tax_id", ""), max_length=20)
    order.invoice_email = optional_text("invoice_email", invoice.get("email", ""), max_length=254)
    order.voucher_amount = Decimal("0.00")
    order.voucher_grant = None
    if use_voucher:
        split = vouchers.voucher_split(
            enterprise=order.enterprise, product=order.product, amount=order.amount
        )
        if split.grant is None:
            code = (
                MarketplaceError.VOUCHER_NOT_ELIGIBLE
                if not order.product.voucher_eligible
                else MarketplaceError.VOUCHER_NO_GRANT
            )
            raise ValidationFailed.for_field("voucher_amount", split.reason, code=code)
        wanted = (
            split.maximum
            if voucher_amount is None
            else parse_money(voucher_amount, field="voucher_amount", minimum=POSITIVE)
        )
        if wanted > order.amount:
            raise ValidationFailed.for_field(
                "voucher_amount",
                _("The voucher cannot pay more than the order's %(amount)s.")
                % {"amount": cny(order.amount)},
                code=MarketplaceError.VOUCHER_OVER_RATIO,
            )
        order.voucher_amount = wanted
        order.voucher_grant = split.grant
    order.enterprise_amount = order.amount - order.voucher_amount
    order.save()
    if order.voucher_grant is not None:
        vouchers.voucher_reserve(
            actor=actor, order=order, grant=order.voucher_grant, voucher_amount=order.voucher_amount
        )


@transaction.atomic
def order_place(
    *,
    actor,
    order: Order | None = None,
    product: Product | None = None,
    plan: Plan | None = None,
    enterprise=None,
    quantity: int = 1,
    use_voucher: bool = False,
    voucher_amount=None,
    invoice: dict | None = None,
    renewal_of: Order | None = None,
) -> Order:
    """Place an order: on a quote (`order` in the quoted state) at the quoted amount, or
    straight on a plan at its list price. With `use_voucher`, the voucher pays
    `voucher_amount` (by default as much as the programme allows)."""
    at = now()
    if order is not None:
        order = _locked(order, actor)
        _require_buyer(actor, order)
        ORDER.check(order, "place")
        if order.quote_valid_until and order.quote_valid_until < timezone.localdate():
            raise Conflict(
                _("The quote has expired; ask for a new one."),
                code=MarketplaceError.QUOTE_EXPIRED,
            )
        _buyable(order.product, order.plan)
        order.amount = order.quoted_amount
    else:
        if product is None or plan is None:
            raise ValidationFailed.for_field("plan", _("Choose a plan."))
        enterprise = _enterprise_for(actor, enterprise)
        _buyable(product, plan)
        if not isinstance(quantity, int) or not 1 <= quantity <= 10000:
            raise ValidationFailed.for_field("quantity", _("Enter a whole number from 1 to 10000."))
        order = Order(
            number=_number(at),
            enterprise=enterprise,
            provider_id=product.provider_id,
            product=product,
            plan=plan,
            created_by=actor,
            status="",
            quantity=quantity,
            amount=plan.price * quantity,
            renewal_of=renewal_of,
        )
    # Dates are the park's (Asia/Shanghai): a renewal follows on from the period it
    # extends, but one asked after that period lapsed starts today, not in the past.
    today = timezone.localdate(at)
    start = (
        max(renewal_of.period_end + timedelta(days=1), today)
        if renewal_of and renewal_of.period_end
        else today
    )
    order.period_start, order.period_end = _period(order.plan, start)
    _settle(
        actor=actor,
        order=order,
        use_voucher=use_voucher,
        voucher_amount=voucher_amount,
        invoice=invoice or {},
    )
    Product.objects.filter(pk=order.product_id).update(order_count=F("order_count") + 1)
    transition(order=order, action="place", actor=actor, at=at, amount=order.amount)
    audit_record(
        actor=actor,
        action="order.place",
        instance=order,
        changes={
            "amount": order.amount,
            "voucher_amount": order.voucher_amount,
            "enterprise_amount": order.enterprise_amount,
        },
        park_id=order.enterprise.park_id,
    )
    return order


@transaction.atomic
def order_renew(*, actor, order: Order, use_voucher: bool = False, voucher_amount=None) -> Order:
    """A subscription's next period, at the plan's list price: from the day after the
    current one ends, or from today if it has ended already (the days between were not
    served and are not charged)."""
    order = _locked(order, actor)
    _require_buyer(actor, order)
    if not order.plan.is_subscription:
        raise Conflict(
            _("Only a subscription can be renewed."), code=MarketplaceError.NOT_A_SUBSCRIPTION
        )
    if order.status != S.ACCEPTED:
        raise refuse(ORDER, order, action="renew", label=RENEW)
    if order.subscription_cancelled_at is not None:
        raise Conflict(
            _("This subscription has been cancelled."), code=MarketplaceError.ALREADY_CANCELLED
        )
    if order.renewals.exclude(status__in=[S.CANCELLED, S.REFUNDED]).exists():
        raise Conflict(
            _("This subscription has been renewed already."),
            code=MarketplaceError.ALREADY_RENEWED,
        )
    return order_place(
        actor=actor,
        product=order.product,
        plan=order.plan,
        enterprise=order.enterprise,
        quantity=order.quantity,
        use_voucher=use_voucher,
        voucher_amount=voucher_amount,
        invoice={
            "title": order.invoice_title,
            "tax_id": order.invoice_tax_id,
            "email": order.invoice_email,
        },
        renewal_of=order,
    )


@transaction.atomic
def order_deliver(*, actor, order: Order, note: str = "") -> Order:
    order = _locked(order, actor)
    _require_seller(actor, order)
    return transition(
        order=order, action="deliver", actor=actor, note=optional_text("note", note, max_length=500)
    )


@transaction.atomic
def order_accept(*, actor, order: Order) -> Order:
    order = _locked(order, actor)
    _require_buyer(actor, order)
    transition(order=order, action="accept", actor=actor)
    if order.voucher_grant_id and order.voucher_amount > 0:
        vouchers.voucher_redeem(actor=actor, order=order)
    audit_record(
        actor=actor, action="order.accept", instance=order, park_id=order.enterprise.park_id
    )
    return order


@transaction.atomic
def order_cancel(*, actor, order: Order, reason: str) -> Order:
    order = _locked(order, actor)
    if not (
        permissions.is_enterprise_member(actor, order.enterprise_id)
        or permissions.is_provider_staff(actor, order.provider_id)
    ):
        raise PermissionDenied
    reason = required_text("reason", reason, max_length=500)
    held = order.status == S.ORDERED and order.voucher_grant_id and order.voucher_amount > 0
    transition(order=order, action="cancel", actor=actor, note=reason)
    if held:
        vouchers.voucher_release(actor=actor, order=order)
    audit_record(
        actor=actor,
        action="order.cancel",
        instance=order,
        changes={"reason": reason},
        park_id=order.enterprise.park_id,
    )
    return order


__all__ = [
    "enquiry_create",
    "enquiry_decline",
    "order_accept",
    "order_cancel",
    "order_deliver",
    "order_place",
    "order_renew",
    "quote_give",
    "transition",
]
