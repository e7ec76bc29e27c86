"""Pages of rent relief: programmes, the application form with its live quote, the report."""

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
from parkos.core.errors import FieldErrors, ServiceError, ValidationFailed
from parkos.parks.selectors import lease_list, park_list
from parkos.relief import charts, permissions, selectors, services
from parkos.relief.forms import ApplicationForm, ProgrammeActionForm, ProgrammeForm
from parkos.relief.models import ProgrammeStatus, ReliefKind
from parkos.relief.workflows import PROGRAMME_WORKFLOW


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
        # The form shows while the programme takes applications.
        "leases": _my_leases(request, programme)
        if programme.status == ProgrammeStatus.PUBLISHED
        else [],
        "actions": PROGRAMME_WORKFLOW.actions_for(programme, request.user),
        "accept": ACCEPT,
        "form": ApplicationForm(),
    }
    return render(request, "relief/programme_detail.html", context)


@login_required
@require_POST
def quote(request, programme_id):
    """The HTMX partial under the form: the amount the rules give, before submitting."""
    programme = selectors.programme_get(actor=request.user, programme_id=programme_id)
    form = ApplicationForm(request.POST, leases=_my_leases(request, programme))
    context = {"quote": None, "error": None}
    if not form.is_valid():
        context["error"] = next(iter(form.errors.values()))[0]
        return render(request, "relief/_quote.html", context)
    try:
        _revenue, context["quote"] = services.application_check(
            actor=request.user,
            programme=programme,
            lease=form.cleaned_data["lease"],
            declared_revenue=form.cleaned_data["declared_revenue"],
        )
    except ServiceError as failure:
        context["error"] = failure.message
    return render(request, "relief/_quote.html", context)


@login_required
@require_POST
def apply(request, programme_id):
    programme = selectors.programme_get(actor=request.user, programme_id=programme_id)
    leases = _my_leases(request, programme)
    form = ApplicationForm(request.POST, request.FILES, leases=leases)
    status = 422
    if form.is_valid():
        try:
            application = services.application_submit(
                actor=request.user,
                programme=programme,
                **form.cleaned_data,
            )
        except ServiceError as failure:
            status = failure.status
            if isinstance(failure, ValidationFailed) and failure.fields:
                form.add_service_errors(failure)
            else:
                form.add_error(None, str(failure.message))
        else:
            messages.success(request, _("Your application has been submitted."))
            case = case_for_subject(
                actor=request.user, subject_type=services.SUBJECT, subject_id=str(application.id)
            )
            return redirect("approvals:case_detail", case_id=case.id)
    context = {
        "programme": programme,
        "applications": [],
        "leases": leases,
        "accept": ACCEPT,
        "form": form,
        "posted": form.data,
    }
    return render(request, "relief/programme_detail.html", context, status=status)


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
    form = ProgrammeForm(
        request.POST or None, parks=parks, default_process=services.DEFAULT_PROCESS
    )
    if request.method == "POST":
        form.is_valid()
        # What the form could not read is reported with the service's findings, so every
        # problem shows at once; those fields are not checked again.
        problems = FieldErrors()
        for name, texts in form.errors.items():
            for text in texts:
                problems.add(name, text)
        try:
            programme = services.programme_create(
                actor=request.user, problems=problems, **form.service_input()
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
        "posted": form.data,
        "today": timezone.localdate(),
    }
    return render(request, "relief/programme_new.html", context, status=status)


PROGRAMME_DONE = {
    "publish": gettext_lazy("The programme is published."),
    "close": pgettext_lazy("relief programme", "The programme is closed."),
}


def _programme_fire(request, programme, action: str):
    moves = {"publish": services.programme_publish, "close": services.programme_close}
    try:
        moves[action](actor=request.user, programme=programme)
    except ServiceError as failure:
        messages.error(request, failure.message)
    else:
        messages.success(request, PROGRAMME_DONE[action])
    return redirect("relief:programme_detail", programme_id=programme.id)


@login_required
@require_POST
def programme_act(request, programme_id):
    """A move of the programme, as its page's buttons post it. Who may is decided before
    the posted action is read: a refused caller learns nothing from a redirect."""
    programme = selectors.programme_get_to_manage(actor=request.user, programme_id=programme_id)
    form = ProgrammeActionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Unknown action."))
        return redirect("relief:programme_detail", programme_id=programme.id)
    return _programme_fire(request, programme, form.cleaned_data["action"])


@login_required
@require_POST
def programme_publish(request, programme_id):
    programme = selectors.programme_get_to_manage(actor=request.user, programme_id=programme_id)
    return _programme_fire(request, programme, "publish")


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
    chart = charts.relief_by_park_chart(rows)
    context = {
        "rows": rows,
        "totals": totals,
        "programmes": programmes,
        "programme_id": programme_id or "",
        "chart": chart,
    }
    return render(request, "relief/report.html", context)
