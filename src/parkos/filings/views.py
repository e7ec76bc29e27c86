"""Pages of the re-opening ledger: the same selectors and services as the API."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from parkos.core.errors import ServiceError, ValidationFailed
from parkos.filings import charts, dashboard, exports, permissions, selectors, services
from parkos.filings.forms import EnterpriseChoiceForm, FilingForm, RoundActionForm, RoundForm
from parkos.filings.models import RoundStatus
from parkos.filings.workflows import ROUND_WORKFLOW
from parkos.parks import selectors as parks

ROUND_FORM_FIELDS = [
    "park",
    "title",
    "period_start",
    "period_end",
    "due_on",
    "change_threshold",
    "min_supplies_days",
]


@login_required
def round_list(request):
    status = request.GET.get("status", "")
    rounds = selectors.round_list_with_counts(actor=request.user, status=status)
    page = Paginator(rounds, 25).get_page(request.GET.get("page"))
    own = {
        s.round_id: s
        for s in selectors.submission_list(actor=request.user).filter(
            round__in=[r.id for r in page],
            enterprise_id__in=permissions.own_enterprise_ids(request.user),
        )
    }
    for filing_round in page:
        filing_round.own_submission = own.get(filing_round.id)
        filing_round.is_staff = permissions.is_staff_of(request.user, filing_round)
    context = {
        "page": page,
        "status": status,
        "statuses": RoundStatus.choices,
        "can_open": permissions.can_manage_any_park(request.user),
        "is_tenant": bool(permissions.own_enterprise_ids(request.user)),
    }
    return render(request, "filings/round_list.html", context)


@login_required
def round_create(request):
    if not permissions.can_manage_any_park(request.user):
        raise PermissionDenied
    park_choices = [
        p
        for p in parks.park_list(actor=request.user)
        if permissions.can_manage_park(request.user, p.id)
    ]
    initial = {"change_threshold": "30", "min_supplies_days": "7", "include_branches": True}
    form = RoundForm(request.POST or None, parks=park_choices, initial=initial)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                filing_round = services.round_open(actor=request.user, **form.cleaned_data)
            except ValidationFailed as failure:
                form.add_service_errors(failure)
            else:
                messages.success(request, _("The round is open."))
                return redirect("filings:round_detail", round_id=filing_round.id)
        status = 422
    rows = [
        {
            "name": name,
            "label": form[name].label,
            "value": form[name].value() or "",
            "errors": form[name].errors,
            "type": "date"
            if name in ("period_start", "period_end", "due_on")
            else ("number" if name in ("change_threshold", "min_supplies_days") else "text"),
        }
        for name in ROUND_FORM_FIELDS
        if name != "park"
    ]
    return render(
        request,
        "filings/round_form.html",
        {
            "parks": park_choices,
            "values": {
                "park": form["park"].value() or "",
                "include_branches": form["include_branches"].value(),
            },
            "rows": rows,
            "park_errors": form["park"].errors,
            "general_errors": form.non_field_errors(),
        },
        status=status,
    )


@login_required
def round_detail(request, round_id):
    filing_round = selectors.round_get(actor=request.user, round_id=round_id)
    if not permissions.is_staff_of(request.user, filing_round):
        return _tenant_round(request, filing_round)
    data = dashboard.round_dashboard(actor=request.user, filing_round=filing_round)
    context = {
        **data,
        "completion_chart": charts.completion_chart(data),
        "trend_chart": charts.trend_chart(data),
        "actions": ROUND_WORKFLOW.actions_for(filing_round, request.user),
    }
    return render(request, "filings/round_dashboard.html", context)


def _tenant_round(request, filing_round):
    enterprises = selectors.filing_enterprises(actor=request.user, filing_round=filing_round)
    submissions = {
        s.enterprise_id: s
        for s in selectors.submission_list(actor=request.user, filing_round=filing_round)
    }
    rows = [
        {
            "enterprise": enterprise,
            "submission": submissions.get(enterprise.id),
            "reasons": selectors.flag_reasons(submissions[enterprise.id].flags)
            if enterprise.id in submissions
            else [],
        }
        for enterprise in enterprises
    ]
    return render(request, "filings/round_tenant.html", {"round": filing_round, "rows": rows})


def _submit_enterprise(request, filing_round):
    enterprises = selectors.filing_enterprises(actor=request.user, filing_round=filing_round)
    if not enterprises:
        if permissions.is_staff_of(request.user, filing_round):
            raise PermissionDenied
        raise Http404
    chosen = EnterpriseChoiceForm(request.POST if request.method == "POST" else request.GET)
    if not chosen.is_valid():
        raise Http404
    if chosen.cleaned_data["enterprise"]:
        match = next((e for e in enterprises if e.id == chosen.cleaned_data["enterprise"]), None)
        if match is None:
            raise Http404
        return match, enterprises
    return enterprises[0], enterprises


@login_required
def submit(request, round_id):
    filing_round = selectors.round_get(actor=request.user, round_id=round_id)
    enterprise, enterprises = _submit_enterprise(request, filing_round)
    current = selectors.submission_of(
        actor=request.user, filing_round=filing_round, enterprise_id=enterprise.id
    )
    form = FilingForm(
        request.POST if request.method == "POST" else None,
        initial=current.values() if current else {"compliance_declared": False},
    )
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            result = services.submission_file(
                actor=request.user,
                filing_round=filing_round,
                enterprise=enterprise,
                **form.cleaned_data,
            )
        except ServiceError as failure:
            if isinstance(failure, ValidationFailed) and failure.fields:
                form.add_service_errors(failure)
            else:
                form.add_error(None, str(failure.message))
            status = 409 if failure.status == 409 else 422
        else:
            submission = result.submission
            if not result.changed:
                messages.info(
                    request,
                    _("Nothing changed: version %(version)s stands.")
                    % {"version": submission.version},
                )
            elif result.created:
                messages.success(request, _("Your filing was accepted."))
            else:
                messages.success(
                    request,
                    _("Your correction was accepted: this is version %(version)s.")
                    % {"version": submission.version},
                )
            return redirect("filings:round_detail", round_id=filing_round.id)
    revisions = selectors.revision_list(actor=request.user, submission=current) if current else []
    context = {
        "round": filing_round,
        "enterprise": enterprise,
        "enterprises": enterprises,
        "current": current,
        "rows": [
            {
                "name": name,
                "label": label,
                "value": form[name].value(),
                "errors": form[name].errors,
            }
            for name, label in _form_fields()
        ],
        "compliance_declared": form["compliance_declared"].value(),
        "general_errors": form.non_field_errors(),
        "has_errors": bool(form.errors),
        "revisions": revisions,
        "fields": _form_fields(),
    }
    return render(request, "filings/submit.html", context, status=status)


def _form_fields() -> list[tuple[str, str]]:
    return [
        ("total_staff", _("Total staff")),
        ("returned_staff", _("Staff returned")),
        ("risk_area_staff", _("Staff from risk areas")),
        ("observation_staff", _("Staff under observation")),
        ("supplies_days", _("Protective supplies (days)")),
    ]


# The message after each move of a round.
ROUND_DONE = {"close": gettext_lazy("The round is closed.")}


def _round_fire(request, filing_round, action: str):
    moves = {"close": services.round_close}
    try:
        moves[action](actor=request.user, filing_round=filing_round)
    except ServiceError as failure:
        messages.error(request, failure.message)
    else:
        messages.success(request, ROUND_DONE[action])
    return redirect("filings:round_detail", round_id=filing_round.id)


@login_required
@require_POST
def round_act(request, round_id):
    """A move of the round, as the dashboard's buttons post it. Who may is decided before
    the posted action is read: a refused caller learns nothing from a redirect."""
    filing_round = selectors.round_get_to_manage(actor=request.user, round_id=round_id)
    form = RoundActionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Unknown action."))
        return redirect("filings:round_detail", round_id=filing_round.id)
    return _round_fire(request, filing_round, form.cleaned_data["action"])


@login_required
@require_POST
def round_close(request, round_id):
    filing_round = selectors.round_get_to_manage(actor=request.user, round_id=round_id)
    return _round_fire(request, filing_round, "close")


@login_required
def round_export(request, round_id):
    filing_round = selectors.round_get(actor=request.user, round_id=round_id)
    name, content = exports.round_export(actor=request.user, filing_round=filing_round)
    response = HttpResponse(content, content_type=exports.XLSX_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@login_required
def submission_detail(request, submission_id):
    submission = selectors.submission_get(actor=request.user, submission_id=submission_id)
    revisions = [
        {"revision": revision, "reasons": selectors.flag_reasons(revision.flags)}
        for revision in selectors.revision_list(actor=request.user, submission=submission)
    ]
    return render(
        request,
        "filings/submission_detail.html",
        {
            "submission": submission,
            "reasons": selectors.flag_reasons(submission.flags),
            "revisions": revisions,
            "fields": _form_fields(),
        },
    )
