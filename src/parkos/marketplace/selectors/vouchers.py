"""Reads of voucher programmes, applications, grants, the ledger, claims and reports."""

from decimal import Decimal

from django.db.models import Count, F, Q, QuerySet, Sum

from parkos.core.money import to_cny
from parkos.core.selectors import get_or_404
from parkos.marketplace import permissions
from parkos.marketplace.models import (
    ClaimStatus,
    LedgerKind,
    Order,
    OrderRefund,
    OrderStatus,
    VoucherApplication,
    VoucherClaim,
    VoucherGrant,
    VoucherLedgerEntry,
    VoucherProgramme,
)

ZERO = Decimal("0.00")


def programme_list(*, actor) -> QuerySet[VoucherProgramme]:
    """Programmes are public: enterprises read their terms before applying."""
    return (
        VoucherProgramme.objects.visible_to(actor)
        .prefetch_related("categories")
        .order_by("-valid_from")
    )


def programme_get(*, actor, programme_id) -> VoucherProgramme:
    return get_or_404(programme_list(actor=actor), pk=programme_id)


def application_list(*, actor) -> QuerySet[VoucherApplication]:
    return (
        VoucherApplication.objects.visible_to(actor)
        .select_related("programme", "enterprise")
        .order_by("-created_at")
    )


def application_get(*, actor, application_id) -> VoucherApplication:
    return get_or_404(application_list(actor=actor), pk=application_id)


def grant_list(*, actor, enterprise_id=None, own: bool = False) -> QuerySet[VoucherGrant]:
    """The grants the actor may see; with `own`, only those of the actor's enterprises
    (a staff reader who is also a tenant sees their own balance on the vouchers page)."""
    grants = (
        VoucherGrant.objects.visible_to(actor)
        .select_related("programme", "enterprise")
        .order_by("-created_at")
    )
    if enterprise_id:
        grants = grants.filter(enterprise_id=enterprise_id)
    if own:
        grants = grants.filter(enterprise_id__in=permissions.enterprise_ids(actor))
    return grants


def grant_get(*, actor, grant_id) -> VoucherGrant:
    return get_or_404(grant_list(actor=actor), pk=grant_id)


def ledger_for_grant(*, actor, grant: VoucherGrant) -> QuerySet[VoucherLedgerEntry]:
    return (
        VoucherLedgerEntry.objects.visible_to(actor)
        .filter(grant=grant)
        .select_related("order")
        .order_by("at")
    )


def voucher_balance(*, actor, enterprise_id) -> dict:
    """The enterprise's voucher money across its usable grants."""
    grants = grant_list(actor=actor, enterprise_id=enterprise_id).filter(expired_at__isnull=True)
    figures = grants.aggregate(
        balance=Sum("balance"), reserved=Sum("reserved"), redeemed=Sum("redeemed")
    )
    return {key: to_cny(value or ZERO) for key, value in figures.items()}


# Not a status of its own: approved claims whose provider still owes a clawback back.
CLAWBACK_OWED = "clawback_owed"


def claim_list(*, actor, status: str = "") -> QuerySet[VoucherClaim]:
    """The claims the actor may see, all or of one status, or those with a clawback owed."""
    claims = (
        VoucherClaim.objects.visible_to(actor)
        .select_related("order__product", "provider", "programme")
        .order_by("created_at")
    )
    if status == CLAWBACK_OWED:
        return claims.filter(clawed_back__gt=F("clawback_settled"))
    if status:
        claims = claims.filter(status=status)
    return claims


def programme_report(*, actor, programme: VoucherProgramme) -> dict:
    """Granted, reserved, used and reimbursed, with the use by category."""
    permissions.require_staff_reader(actor)
    grants = programme.grants.aggregate(
        granted=Sum("amount"),
        balance=Sum("balance"),
        reserved=Sum("reserved"),
        redeemed=Sum("redeemed"),
        enterprises=Count("enterprise", distinct=True),
    )
    expired = (
        VoucherLedgerEntry.objects.visible_to(actor)
        .filter(grant__programme=programme, kind=LedgerKind.EXPIRE)
        .aggregate(total=Sum("balance_delta"))["total"]
    )
    claims = programme.claims.aggregate(
        claimed=Sum("amount", filter=~Q(status=ClaimStatus.WITHDRAWN)),
        reimbursed=Sum("amount", filter=Q(status=ClaimStatus.APPROVED)),
        waiting=Sum("amount", filter=Q(status=ClaimStatus.SUBMITTED)),
        paid_back=Sum("clawback_settled"),
        owed=Sum(F("clawed_back") - F("clawback_settled")),
    )
    refunds = (
        OrderRefund.objects.visible_to(actor)
        .filter(order__voucher_grant__programme=programme)
        .aggregate(refunded=Sum("voucher_amount"), clawed_back=Sum("clawback_amount"))
    )
    by_category = list(
        Order.objects.visible_to(actor)
        .filter(voucher_grant__programme=programme, accepted_at__isnull=False)
        .exclude(status=OrderStatus.REFUNDED)
        .values("product__category__name", "product__category__name_en")
        .annotate(
            used=Sum(F("voucher_amount") - F("voucher_refunded")),
            orders=Count("id"),
            total=Sum(F("amount") - F("voucher_refunded") - F("enterprise_refunded")),
        )
        .order_by("-used")
    )
    for row in by_category:
        row["used"], row["total"] = to_cny(row["used"]), to_cny(row["total"])
    return {
        "programme": programme,
        "budget": programme.total_budget,
        "granted": to_cny(grants["granted"] or ZERO),
        "balance": to_cny(grants["balance"] or ZERO),
        "reserved": to_cny(grants["reserved"] or ZERO),
        "used": to_cny(grants["redeemed"] or ZERO),
        "expired": to_cny(-(expired or ZERO)),
        "enterprises": grants["enterprises"],
        "claimed": to_cny(claims["claimed"] or ZERO),
        # Paid to providers, net of what refunds clawed back from them.
        "reimbursed": to_cny((claims["reimbursed"] or ZERO) - (refunds["clawed_back"] or ZERO)),
        "refunded": to_cny(refunds["refunded"] or ZERO),
        "clawed_back": to_cny(refunds["clawed_back"] or ZERO),
        # Of which the providers have paid back, and still owe.
        "clawback_settled": to_cny(claims["paid_back"] or ZERO),
        "clawback_owed": to_cny(claims["owed"] or ZERO),
        "waiting": to_cny(claims["waiting"] or ZERO),
        "by_category": by_category,
    }
