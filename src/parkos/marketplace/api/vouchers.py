"""Voucher programmes, applications, grants with their ledger, and reimbursement claims."""

from uuid import UUID

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from ninja import Router, Status
from ninja.pagination import paginate

from parkos.core.errors import NotFound, ValidationFailed
from parkos.core.pagination import Paging
from parkos.marketplace import permissions, selectors
from parkos.marketplace.schemas import (
    ApplicationIn,
    ClaimIn,
    ClaimOut,
    ClaimsDecideIn,
    ClawbacksSettleIn,
    GrantDetailOut,
    GrantOut,
    MarketplaceApplicationOut,
    ProgrammeOut,
)
from parkos.marketplace.services import vouchers

router = Router(tags=["cloud service supermarket"])


@router.get("/voucher-programmes", response=list[ProgrammeOut])
@paginate(Paging)
def programme_list(request):
    return selectors.programme_list(actor=request.user)


@router.get("/voucher-programmes/{programme_id}/report")
def programme_report(request, programme_id: UUID):
    programme = selectors.programme_get(actor=request.user, programme_id=programme_id)
    report = selectors.programme_report(actor=request.user, programme=programme)
    report.pop("programme")
    report["by_category"] = [
        {
            "category": row["product__category__name"],
            "category_en": row["product__category__name_en"],
            "used": str(row["used"]),
            "orders": row["orders"],
            "total": str(row["total"]),
        }
        for row in report["by_category"]
    ]
    return {
        key: str(value) if not isinstance(value, list | int) else value
        for key, value in report.items()
    }


@router.get("/voucher-applications", response=list[MarketplaceApplicationOut])
@paginate(Paging)
def application_list(request):
    return selectors.application_list(actor=request.user)


@router.post("/voucher-applications", response={201: MarketplaceApplicationOut})
def voucher_apply(request, payload: ApplicationIn):
    if not permissions.enterprise_ids(request.user):
        raise PermissionDenied
    try:
        programme = selectors.programme_get(actor=request.user, programme_id=payload.programme)
    except NotFound as missing:
        raise ValidationFailed.for_field(
            "programme", pgettext("voucher programme", "Unknown programme.")
        ) from missing
    if payload.enterprise not in permissions.enterprise_ids(request.user):
        raise ValidationFailed.for_field("enterprise", _("Unknown enterprise."))
    from parkos.parks.selectors import enterprise_get

    enterprise = enterprise_get(actor=request.user, enterprise_id=payload.enterprise)
    created = vouchers.voucher_apply(
        actor=request.user,
        programme=programme,
        enterprise=enterprise,
        amount=payload.amount,
        purpose=payload.purpose,
    )
    return Status(201, created)


@router.get("/voucher-grants", response=list[GrantOut])
@paginate(Paging)
def grant_list(request):
    return selectors.grant_list(actor=request.user)


@router.get("/voucher-grants/{grant_id}", response=GrantDetailOut)
def grant_detail(request, grant_id: UUID):
    grant = selectors.grant_get(actor=request.user, grant_id=grant_id)
    grant.ledger_rows = list(selectors.ledger_for_grant(actor=request.user, grant=grant))
    return grant


@router.get("/claims", response=list[ClaimOut])
@paginate(Paging)
def claim_list(request, status: str = ""):
    return selectors.claim_list(actor=request.user, status=status)


@router.post("/claims", response={201: ClaimOut})
def claim_create(request, payload: ClaimIn):
    try:
        order = selectors.order_get(actor=request.user, order_id=payload.order)
    except NotFound as missing:
        raise ValidationFailed.for_field("order", _("Unknown order.")) from missing
    return Status(201, vouchers.claim_create(actor=request.user, order=order))


@router.post("/claims/settle-clawbacks", response=list[ClaimOut])
def clawbacks_settle(request, payload: ClawbacksSettleIn):
    return vouchers.clawbacks_settle(actor=request.user, claim_ids=payload.claims)


@router.post("/claims/decide", response=list[ClaimOut])
def claims_decide(request, payload: ClaimsDecideIn):
    return vouchers.claims_decide(
        actor=request.user, claim_ids=payload.claims, approved=payload.approved
    )
