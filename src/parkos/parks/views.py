"""Pages of the park network: the same selectors and services as the API."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from parkos.core import imports as core_imports
from parkos.core.errors import NotFound, ValidationFailed
from parkos.parks import imports, permissions, selectors
from parkos.parks.forms import EnterpriseImportForm
from parkos.parks.models import Industry


@login_required
def home(request):
    park = selectors.park_list(actor=request.user).filter(parent__isnull=True).first()
    if park is None:
        return render(request, "parks/empty.html")
    return redirect("parks:overview", park_id=park.id)


def _kpi_chart(overview) -> dict:
    """Enterprises and output (hundreds of millions of CNY) share the left axis, being of
    the same order; employees, tens of thousands, have the right axis to themselves."""
    kpis = overview["kpis"]
    return {
        "tooltip": {"trigger": "axis"},
        "legend": {"data": [_("Enterprises"), _("Annual output (100M CNY)"), _("Employees")]},
        "grid": {"left": 50, "right": 60, "bottom": 30},
        "xAxis": {"type": "category", "data": [str(kpi.year) for kpi in kpis]},
        "yAxis": [{"type": "value"}, {"type": "value", "name": _("Employees")}],
        "series": [
            {"name": _("Enterprises"), "type": "bar", "data": [kpi.enterprises for kpi in kpis]},
            {
                "name": _("Annual output (100M CNY)"),
                "type": "line",
                "data": [float(round(kpi.output_value / 100_000_000, 2)) for kpi in kpis],
            },
            {
                "name": _("Employees"),
                "type": "line",
                "yAxisIndex": 1,
                "data": [kpi.employees for kpi in kpis],
            },
        ],
    }


def _industry_chart(overview) -> dict:
    labels = dict(Industry.choices)
    return {
        "tooltip": {"trigger": "item"},
        "series": [
            {
                "type": "pie",
                "radius": ["35%", "70%"],
                "data": [
                    {
                        "name": str(labels.get(row["industry"], row["industry"])),
                        "value": row["count"],
                    }
                    for row in overview["by_industry"]
                ],
            }
        ],
    }


@login_required
def overview(request, park_id):
    # The page lists the other parks anyway: find this one among them, one query for both.
    parks = list(selectors.park_list(actor=request.user))
    park = next((p for p in parks if p.id == park_id), None) or selectors.park_get(
        actor=request.user, park_id=park_id
    )
    data = selectors.park_overview(actor=request.user, park=park)
    context = {
        **data,
        "parks": parks,
        # Called by the template only when its cached fragment has expired.
        "kpi_chart": lambda: _kpi_chart(data),
        "industry_chart": lambda: _industry_chart(data),
        "overview_cache_seconds": selectors.OVERVIEW_CACHE_SECONDS,
    }
    return render(request, "parks/overview.html", context)


@login_required
def enterprise_list(request):
    industry = request.GET.get("industry", "")
    park_id = request.GET.get("park") or None
    parks = list(selectors.park_list(actor=request.user))
    if park_id and park_id not in {str(p.id) for p in parks}:
        messages.error(request, _("Unknown park."))
        park_id = None
    if industry not in Industry.values:
        industry = ""
    enterprises = selectors.enterprise_list(
        actor=request.user, q=request.GET.get("q", ""), industry=industry, park_id=park_id
    ).select_related("park")
    page = Paginator(enterprises, 25).get_page(request.GET.get("page"))
    context = {
        "page": page,
        "parks": parks,
        "industries": Industry.choices,
        "filters": {"q": request.GET.get("q", ""), "industry": industry, "park": park_id or ""},
        "can_import": permissions.managed_park_ids(request.user) != set(),
    }
    template = "parks/_enterprise_rows.html" if request.htmx else "parks/enterprise_list.html"
    return render(request, template, context)


@login_required
def enterprise_detail(request, enterprise_id):
    enterprise = selectors.enterprise_get(actor=request.user, enterprise_id=enterprise_id)
    can_see_private = permissions.can_see_private(request.user, enterprise)
    leases = (
        selectors.lease_list(actor=request.user, enterprise_id=enterprise.id)
        if can_see_private
        else []
    )
    return render(
        request,
        "parks/enterprise_detail.html",
        {"enterprise": enterprise, "leases": leases, "can_see_private": can_see_private},
    )


@login_required
def enterprise_import(request):
    parks = [
        p
        for p in selectors.park_list(actor=request.user)
        if permissions.can_manage_park(request.user, p.id)
    ]
    if not parks:
        return render(request, "403.html", status=403)
    form = EnterpriseImportForm(request.POST or None, request.FILES or None, parks=parks)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            job = imports.import_start(
                actor=request.user,
                park=form.cleaned_data["park"],
                file_name=upload.name,
                content=upload.read(),
            )
        except ValidationFailed as invalid:
            form.add_service_errors(invalid)
        else:
            return redirect("parks:import_job", job_id=job.id)
    return render(request, "parks/import.html", {"form": form}, status=422 if form.errors else 200)


def _import_job_get(request, job_id):
    try:
        return core_imports.import_job_get(actor=request.user, job_id=job_id)
    except NotFound as missing:
        raise Http404 from missing


@login_required
def import_job(request, job_id):
    """Any import's progress, then its result or row report (every app links here)."""
    job = _import_job_get(request, job_id)
    try:
        importer_label = core_imports.importer_get(job.kind).label
    except LookupError:
        importer_label = ""
    context = {
        "job": job,
        "importer_label": importer_label,
        "report": core_imports.import_report(job=job) if job.status == "refused" else [],
        "report_url": reverse("parks:import_report", args=[job.id]),
        "back_url": reverse("parks:enterprise_import") if job.kind == imports.KIND else "",
    }
    template = "core/import_progress.html" if request.htmx else "core/import_job.html"
    return render(request, template, context)


@login_required
def import_report(request, job_id):
    job = _import_job_get(request, job_id)
    response = HttpResponse(
        core_imports.import_report_xlsx(job=job),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f'attachment; filename="import-report-{job.id}.xlsx"'
    return response


@login_required
def audit_log(request):
    from django.core.exceptions import PermissionDenied

    from parkos.core.selectors import audit_entries

    if not permissions.can_read_audit(request.user):
        raise PermissionDenied
    entries = audit_entries(
        park_ids=permissions.private_park_ids(request.user), object_type=request.GET.get("type", "")
    )
    page = Paginator(entries, 50).get_page(request.GET.get("page"))
    for entry in page:
        # Paired here: in a template `changes.items` would read a change named "items".
        entry.change_pairs = list((entry.changes or {}).items())
    return render(request, "parks/audit_log.html", {"page": page})
