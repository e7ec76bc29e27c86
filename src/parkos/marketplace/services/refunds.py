"""Money an accepted order gives back: in full when the operator upholds a complaint (or
the part the operator sets), for the unused days when a subscription is cancelled at once.

The rule, whatever the reason. A refund of R CNY is split in the proportion the order was
paid, both parts net of earlier refunds: the voucher part is R × voucher / (voucher +
enterprise), rounded half up to the cent, and the enterprise part the rest.
- The voucher part goes back to the grant it came from by a `refund` ledger entry: the
  grant's balance rises and its `redeemed` falls by it, and so does the programme's
  `redeemed_total`. If the grant has expired in the meantime the money expires with it
  (an `expire` entry follows), as a release on an expired grant does.
- A reimbursement claim not yet decided is lowered to the voucher part still spent, and
  withdrawn when nothing is left. A claim already approved has been paid: the provider owes
  the voucher part back, a clawback recorded on the refund and added to the claim's
  `clawed_back`, which lowers the programme's net `reimbursed_total`. It stays owed (the
  claim's `clawback_owed`, listed to the provider and in the programme report) until the
  operator records it paid back (services/vouchers.clawbacks_settle).
- The enterprise part is due to the enterprise from the provider, whom it paid directly.
A grant's balance and reserved amount therefore still equal the sums of its ledger, and a
refund never creates voucher money: the programme's granted total, bounded by its budget,
does not move."""

from decimal import Decimal

from django.utils.translation import gettext as _

from parkos.core.audit import audit_record
from parkos.core.errors import ValidationFailed
from parkos.core.money import parse_money, to_cny
from parkos.marketplace.errors import MarketplaceError
from parkos.marketplace.models import (
    ClaimStatus,
    LedgerKind,
    Order,
    OrderRefund,
    VoucherClaim,
    VoucherGrant,
    VoucherProgramme,
)
from parkos.marketplace.services.common import now
from parkos.marketplace.services.vouchers import ledger_record
from parkos.marketplace.workflows import CLAIM

ZERO = Decimal("0.00")


def refundable(order: Order) -> Decimal:
    """What the order may still give back: its amount less earlier refunds."""
    return (order.voucher_amount - order.voucher_refunded) + (
        order.enterprise_amount - order.enterprise_refunded
    )


def refund_split(order: Order, total: Decimal) -> tuple[Decimal, Decimal]:
    """(voucher part, enterprise part) of a refund of `total`, by the rule above."""
    voucher_left = order.voucher_amount - order.voucher_refunded
    enterprise_left = order.enterprise_amount - order.enterprise_refunded
    paid = voucher_left + enterprise_left
    if total >= paid:
        return voucher_left, enterprise_left
    if total <= 0 or paid <= 0:
        return ZERO, ZERO
    voucher = min(to_cny(total * voucher_left / paid), voucher_left)
    # Both parts are whole cents and the voucher part is rounded to the nearest one, so
    # the enterprise part stays within what the enterprise paid.
    return voucher, total - voucher


def refund_amount_checked(order: Order, value, *, field: str = "refund_amount") -> Decimal:
    """A refund amount asked by the operator: from zero to what is left to refund."""
    amount = parse_money(value, field=field)
    left = refundable(order)
    if amount > left:
        raise ValidationFailed.for_field(
            field,
            _("At most %(left)s CNY can be refunded.") % {"left": left},
            code=MarketplaceError.REFUND_TOO_LARGE,
        )
    return amount


def order_refund(
    *, actor, order: Order, total: Decimal, reason: str, complaint=None, note: str = ""
) -> OrderRefund | None:
    """Give back `total` of an accepted order. Runs inside the caller's transaction, on the
    order the caller has locked; locks the claim, then the grant, then the programme, the
    order claims_decide and voucher_redeem also take them in."""
    voucher, enterprise = refund_split(order, to_cny(total))
    if voucher == 0 and enterprise == 0:
        return None
    clawback = _claim_adjust(actor, order, voucher) if voucher > 0 else ZERO
    if voucher > 0:
        _voucher_return(actor, order, voucher, clawback)
    order.voucher_refunded += voucher
    order.enterprise_refunded += enterprise
    order.save(update_fields=["voucher_refunded", "enterprise_refunded"])
    refund = OrderRefund.objects.create(
        order=order,
        reason=reason,
        complaint=complaint,
        voucher_amount=voucher,
        enterprise_amount=enterprise,
        clawback_amount=clawback,
        note=note[:500],
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        at=now(),
    )
    audit_record(
        actor=actor,
        action="order.refund",
        instance=order,
        changes={
            "reason": reason,
            "voucher_refund": voucher,
            "enterprise_refund_due": enterprise,
            "clawback": clawback,
        },
        park_id=order.enterprise.park_id,
    )
    return refund


def _claim_adjust(actor, order: Order, voucher: Decimal) -> Decimal:
    """Bring the order's reimbursement claim in line; return what is clawed back."""
    claim = VoucherClaim.objects.select_for_update().filter(order=order).first()
    if claim is None or claim.status in (ClaimStatus.REJECTED, ClaimStatus.WITHDRAWN):
        return ZERO
    if claim.status == ClaimStatus.SUBMITTED:
        left = order.voucher_amount - order.voucher_refunded - voucher
        before = claim.amount
        if left > 0:
            claim.amount = left
            claim.save(update_fields=["amount"])
            action = "voucher_claim.reduce"
        else:
            CLAIM.fire(claim, "withdraw", actor=actor, lock=False)
            action = "voucher_claim.withdraw"
        audit_record(
            actor=actor,
            action=action,
            instance=claim,
            changes={"amount": [str(before), str(claim.amount)], "status": claim.status},
        )
        return ZERO
    clawback = max(min(voucher, claim.amount - claim.clawed_back), ZERO)
    if clawback > 0:
        # Owed by the provider until the operator settles it (vouchers.clawbacks_settle).
        claim.clawed_back += clawback
        claim.save(update_fields=["clawed_back"])
        audit_record(
            actor=actor,
            action="voucher_claim.clawback",
            instance=claim,
            changes={"clawback": clawback, "order": order.pk, "owed": claim.clawback_owed},
        )
    return clawback


def _voucher_return(actor, order: Order, voucher: Decimal, clawback: Decimal) -> None:
    grant = VoucherGrant.objects.select_for_update().get(pk=order.voucher_grant_id)
    programme = VoucherProgramme.objects.select_for_update().get(pk=grant.programme_id)
    grant.redeemed -= voucher
    grant.balance += voucher
    ledger_record(actor, grant, order, LedgerKind.REFUND, voucher, ZERO)
    if grant.expired_at is not None:
        grant.balance -= voucher
        ledger_record(actor, grant, order, LedgerKind.EXPIRE, -voucher, ZERO)
    grant.save(update_fields=["balance", "redeemed"])
    programme.redeemed_total -= voucher
    programme.reimbursed_total -= clawback
    programme.save(update_fields=["redeemed_total", "reimbursed_total"])


__all__ = ["order_refund", "refund_amount_checked", "refund_split", "refundable"]
