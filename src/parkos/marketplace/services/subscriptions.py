"""Cancelling a running subscription: an accepted order on a monthly or yearly plan.

Who and when:
- the enterprise's members cancel at the end of the current period (`period_end`): the
  period runs to its last day, already paid, and the subscription is not renewed;
- the operator cancels at the end of the period or at once (`immediately`), for instance
  when a provider stops serving; the enterprise's own cancellation never refunds.

At once, the service ends today and the unused days are refunded pro rata: of the
period's N days (`period_start` to `period_end`, both included), the days up to and
including today are used (none if the period has not begun), and the refund is
amount × unused days / N, rounded half up to the cent, split between the voucher grant
and the enterprise as services/refunds.py says. The order closes as cancelled; the voucher
part of the used days stays redeemed and can still be claimed by the provider.

Either way, a renewal already placed for the next period (ordered, not yet delivered) is
cancelled with it and its reserved voucher money released to the balance by a `release`
ledger entry. A renewal delivered or accepted already is a period of its own: the
cancellation is refused until that one is settled or cancelled instead."""

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from parkos.core.audit import audit_record
from parkos.core.errors import Conflict, ValidationFailed
from parkos.core.money import to_cny
from parkos.marketplace import permissions
from parkos.marketplace.errors import MarketplaceError
from parkos.marketplace.models import Order, OrderStatus, RefundReason
from parkos.marketplace.services import vouchers
from parkos.marketplace.services.common import now, required_text
from parkos.marketplace.services.orders import _locked, transition
from parkos.marketplace.services.refunds import order_refund, refundable
from parkos.marketplace.workflows import ORDER

S = OrderStatus
PERIOD_END = "period_end"
IMMEDIATELY = "immediately"
EFFECTIVE = (PERIOD_END, IMMEDIATELY)


def unused_days(order: Order, today) -> tuple[int, int]:
    """(unused days, days in the period) of a subscription cancelled on `today`."""
    days = (order.period_end - order.period_start).days + 1
    used = min(max((today - order.period_start).days + 1, 0), days)
    return days - used, days


def _check_renewals(order: Order) -> list[Order]:
    """The renewals to cancel with the subscription, or a refusal naming the one in the way."""
    renewals = list(
        Order.objects.select_for_update()
        .filter(renewal_of=order)
        .exclude(status__in=[S.CANCELLED, S.DECLINED, S.REFUNDED])
    )
    for renewal in renewals:
        if renewal.status not in (S.ENQUIRY, S.QUOTED, S.ORDERED):
            raise Conflict(
                _(
                    "The next period (order %(number)s) has been delivered already: "
                    "cancel that order instead, or settle it first."
                )
                % {"number": renewal.number},
                code=MarketplaceError.RENEWAL_UNDER_WAY,
            )
    return renewals


@transaction.atomic
def subscription_cancel(*, actor, order: Order, reason: str, effective: str = PERIOD_END) -> Order:
    order = _locked(order, actor)
    if not permissions.can_cancel_subscription(actor, order, immediately=effective == IMMEDIATELY):
        raise PermissionDenied
    if effective not in EFFECTIVE:
        raise ValidationFailed.for_field(
            "effective", _("Choose the end of the period or immediately.")
        )
    reason = required_text("reason", reason, max_length=500)
    action = "cancel_now" if effective == IMMEDIATELY else "cancel_at_end"
    ORDER.check(order, action)
    ORDER.transition(action).guard(order)
    today = timezone.localdate()
    renewals = _check_renewals(order)
    at = now()
    for renewal in renewals:
        held = renewal.status == S.ORDERED and renewal.voucher_grant_id and renewal.voucher_amount
        transition(
            order=renewal,
            action="cancel",
            actor=actor,
            note=_("Subscription cancelled: %(reason)s") % {"reason": reason},
            at=at,
        )
        if held:
            vouchers.voucher_release(actor=actor, order=renewal)
    refund = None
    if effective == PERIOD_END:
        order.service_ends_on = order.period_end
        transition(order=order, action=action, actor=actor, note=reason, at=at)
    else:
        order.service_ends_on = today
        unused, days = unused_days(order, today)
        transition(order=order, action=action, actor=actor, note=reason, at=at)
        total = to_cny(refundable(order) * unused / days)
        refund = order_refund(
            actor=actor,
            order=order,
            total=total,
            reason=RefundReason.CANCELLATION,
            note=reason,
        )
    order.subscription_cancelled_at = at
    order.save(update_fields=["subscription_cancelled_at", "service_ends_on"])
    audit_record(
        actor=actor,
        action="order.subscription_cancel",
        instance=order,
        changes={
            "effective": effective,
            "reason": reason,
            "service_ends_on": order.service_ends_on,
            "renewals_cancelled": [renewal.number for renewal in renewals],
            "voucher_refund": refund.voucher_amount if refund else None,
            "enterprise_refund_due": refund.enterprise_amount if refund else None,
        },
        park_id=order.enterprise.park_id,
    )
    return order


__all__ = ["EFFECTIVE", "IMMEDIATELY", "PERIOD_END", "subscription_cancel", "unused_days"]
