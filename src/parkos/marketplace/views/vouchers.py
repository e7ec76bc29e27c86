"""Pages of innovation vouchers: the enterprise's balance and ledger, applying, the
operator's claims batch and programme reports."""

import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from parkos.core.errors import ServiceError
from parkos.marketplace import permissions, selectors
from parkos.marketplace.models import ClaimStatus
from parkos.marketplace.services import vouchers
from parkos.marketplace.views.common import report_error


@login_required
def voucher_home(request):
    grants = list(
        selectors.grant_list(actor=request.user).filter(
            enterprise_id__in=permissions.enterprise_ids(request.user)
        )
    )
    for grant in grants:
        grant.ledger_rows = selectors.ledger_for_grant(actor=request.user, grant=grant)
    staff = permissions.is_staff_reader(request.user)
    context = {
        "grants": grants,
        "programmes": selectors.programme_list(actor=request.user),
        "applications": selectors.application_list(actor=request.user)[:50],
        "can_apply": bool(permissions.enterprise_ids(request.user)),
        "staff": staff,
        "is_operator": permissions.is_operator(request.user),
        "claims": selectors.claim_list(actor=request.user, status=ClaimStatus.SUBMITTED)
        if staff or permissions.provider_ids(request.user)
        else [],
        "clawbacks": selectors.claim_list(actor=request.user, status=selectors.CLAWBACK_OWED)
        if staff or permissions.provider_ids(request.user)
        else [],
        "reports": [
            selectors.programme_report(actor=request.user, programme=programme)
            for programme in selectors.programme_list(actor=request.user)
        ]
        if staff
        else [],
    }
    return render(request, "marketplace/vouchers.html", context)


@login_required
@require_POST
def voucher_apply(request):
    from parkos.parks.selectors import enterprise_get

    try:
        programme = selectors.programme_get(
            actor=request.user, programme_id=request.POST.get("programme")
        )
        ids = permissions.enterprise_ids(request.user)
        if not ids:
            raise PermissionDenied
        enterprise = enterprise_get(actor=request.user, enterprise_id=sorted(ids)[0])
        vouchers.voucher_apply(
            actor=request.user,
            programme=programme,
            enterprise=enterprise,
            amount=request.POST.get("amount", ""),
            purpose=request.POST.get("purpose", ""),
        )
    except ServiceError as failure:
        report_error(request, failure)
    else:
        messages.success(request, _("Your application has been sent to the reviewers."))
    return redirect("marketplace:vouchers")


@login_required
@require_POST
def claims_decide(request):
    try:
        claim_ids = [uuid.UUID(value) for value in request.POST.getlist("claims")]
    except ValueError:
        claim_ids = []
    if not claim_ids:
        messages.error(request, _("Choose the claims to decide."))
        return redirect("marketplace:vouchers")
    try:
        claims = vouchers.claims_decide(
            actor=request.user,
            claim_ids=claim_ids,
            approved=request.POST.get("decision", "approve") == "approve",
        )
    except ServiceError as failure:
        report_error(request, failure)
    else:
        messages.success(request, _("%(n)d claims decided.") % {"n": len(claims)})
    return redirect("marketplace:vouchers")


@login_required
@require_POST
def clawbacks_settle(request):
    try:
        claim_ids = [uuid.UUID(value) for value in request.POST.getlist("claims")]
    except ValueError:
        claim_ids = []
    if not claim_ids:
        messages.error(request, _("Choose the clawbacks paid back."))
        return redirect("marketplace:vouchers")
    try:
        claims = vouchers.clawbacks_settle(actor=request.user, claim_ids=claim_ids)
    except ServiceError as failure:
        report_error(request, failure)
    else:
        messages.success(request, _("%(n)d clawbacks settled.") % {"n": len(claims)})
    return redirect("marketplace:vouchers")
