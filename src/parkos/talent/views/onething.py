"""Pages of talent one thing: the one form, the applicant's page of sub-cases, the reviewers'
ledger with the month's chain head, and the public check of one ledger record."""

from datetime import date

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from parkos.approvals.selectors import cases_for_subjects
from parkos.core.errors import Conflict, ValidationFailed
from parkos.parks.selectors import park_list
from parkos.talent import permissions, selectors, services
from parkos.talent.forms import LedgerCheckForm, OneThingForm
from parkos.talent.ledger import ledger_verify_one
from parkos.talent.models import DocumentKind, SubCaseStatus
from parkos.talent.services.onething import SERVICES
from parkos.talent.views.common import acted, page


@login_required
@page
def onething_home(request):
    parks = list(park_list(actor=request.user))
    candidate = services.candidate_of(request.user)
    initial = {"kinds": ["housing"], "first_home": True, "in_district": True}
    if candidate is not None:
        initial |= {"name": candidate.name, "phone": candidate.phone}
    form = OneThingForm(request.POST or None, parks=parks, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        park = next(p for p in parks if str(p.id) == data["park"])
        try:
            application = services.onething_apply(
                actor=request.user,
                park=park,
                name=data["name"],
                phone=data["phone"],
                id_number=data["id_number"],
                arrived_on=data["arrived_on"],
                kinds=data["kinds"],
                documents=data["documents"],
                housing={
                    "price": data["price"],
                    "first_home": data["first_home"],
                    "in_district": data["in_district"],
                    "home_address": data["home_address"],
                },
            )
        except (ValidationFailed, Conflict) as invalid:
            form.add_service_errors(invalid)
        else:
            messages.success(request, _("Submitted: each service is now with its reviewers."))
            return redirect("talent:onething_detail", application_id=application.id)
    context = {
        "form": form,
        "applications": selectors.onething_list(actor=request.user)[:50],
        "rule": _rule(),
        "is_reviewer": permissions.is_reviewer(request.user),
    }
    return render(request, "talent/onething.html", context)


def _rule():
    try:
        return services.rule_current()
    except ValidationFailed:
        return None


@login_required
@page
def onething_detail(request, application_id):
    application = selectors.onething_get(actor=request.user, application_id=application_id)
    subcases = selectors.subcase_list(actor=request.user, application=application)
    cases = cases_for_subjects(
        actor=request.user, subject_type="talent.subcase", subject_ids=[str(s.id) for s in subcases]
    )
    labels = dict(DocumentKind.choices)
    for subcase in subcases:
        subcase.case = cases.get(str(subcase.id))
        if subcase.case is not None and subcase.case.status == "returned":
            # The engine asked the applicant for changes: the sub-case waits on them.
            subcase.status = SubCaseStatus.RETURNED
        subcase.document_rows = [
            {"label": labels.get(d["code"], d["code"]), "provided": d["provided"]}
            for d in subcase.documents
        ]
        subcase.subsidy = getattr(subcase, "housing", None) if subcase.kind == "housing" else None
        subcase.working_days = SERVICES[subcase.kind]["days"]
    context = {
        "application": application,
        "subcases": subcases,
        "is_reviewer": permissions.is_reviewer(request.user),
    }
    return render(request, "talent/onething_detail.html", context)


@login_required
@require_POST
@page
def subsidy_pay(request, subsidy_id):
    subsidy = selectors.subsidy_get(actor=request.user, subsidy_id=subsidy_id)
    return acted(
        request,
        reverse("talent:onething_detail", args=[subsidy.subcase.application_id]),
        lambda: services.subsidy_pay(actor=request.user, subsidy=subsidy),
        _("Payment recorded on the ledger."),
    )


@login_required
@page
def ledger(request):
    today = timezone.localdate()
    try:
        year, month = (int(x) for x in request.GET.get("month", "").split("-"))
        date(year, month, 1)
    except ValueError:
        year, month = today.year, today.month
    report = selectors.ledger_month(actor=request.user, year=year, month=month)
    context = {
        "records": selectors.ledger_list(actor=request.user)[:100],
        "report": report,
        "month": f"{year:04d}-{month:02d}",
        "check_form": LedgerCheckForm(),
    }
    return render(request, "talent/ledger.html", context)


def ledger_check(request):
    """Public: anyone holding a record's number and hash (printed on a decision letter) checks
    that the ledger still holds it unchanged."""
    form = LedgerCheckForm(request.GET or None)
    result = record = None
    if request.GET and form.is_valid():
        seq, digest = form.cleaned_data["seq"], form.cleaned_data["hash"]
        result = ledger_verify_one(seq=seq, digest=digest)
        record = selectors.ledger_record(seq=seq) if result else None
    return render(
        request, "talent/ledger_check.html", {"form": form, "result": result, "record": record}
    )
