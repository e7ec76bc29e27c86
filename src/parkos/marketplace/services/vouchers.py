"""Innovation vouchers: programmes, grants and the ledger that moves their money.

Invariants, kept under concurrent orders by locking the grant and programme rows
(`select_for_update`) before reading the figures they guard:
- a grant's balance and reserved amount never go negative, and equal the sums of its
  ledger's deltas;
- a programme never grants more than its budget, nor an enterprise more than the cap;
- a voucher pays at most the programme's share of an order, only for eligible products,
  and only while the grant and programme are valid."""

import uuid
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from parkos.core.audit import audit_record
from parkos.core.errors import Conflict, ValidationFailed
from parkos.core.money import parse_money, to_cny
from parkos.marketplace import permissions
from parkos.marketplace.errors import MarketplaceError
from parkos.marketplace.models import (
    ApplicationStatus,
    Category,
    LedgerKind,
    Order,
    OrderStatus,
    Product,
    VoucherApplication,
    VoucherClaim,
    VoucherGrant,
    VoucherLedgerEntry,
    VoucherProgramme,
)
from parkos.marketplace.services.common import now, required_text
from parkos.marketplace.workflows import APPLICATION, CLAIM

ZERO = Decimal("0.00")
POSITIVE = Decimal("0.01")


@transaction.atomic
def programme_create(
    *,
    actor,
    code: str,
    name: str,
    total_budget,
    per_enterprise_cap,
    copay_ratio,
    valid_from: date,
    valid_until: date,
    categories: list[Category],
) -> VoucherProgramme:
    permissions.require_operator(actor)
    name = required_text("name", name, max_length=200)
    budget = parse_money(total_budget, field="total_budget", minimum=POSITIVE)
    cap = parse_money(per_enterprise_cap, field="per_enterprise_cap", minimum=POSITIVE)
    if cap > budget:
        raise ValidationFailed.for_field(
            "per_enterprise_cap", _("The cap cannot exceed the budget.")
        )
    try:
        ratio = Decimal(str(copay_ratio))
    except ArithmeticError:
        ratio = Decimal("-1")
    if not ratio.is_finite() or ratio <= 0 or ratio > 1:
        raise ValidationFailed.for_field(
            "copay_ratio", _("The voucher share is a number above 0 and at most 1.")
        )
    if valid_until < valid_from:
        raise ValidationFailed.for_field("valid_until", _("The end is before the start."))
    if not categories:
        raise ValidationFailed.for_field("categories", _("Choose at least one category."))
    if VoucherProgramme.objects.filter(code=code).exists():
        raise ValidationFailed.for_field("code", _("A programme with this code exists."))
    programme = VoucherProgramme.objects.create(
        code=code,
        name=name,
        total_budget=budget,
        per_enterprise_cap=cap,
        copay_ratio=ratio.quantize(Decimal("0.001")),
        valid_from=valid_from,
        valid_until=valid_until,
    )
    programme.categories.set(categories)
    audit_record(
        actor=actor,
        action="voucher_programme.create",
        instance=programme,
        changes={"total_budget": budget, "per_enterprise_cap": cap, "copay_ratio": ratio},
    )
    return programme


# Applications and grants


@transaction.atomic
def voucher_apply(
    *, actor, programme: VoucherProgramme, enterprise, amount, purpose: str
) -> VoucherApplication:
    permissions.require_enterprise_admin(actor, enterprise.id)
    amount = parse_money(amount, field="amount", minimum=POSITIVE)
    purpose = required_text("purpose", purpose, max_length=2000)
    if amount > programme.per_enterprise_cap:
        raise ValidationFailed.for_field(
            "amount",
            _("The programme grants at most %(cap)s CNY per enterprise.")
            % {"cap": programme.per_enterprise_cap},
            code=MarketplaceError.CAP_EXCEEDED,
        )
    if timezone.localdate() > programme.valid_until:
        raise Conflict(_("The programme has ended."), code=MarketplaceError.VOUCHER_EXPIRED)
    if VoucherApplication.objects.filter(
        programme=programme, enterprise=enterprise, status=ApplicationStatus.SUBMITTED
    ).exists():
        raise Conflict(_("An application of this enterprise is already being decided."))
    application = VoucherApplication.objects.create(
        programme=programme, enterprise=enterprise, applicant=actor, amount=amount, purpose=purpose
    )
    audit_record(
        actor=actor,
        action="voucher_application.submit",
        instance=application,
        changes={"amount": amount, "programme": programme.pk},
        park_id=enterprise.park_id,
    )
    from parkos.marketplace.approvals_door import open_voucher_case

    open_voucher_case(actor=actor, application=application)
    return application


def application_mark_decided(
    *, actor, application: VoucherApplication, status: str
) -> VoucherApplication:
    """The final decision on an application, from the approvals engine or the direct path;
    an approval grants the money. Runs inside the caller's transaction."""
    action = "approve" if status == ApplicationStatus.APPROVED else "reject"
    # The approvals engine has checked its decider; the workflow checks the state only.
    application = APPLICATION.fire(application, action, actor=actor, at=now(), check=False)
    audit_record(
        actor=actor,
        action=f"voucher_application.{status}",
        instance=application,
        changes={"status": status},
        park_id=application.enterprise.park_id,
    )
    if status == ApplicationStatus.APPROVED:
        grant_create(
            actor=actor,
            programme=application.programme,
            enterprise=application.enterprise,
            amount=application.amount,
            application=application,
            checked=True,
        )
    return application


@transaction.atomic
def voucher_application_decide_direct(
    *, actor, application: VoucherApplication, approved: bool
) -> VoucherApplication:
    """The direct path for a reviewer or operator, without the approvals engine."""
    permissions.require_staff_reader(actor)
    status = ApplicationStatus.APPROVED if approved else ApplicationStatus.REJECTED
    return application_mark_decided(actor=actor, application=application, status=status)


@transaction.atomic
def grant_create(
    *,
    actor,
    programme: VoucherProgramme,
    enterprise,
    amount,
    valid_until: date | None = None,
    application: VoucherApplication | None = None,
    checked: bool = False,
) -> VoucherGrant:
    """Grant voucher money. `checked` says the caller is the approvals decision itself."""
    if not checked:
        permissions.require_staff_reader(actor)
    amount = parse_money(amount, field="amount", minimum=POSITIVE)
    programme = VoucherProgramme.objects.select_for_update().get(pk=programme.pk)
    already = (
        VoucherGrant.objects.filter(programme=programme, enterprise=enterprise).aggregate(
            total=Sum("amount")
        )["total"]
        or ZERO
    )
    if already + amount > programme.per_enterprise_cap:
        raise ValidationFailed.for_field(
            "amount",
            _("This would exceed the programme's cap per enterprise."),
            code=MarketplaceError.CAP_EXCEEDED,
        )
    if programme.granted_total + amount > programme.total_budget:
        raise Conflict(
            _("The programme's budget is not enough for this grant."),
            code=MarketplaceError.BUDGET_EXCEEDED,
            fields={"amount": [_("The programme's budget is not enough for this grant.")]},
        )
    at = now()
    grant = VoucherGrant.objects.create(
        programme=programme,
        enterprise=enterprise,
        application=application,
        amount=amount,
        balance=amount,
        valid_until=min(valid_until or programme.valid_until, programme.valid_until),
        created_at=at,
    )
    VoucherLedgerEntry.objects.create(
        grant=grant, kind=LedgerKind.GRANT, balance_delta=amount, actor=_user(actor), at=at
    )
    programme.granted_total += amount
    programme.save(update_fields=["granted_total"])
    audit_record(
        actor=actor,
        action="voucher.grant",
        instance=grant,
        changes={"amount": amount, "enterprise": enterprise.pk, "programme": programme.pk},
        park_id=enterprise.park_id,
    )
    return grant


def _user(actor):
    return actor if getattr(actor, "is_authenticated", False) else None


# The split shown before ordering, and the ledger movements of an order


@dataclass
class VoucherSplit:
    amount: Decimal
    voucher: Decimal
    enterprise_pays: Decimal
    balance_before: Decimal
    balance_after: Decimal
    maximum: Decimal
    grant: VoucherGrant | None
    reason: str = ""


def product_eligible_for(product: Product, programme: VoucherProgramme) -> bool:
    if not product.voucher_eligible:
        return False
    eligible = set(programme.categories.values_list("id", flat=True))
    category = product.category
    return category.id in eligible or (
        category.parent_id is not None and category.parent_id in eligible
    )


def usable_grants(*, enterprise, on: date | None = None):
    on = on or timezone.localdate()
    return (
        VoucherGrant.objects.filter(
            enterprise=enterprise,
            expired_at__isnull=True,
            valid_until__gte=on,
            programme__valid_from__lte=on,
            programme__valid_until__gte=on,
            balance__gt=0,
        )
        .select_related("programme")
        .order_by("valid_until", "created_at")
    )


def voucher_split(*, enterprise, product: Product, amount: Decimal, requested=None) -> VoucherSplit:
    """How an order of `amount` would be paid: as much voucher as allowed, or `requested`."""
    amount = to_cny(amount)
    for grant in usable_grants(enterprise=enterprise):
        if not product_eligible_for(product, grant.programme):
            continue
        maximum = min(to_cny(amount * grant.programme.copay_ratio), grant.balance)
        voucher = maximum if requested is None else to_cny(requested)
        voucher = max(min(voucher, maximum), ZERO)
        return VoucherSplit(
            amount=amount,
            voucher=voucher,
            enterprise_pays=amount - voucher,
            balance_before=grant.balance,
            balance_after=grant.balance - voucher,
            maximum=maximum,
            grant=grant,
        )
    reason = (
        _("This product is not eligible for innovation vouchers.")
        if not product.voucher_eligible
        else _("No valid voucher grant covers this product.")
    )
    return VoucherSplit(amount, ZERO, amount, ZERO, ZERO, ZERO, None, reason)


def voucher_reserve(*, actor, order: Order, grant: VoucherGrant, voucher_amount: Decimal) -> None:
    """Hold voucher money for a placed order. Called inside order_place's transaction."""
    grant = VoucherGrant.objects.select_for_update().get(pk=grant.pk)
    programme = VoucherProgramme.objects.select_for_update().get(pk=grant.programme_id)
    field = "voucher_amount"
    if grant.enterprise_id != order.enterprise_id:
        raise ValidationFailed.for_field(
            field,
            _("This voucher belongs to another enterprise."),
            code=MarketplaceError.VOUCHER_NO_GRANT,
        )
    today = timezone.localdate()
    if (
        grant.expired_at is not None
        or grant.valid_until < today
        or not (programme.valid_from <= today <= programme.valid_until)
    ):
        raise ValidationFailed.for_field(
            field, _("The voucher has expired."), code=MarketplaceError.VOUCHER_EXPIRED
        )
    if not product_eligible_for(order.product, programme):
        raise ValidationFailed.for_field(
            field,
            _("This product is not eligible for innovation vouchers."),
            code=MarketplaceError.VOUCHER_NOT_ELIGIBLE,
        )
    share = to_cny(order.amount * programme.copay_ratio)
    if voucher_amount > share:
        raise ValidationFailed.for_field(
            field,
            _("The voucher may pay at most %(share)s CNY (%(ratio)s%% of the order).")
            % {"share": share, "ratio": format((programme.copay_ratio * 100).normalize(), "f")},
            code=MarketplaceError.VOUCHER_OVER_RATIO,
        )
    if voucher_amount > grant.balance:
        raise ValidationFailed.for_field(
            field,
            _("The voucher balance is %(balance)s CNY.") % {"balance": grant.balance},
            code=MarketplaceError.VOUCHER_OVER_BALANCE,
        )
    grant.balance -= voucher_amount
    grant.reserved += voucher_amount
    grant.save(update_fields=["balance", "reserved"])
    ledger_record(actor, grant, order, LedgerKind.RESERVE, -voucher_amount, voucher_amount)


def voucher_redeem(*, actor, order: Order) -> None:
    """On acceptance the reserved money is spent for good and the programme counts it."""
    grant = VoucherGrant.objects.select_for_update().get(pk=order.voucher_grant_id)
    programme = VoucherProgramme.objects.select_for_update().get(pk=grant.programme_id)
    amount = order.voucher_amount
    grant.reserved -= amount
    grant.redeemed += amount
    grant.save(update_fields=["reserved", "redeemed"])
    programme.redeemed_total += amount
    programme.save(update_fields=["redeemed_total"])
    ledger_record(actor, grant, order, LedgerKind.REDEEM, ZERO, -amount)


def voucher_release(*, actor, order: Order) -> None:
    """A cancelled order gives its reserved money back to the balance."""
    grant = VoucherGrant.objects.select_for_update().get(pk=order.voucher_grant_id)
    amount = order.voucher_amount
    grant.reserved -= amount
    # An expired grant keeps nothing: the released money expires with it.
    if grant.expired_at is None:
        grant.balance += amount
        grant.save(update_fields=["balance", "reserved"])
        ledger_record(actor, grant, order, LedgerKind.RELEASE, amount, -amount)
    else:
        grant.save(update_fields=["reserved"])
        ledger_record(actor, grant, order, LedgerKind.RELEASE, amount, -amount)
        ledger_record(actor, grant, order, LedgerKind.EXPIRE, -amount, ZERO)


def ledger_record(actor, grant, order, kind, balance_delta, reserved_delta) -> None:
    VoucherLedgerEntry.objects.create(
        grant=grant,
        order=order,
        kind=kind,
        balance_delta=balance_delta,
        reserved_delta=reserved_delta,
        actor=_user(actor),
        at=now(),
    )
    audit_record(
        actor=actor,
        action=f"voucher.{kind}",
        instance=grant,
        changes={
            "order": order.pk if order else None,
            "balance_delta": balance_delta,
            "reserved_delta": reserved_delta,
            "balance": grant.balance,
        },
        park_id=grant.enterprise.park_id,
    )


def grants_expire(*, today: date | None = None) -> int:
    """Expire grants past their date: what is left of the balance leaves by the ledger."""
    today = today or timezone.localdate()
    count = 0
    ids = VoucherGrant.objects.filter(expired_at__isnull=True, valid_until__lt=today).values_list(
        "id", flat=True
    )
    for grant_id in list(ids):
        with transaction.atomic():
            grant = VoucherGrant.objects.select_for_update().get(pk=grant_id)
            if grant.expired_at is not None:
                continue
            left = grant.balance
            grant.balance = ZERO
            grant.expired_at = now()
            grant.save(update_fields=["balance", "expired_at"])
            ledger_record(None, grant, None, LedgerKind.EXPIRE, -left, ZERO)
            count += 1
    return count


# Reimbursement claims


@transaction.atomic
def claim_create(*, actor, order: Order) -> VoucherClaim:
    permissions.require_provider_staff(actor, order.provider_id)
    order = Order.objects.select_for_update().get(pk=order.pk)
    # A subscription cancelled at once was delivered until the cancellation: the voucher
    # part of those days is still the provider's to claim.
    delivered = order.status == OrderStatus.ACCEPTED or (
        order.status == OrderStatus.CANCELLED and order.accepted_at is not None
    )
    if not delivered:
        raise Conflict(
            _("Only an accepted order can be claimed."), code=MarketplaceError.NOT_ACCEPTED
        )
    spent = order.voucher_amount - order.voucher_refunded
    if spent <= 0 or order.voucher_grant_id is None:
        raise Conflict(_("This order used no voucher."), code=MarketplaceError.VOUCHER_NO_GRANT)
    if VoucherClaim.objects.filter(order=order).exists():
        raise Conflict(
            _("This order has been claimed already."), code=MarketplaceError.ALREADY_CLAIMED
        )
    claim = VoucherClaim.objects.create(
        order=order,
        provider_id=order.provider_id,
        programme_id=order.voucher_grant.programme_id,
        amount=spent,
        created_at=now(),
    )
    audit_record(
        actor=actor, action="voucher_claim.submit", instance=claim, changes={"amount": claim.amount}
    )
    return claim


@transaction.atomic
def claims_decide(*, actor, claim_ids: list, approved: bool = True) -> list[VoucherClaim]:
    """The operator decides a batch of claims at once; all or nothing."""
    permissions.require_operator(actor)
    claims = list(
        VoucherClaim.objects.select_for_update().filter(pk__in=claim_ids).order_by("created_at")
    )
    if len(claims) != len(set(claim_ids)):
        raise ValidationFailed.for_field("claims", _("Some claims do not exist."))
    action = "approve" if approved else "reject"
    for claim in claims:
        CLAIM.check(claim, action)
    batch = uuid.uuid4()
    at = now()
    by_programme: dict = {}
    for claim in claims:
        claim.batch = batch
        claim.decided_by = actor
        CLAIM.fire(
            claim, action, actor=actor, at=at, update_fields=("batch", "decided_by"), lock=False
        )
        status = claim.status
        by_programme[claim.programme_id] = by_programme.get(claim.programme_id, ZERO) + claim.amount
        audit_record(
            actor=actor, action=f"voucher_claim.{status}", instance=claim, changes={"batch": batch}
        )
    if approved:
        for programme in VoucherProgramme.objects.select_for_update().filter(pk__in=by_programme):
            programme.reimbursed_total += by_programme[programme.pk]
            programme.save(update_fields=["reimbursed_total"])
    return claims


@transaction.atomic
def clawbacks_settle(*, actor, claim_ids: list) -> list[VoucherClaim]:
    """The operator records that providers paid back what refunds clawed back from their
    approved claims, a batch at once, all or nothing. The programme's net reimbursement
    already fell by the clawback when the refund was made; this closes the provider's
    debt, so that the report tells what is still owed from what has come back."""
    permissions.require_operator(actor)
    claims = list(
        VoucherClaim.objects.select_for_update().filter(pk__in=claim_ids).order_by("created_at")
    )
    if len(claims) != len(set(claim_ids)):
        raise ValidationFailed.for_field("claims", _("Some claims do not exist."))
    if any(claim.clawback_owed <= 0 for claim in claims):
        raise Conflict(
            _("Some claims have nothing clawed back left to settle."),
            code=MarketplaceError.NOTHING_TO_SETTLE,
        )
    at = now()
    for claim in claims:
        paid = claim.clawback_owed
        claim.clawback_settled = claim.clawed_back
        claim.clawback_settled_at = at
        claim.save(update_fields=["clawback_settled", "clawback_settled_at"])
        audit_record(
            actor=actor,
            action="voucher_claim.clawback_settle",
            instance=claim,
            changes={"paid_back": paid, "clawed_back": claim.clawed_back},
        )
    return claims
