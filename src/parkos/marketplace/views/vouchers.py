"""Pages of innovation vouchers: the enterprise's balance and ledger, applying, the
operator's claims batch and programme reports."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from parkos.core.errors import ServiceError, ValidationFailed
from parkos.marketplace import permissions, selectors
from parkos.marketplace.forms import ClaimsDecideForm, ClawbacksSettleForm, VoucherApplyForm
from parkos.marketplace.models import ClaimStatus
from parkos.marketplace.services import vouchers
from parkos.marketplace.views.common import report_error


def _voucher_page(request, *, apply_form=None, status=200):
    actor = request.user
    grants = list(selectors.grant_list(actor=actor, own=True))
    for grant in grants:
        grant.ledger_rows = selectors.ledger_for_grant(actor=actor, grant=grant)
    staff = permissions.is_staff_reader(actor)
    sees_claims = staff or bool(permissions.provider_ids(actor))
    programmes = list(selectors.programme_list(actor=actor))
    context = {
        "grants": grants,
        "programmes": programmes,
        "applications": selectors.application_list(actor=actor)[:50],
        "can_apply": bool(permissions.enterprise_ids(actor)),
        "apply_form": apply_form or VoucherApplyForm(programmes=programmes),
        "staff": staff,
        "is_operator": permissions.is_operator(actor),
        "claims": selectors.claim_list(actor=actor, status=ClaimStatus.SUBMITTED)
        if sees_claims
        else [],
        "clawbacks": selectors.claim_list(actor=actor, status=selectors.CLAWBACK_OWED)
        if sees_claims
        else [],
        "reports": [
            selectors.programme_report(actor=actor, programme=programme) for programme in programmes
        ]
        if staff
        else [],
    }
    return render(request, "marketplace/vouchers.html", context, status=status)


@login_required
def voucher_home(request):
    return _voucher_page(request)


@login_required
@require_POST
def voucher_apply(request):
    from parkos.parks.selectors import enterprise_get

    ids = permissions.enterprise_ids(request.user)
    if not ids:
        raise PermissionDenied
    form = VoucherApplyForm(request.POST, programmes=selectors.programme_list(actor=request.user))
    if form.is_valid():
        enterprise = enterprise_get(actor=request.user, enterprise_id=sorted(ids)[0])
        try:
            vouchers.voucher_apply(actor=request.user, enterprise=enterprise, **form.cleaned_data)
        except ValidationFailed as invalid:
            form.add_service_errors(invalid)
        except ServiceError as failure:
            report_error(request, failure)
            return redirect("marketplace:vouchers")
        else:
            messages.success(request, _("Your application has been sent to the reviewers."))
            return redirect("marketplace:vouchers")
    return _voucher_page(request, apply_form=form, status=422)


def _first_error(form) -> str:
    return next(iter(form.errors.values()))[0]


@login_required
@require_POST
def claims_decide(request):
    permissions.require_operator(request.user)
    form = ClaimsDecideForm(request.POST)
    if not form.is_valid():
        messages.error(request, _first_error(form))
        return redirect("marketplace:vouchers")
    try:
        claims = vouchers.claims_decide(
            actor=request.user, claim_ids=form.cleaned_data["claims"], approved=form.approved()
        )
    except ServiceError as failure:
        report_error(request, failure)
    else:
        messages.success(request, _("%(n)d claims decided.") % {"n": len(claims)})
    return redirect("marketplace:vouchers")


@login_required
@require_POST
def clawbacks_settle(request):
    permissions.require_operator(request.user)
    form = ClawbacksSettleForm(request.POST)
    if not form.is_valid():
        messages.error(request, _first_error(form))
        return redirect("marketplace:vouchers")
    try:
        claims = vouchers.clawbacks_settle(
            actor=request.user, claim_ids=form.cleaned_data["claims"]
        )
    except ServiceError as failure:
        report_error(request, failure)
    else:
        messages.success(request, _("%(n)d clawbacks settled.") % {"n": len(claims)})
    return redirect("marketplace:vouchers")
