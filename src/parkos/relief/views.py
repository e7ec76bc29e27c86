"""Pages of rent relief: programmes, the application form with its live quote, the report."""

from datetime import date

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy
from django.views.decorators.http import require_POST

from parkos.accounts.models import Role
from parkos.accounts.selectors import user_enterprise_ids
from parkos.approvals.selectors import case_for_subject
from parkos.approvals.services import ATTACHMENT_ACCEPT as ACCEPT
from parkos.core.errors import FieldErrors, ServiceError
from parkos.parks.selectors import lease_list, park_list
from parkos.relief import permissions, selectors, services
from parkos.relief.models import ReliefKind


def _my_leases(request, programme):
    """Leases the user may apply for under `programme`: their enterprises', running during
    the relief period."""
    enterprise_ids = user_enterprise_ids(request.user, roles=(Role.ENTERPRISE_ADMIN,))
    return list(
        lease_list(actor=request.user)
        .filter(
            enterprise_id__in=enterprise_ids,
            start__lte=programme.period_end,
            end__gte=programme.period_start,
        )
        .select_related("enterprise__park")
    )


@login_required
def home(request):
    programmes = selectors.programme_list(actor=request.user)
    applications = selectors.applications_with_cases(
        actor=request.user, applications=selectors.application_list(actor=request.user)[:50]
    )
    context = {
        "programmes": programmes,
        "applications": applications,
        "can_create": permissions.operator_park_ids(request.user) != set(),
        "is_staff": permissions.is_staff(request.user),
    }
    return render(request, "relief/home.html", context)


@login_required
def programme_detail(request, programme_id):
    programme = selectors.programme_get(actor=request.user, programme_id=programme_id)
    applications = selectors.applications_with_cases(
        actor=request.user,
        applications=selectors.application_list(actor=request.user, programme_id=programme.id),
    )
    context = {
        "programme": programme,
        "applications": applications,
        "leases": _my_leases(request, programme) if programme.status == "published" else [],
        "can_manage": permissions.can_manage_park(request.user, programme.park_id),
        "accept": ACCEPT,
    }
    return render(request, "relief/programme_detail.html", context)


def _lease_from(request, programme, leases):
    lease_id = request.POST.get("lease", "")
    return next((lease for lease in leases if str(lease.id) == lease_id), None)


@login_required
@require_POST
def quote(request, programme_id):
    """The HTMX partial under the form: the amount the rules give, before submitting."""
    programme = selectors.programme_get(actor=request.user, programme_id=programme_id)
    lease = _lease_from(request, programme, _my_leases(request, programme))
    context = {"quote": None, "error": None}
    try:
        _revenue, context["quote"] = services.application_check(
            actor=request.user,
            programme=programme,
            lease=lease,
            declared_revenue=request.POST.get("declared_revenue") or None,
        )
    except ServiceError as failure:
        context["error"] = failure.message
    return render(request, "relief/_quote.html", context)


@login_required
@require_POST
def apply(request, programme_id):
    programme = selectors.programme_get(actor=request.user, programme_id=programme_id)
    leases = _my_leases(request, programme)
    lease = _lease_from(request, programme, leases)
    try:
        application = services.application_submit(
            actor=request.user,
            programme=programme,
            lease=lease,
            declared_revenue=request.POST.get("declared_revenue") or None,
            evidence=request.FILES.getlist("evidence"),
        )
    except ServiceError as failure:
        context = {
            "programme": programme,
            "applications": [],
            "leases": leases,
            "accept": ACCEPT,
            "error": failure,
            "posted": request.POST,
        }
        return render(request, "relief/programme_detail.html", context, status=failure.status)
    messages.success(request, _("Your application has been submitted."))
    case = case_for_subject(
        actor=request.user, subject_type=services.SUBJECT, subject_id=str(application.id)
    )
    return redirect("approvals:case_detail", case_id=case.id)


def _parse_date(errors: FieldErrors, field: str, value: str) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        errors.add(field, _("Enter a date as YYYY-MM-DD."))
        return None


# The form's fields in the order they appear, with their labels: a message is shown under
# its field, and one that has no field of its own is named by the field's label.
PROGRAMME_FIELDS = (
    ("name", gettext_lazy("Name")),
    ("description", pgettext_lazy("relief programme", "Description")),
    ("park", gettext_lazy("Park")),
    ("period_start", gettext_lazy("Relief period from")),
    ("period_end", gettext_lazy("Relief period to")),
    ("apply_until", gettext_lazy("Applications until")),
    ("max_headcount", gettext_lazy("Maximum headcount")),
    ("max_revenue", gettext_lazy("Maximum annual revenue (CNY)")),
    ("kind", gettext_lazy("Relief")),
    ("months", gettext_lazy("Months waived")),
    ("percent", gettext_lazy("Percentage waived")),
    ("cap_per_enterprise", gettext_lazy("Cap per enterprise (CNY)")),
    ("process_code", gettext_lazy("Approval process")),
)


def _error_summary(field_errors: dict[str, list[str]]) -> list[dict]:
    """Every message once, in the order of the form, each named by its field's label."""
    labels = dict(PROGRAMME_FIELDS)
    order = [name for name, _label in PROGRAMME_FIELDS]
    fields = sorted(field_errors, key=lambda name: order.index(name) if name in labels else -1)
    return [
        {"field": name if name in labels else "", "label": labels.get(name, ""), "message": text}
        for name in fields
        for text in field_errors[name]
    ]


@login_required
def programme_new(request):
    if permissions.operator_park_ids(request.user) == set():
        raise PermissionDenied
    parks = [
        p for p in park_list(actor=request.user) if permissions.can_manage_park(request.user, p.id)
    ]
    field_errors: dict[str, list[str]] = {}
    status = 200
    if request.method == "POST":
        post = request.POST
        problems = FieldErrors()
        start = _parse_date(problems, "period_start", post.get("period_start", ""))
        end = _parse_date(problems, "period_end", post.get("period_end", ""))
        apply_until = _parse_date(problems, "apply_until", post.get("apply_until", ""))
        park_id = post.get("park", "")
        park = next((p for p in parks if str(p.id) == park_id), None)
        if park_id and park is None:
            problems.add("park", _("Unknown park."))
        headcount = post.get("max_headcount", "").strip()
        if headcount and not headcount.isdigit():
            problems.add("max_headcount", _("Enter a whole number of people."))
        try:
            programme = services.programme_create(
                actor=request.user,
                name=post.get("name", ""),
                description=post.get("description", ""),
                park=park,
                period_start=start,
                period_end=end,
                apply_until=apply_until,
                max_headcount=int(headcount) if headcount.isdigit() else None,
                max_revenue=post.get("max_revenue") or None,
                require_no_arrears=bool(post.get("require_no_arrears")),
                kind=post.get("kind", ""),
                months=post.get("months") or None,
                percent=post.get("percent") or None,
                cap_per_enterprise=post.get("cap_per_enterprise") or None,
                process_code=post.get("process_code") or services.DEFAULT_PROCESS,
                publish=bool(post.get("publish")),
                problems=problems,
            )
        except ServiceError as failure:
            field_errors = failure.fields or {"": [failure.message]}
            status = failure.status
        else:
            messages.success(request, _("The programme has been saved."))
            return redirect("relief:programme_detail", programme_id=programme.id)
    context = {
        "parks": parks,
        "kinds": ReliefKind.choices,
        "processes": services.programme_processes(actor=request.user),
        "default_process": services.DEFAULT_PROCESS,
        "field_errors": field_errors,
        "error_summary": _error_summary(field_errors),
        "posted": request.POST if request.method == "POST" else {},
        "today": timezone.localdate(),
    }
    return render(request, "relief/programme_new.html", context, status=status)


@login_required
@require_POST
def programme_publish(request, programme_id):
    programme = selectors.programme_get(actor=request.user, programme_id=programme_id)
    try:
        services.programme_publish(actor=request.user, programme=programme)
    except ServiceError as failure:
        messages.error(request, failure.message)
    else:
        messages.success(request, _("The programme is published."))
    return redirect("relief:programme_detail", programme_id=programme.id)


@login_required
def report(request):
    if not permissions.is_staff(request.user):
        raise PermissionDenied
    programme_id = request.GET.get("programme") or None
    programmes = list(selectors.programme_list(actor=request.user))
    if programme_id and programme_id not in {str(p.id) for p in programmes}:
        raise Http404
    rows = selectors.relief_report(actor=request.user, programme_id=programme_id)
    totals = {
        "enterprises": sum(row["enterprises"] for row in rows),
        "total": sum((row["total"] for row in rows), start=0),
        "pending": sum(row["pending"] for row in rows),
    }
    chart = {
        "tooltip": {"trigger": "axis"},
        "xAxis": {"type": "category", "data": [row["park"] for row in rows]},
        "yAxis": {"type": "value", "name": _("CNY")},
        "series": [
            {
                "type": "bar",
                "name": _("Relief granted"),
                "data": [float(row["total"]) for row in rows],
            }
        ],
    }
    context = {
        "rows": rows,
        "totals": totals,
        "programmes": programmes,
        "programme_id": programme_id or "",
        "chart": chart,
    }
    return render(request, "relief/report.html", context)
