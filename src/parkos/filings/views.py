"""Pages of the re-opening ledger: the same selectors and services as the API."""

from datetime import date

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django.views.decorators.http import require_POST

from parkos.core.errors import ServiceError
from parkos.filings import dashboard, exports, flags, permissions, selectors, services
from parkos.filings.models import COUNT_FIELDS, RoundStatus
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


def _date(value: str):
    try:
        return date.fromisoformat(value) if value else None
    except ValueError:
        return None


@login_required
def round_create(request):
    if not permissions.can_manage_any_park(request.user):
        raise PermissionDenied
    park_choices = [
        p
        for p in parks.park_list(actor=request.user)
        if permissions.can_manage_park(request.user, p.id)
    ]
    values = {"change_threshold": "30", "min_supplies_days": "7", "include_branches": True}
    errors: dict = {}
    status = 200
    if request.method == "POST":
        values = {name: request.POST.get(name, "").strip() for name in ROUND_FORM_FIELDS}
        values["include_branches"] = request.POST.get("include_branches") == "on"
        park = next((p for p in park_choices if str(p.id) == values["park"]), None)
        dates = {name: _date(values[name]) for name in ("period_start", "period_end", "due_on")}
        for name, parsed in dates.items():
            if values[name] and parsed is None:
                errors[name] = [_("Enter a valid date.")]
        if park is None:
            errors["park"] = [_("Choose a park.")]
        if not errors:
            try:
                filing_round = services.round_open(
                    actor=request.user,
                    park=park,
                    title=values["title"],
                    change_threshold=values["change_threshold"],
                    min_supplies_days=values["min_supplies_days"],
                    include_branches=values["include_branches"],
                    **dates,
                )
            except ServiceError as failure:
                errors = failure.fields or {"__all__": [failure.message]}
            else:
                messages.success(request, _("The round is open."))
                return redirect("filings:round_detail", round_id=filing_round.id)
        status = 422
    labels = {
        "title": _("Title"),
        "period_start": _("Period start"),
        "period_end": _("Period end"),
        "due_on": _("Due on"),
        "change_threshold": _("Change threshold (%)"),
        "min_supplies_days": _("Minimum protective supplies (days)"),
    }
    rows = [
        {
            "name": name,
            "label": label,
            "value": values.get(name, ""),
            "errors": errors.get(name),
            "type": "date"
            if name in ("period_start", "period_end", "due_on")
            else ("number" if name in ("change_threshold", "min_supplies_days") else "text"),
        }
        for name, label in labels.items()
    ]
    return render(
        request,
        "filings/round_form.html",
        {
            "parks": park_choices,
            "values": values,
            "rows": rows,
            "park_errors": errors.get("park"),
            "general_errors": errors.get("__all__", []),
        },
        status=status,
    )


def _completion_chart(data) -> dict:
    zones = data["by_zone"]
    return {
        "tooltip": {"trigger": "axis"},
        "legend": {"data": [_("Expected"), _("Filed")]},
        "grid": {"left": 40, "right": 20, "bottom": 90},
        "xAxis": {
            "type": "category",
            "data": [z.label for z in zones],
            "axisLabel": {"rotate": 30},
        },
        "yAxis": {"type": "value"},
        "series": [
            {"name": _("Expected"), "type": "bar", "data": [z.expected for z in zones]},
            {"name": _("Filed"), "type": "bar", "data": [z.filed for z in zones]},
        ],
    }


def _trend_chart(data) -> dict:
    points = data["trend"]
    return {
        "tooltip": {"trigger": "axis"},
        "legend": {
            "data": [_("Completion (%)"), _("Return rate (%)"), pgettext("filing flag", "Flagged")]
        },
        "grid": {"left": 40, "right": 40, "bottom": 30},
        "xAxis": {"type": "category", "data": [p["round"] for p in points]},
        "yAxis": [{"type": "value", "max": 100}, {"type": "value"}],
        "series": [
            {
                "name": _("Completion (%)"),
                "type": "line",
                "data": [p["completion"] for p in points],
            },
            {
                "name": _("Return rate (%)"),
                "type": "line",
                "data": [p["return_rate"] for p in points],
            },
            {
                "name": pgettext("filing flag", "Flagged"),
                "type": "bar",
                "yAxisIndex": 1,
                "data": [p["flagged"] for p in points],
            },
        ],
    }


@login_required
def round_detail(request, round_id):
    filing_round = selectors.round_get(actor=request.user, round_id=round_id)
    if not permissions.is_staff_of(request.user, filing_round):
        return _tenant_round(request, filing_round)
    data = dashboard.round_dashboard(actor=request.user, filing_round=filing_round)
    context = {
        **data,
        "completion_chart": _completion_chart(data),
        "trend_chart": _trend_chart(data),
        "can_manage": permissions.can_manage_park(request.user, filing_round.park_id),
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
            "reasons": flags.explain_all(submissions[enterprise.id].flags)
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
    chosen = request.POST.get("enterprise") or request.GET.get("enterprise")
    if chosen:
        match = next((e for e in enterprises if str(e.id) == chosen), None)
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
    values = current.values() if current else {"compliance_declared": False}
    errors: dict = {}
    status = 200
    if request.method == "POST":
        values = {name: request.POST.get(name, "").strip() for name in COUNT_FIELDS}
        values["compliance_declared"] = request.POST.get("compliance_declared") == "on"
        try:
            result = services.submission_file(
                actor=request.user, filing_round=filing_round, enterprise=enterprise, **values
            )
        except ServiceError as failure:
            errors = failure.fields or {"__all__": [failure.message]}
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
                "value": values.get(name, ""),
                "errors": errors.get(name),
            }
            for name, label in _form_fields()
        ],
        "compliance_declared": values.get("compliance_declared"),
        "general_errors": errors.get("__all__", []) + errors.get("enterprise", []),
        "has_errors": bool(errors),
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


@login_required
@require_POST
def round_close(request, round_id):
    filing_round = selectors.round_get(actor=request.user, round_id=round_id)
    try:
        services.round_close(actor=request.user, filing_round=filing_round)
    except ServiceError as failure:
        messages.error(request, failure.message)
    else:
        messages.success(request, _("The round is closed."))
    return redirect("filings:round_detail", round_id=filing_round.id)


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
        {"revision": revision, "reasons": flags.explain_all(revision.flags)}
        for revision in selectors.revision_list(actor=request.user, submission=submission)
    ]
    return render(
        request,
        "filings/submission_detail.html",
        {
            "submission": submission,
            "reasons": flags.explain_all(submission.flags),
            "revisions": revisions,
            "fields": _form_fields(),
        },
    )
