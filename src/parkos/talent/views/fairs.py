"""Pages of online job fairs: the list, a fair with its booths and positions (apply to several
in one action), the live board (HTMX polling), booths, the survey, demand surveys and the map of
universities."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from parkos.core.errors import ValidationFailed
from parkos.parks.selectors import enterprise_get, park_list
from parkos.talent import charts, permissions, selectors, services
from parkos.talent.forms import ActionForm, BoothForm, DemandForm, FairForm, SurveyForm
from parkos.talent.views.common import acted, page
from parkos.talent.workflows import BOOTH


def _hr_enterprise(request, *, admin_only=False):
    ids = sorted(permissions.hr_enterprise_ids(request.user, admin_only=admin_only))
    return enterprise_get(actor=request.user, enterprise_id=ids[0]) if ids else None


@page
def fair_list(request):
    user = request.user
    context = {
        "running": selectors.fair_list(actor=user, phase="running"),
        "upcoming": selectors.fair_list(actor=user, phase="upcoming"),
        "past": selectors.fair_list(actor=user, phase="past")[:20],
        "can_create": user.is_authenticated and permissions.is_operator(user),
    }
    return render(request, "talent/fair_list.html", context)


@login_required
@page
def fair_new(request):
    parks = [
        p for p in park_list(actor=request.user) if permissions.is_operator_of(request.user, p)
    ]
    if not parks:
        raise ValidationFailed.for_field("park", _("Only an operator opens fairs."))
    form = FairForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            fair = services.fair_create(actor=request.user, park=parks[0], **form.cleaned_data)
        except ValidationFailed as invalid:
            form.add_service_errors(invalid)
        else:
            return redirect("talent:fair_detail", fair_id=fair.id)
    return render(request, "talent/fair_new.html", {"form": form, "park": parks[0]})


@page
def fair_detail(request, fair_id):
    fair = selectors.fair_get(actor=request.user, fair_id=fair_id)
    booths = list(selectors.booth_list(actor=request.user, fair=fair))
    for booth in booths:
        booth.actions = (
            BOOTH.actions_for(booth, request.user) if request.user.is_authenticated else []
        )
    positions = list(selectors.fair_positions(actor=request.user, fair=fair))
    enterprise = _hr_enterprise(request, admin_only=True) if request.user.is_authenticated else None
    context = {
        "fair": fair,
        "phase": fair.phase(),
        "booths": booths,
        "positions": positions,
        "candidate": services.candidate_of(request.user),
        "booth_form": BoothForm(),
        "can_request_booth": enterprise is not None
        and fair.phase() != "past"
        and all(b.enterprise_id != enterprise.id for b in booths),
        "is_operator": request.user.is_authenticated
        and permissions.is_operator_of(request.user, fair.park),
        "survey_form": SurveyForm()
        if request.user.is_authenticated and fair.phase() != "upcoming"
        else None,
    }
    return render(request, "talent/fair_detail.html", context)


@login_required
@require_POST
@page
def booth_request(request, fair_id):
    fair = selectors.fair_get(actor=request.user, fair_id=fair_id)
    enterprise = _hr_enterprise(request, admin_only=True)
    form = BoothForm(request.POST)
    form.is_valid()
    back = reverse("talent:fair_detail", args=[fair.id])
    if enterprise is None:
        messages.error(request, _("Only an enterprise admin asks for a booth."))
        return redirect(back)
    return acted(
        request,
        back,
        lambda: services.booth_request(
            actor=request.user,
            fair=fair,
            enterprise=enterprise,
            intro=form.cleaned_data.get("intro", ""),
        ),
        _("Booth requested: the operator will review it."),
    )


@login_required
@require_POST
@page
def booth_action(request, booth_id):
    booth = selectors.booth_get(actor=request.user, booth_id=booth_id)
    form = ActionForm(request.POST)
    form.is_valid()
    action = form.cleaned_data.get("action", "")
    back = reverse("talent:fair_detail", args=[booth.fair_id])
    if action not in BOOTH.actions:
        messages.error(request, _("Unknown action."))
        return redirect(back)
    return acted(
        request,
        back,
        lambda: services.booth_transition(actor=request.user, booth=booth, action=action),
    )


@page
def fair_live(request, fair_id):
    """The live board; HTMX reloads its body every few seconds while the fair runs."""
    fair = selectors.fair_get(actor=request.user, fair_id=fair_id)
    board = selectors.fair_live_board(actor=request.user, fair=fair)
    context = {
        "fair": fair,
        "board": board,
        "bars": charts.live_bars(board),
        "pie": charts.field_pie(board),
        "running": fair.phase() == "running",
    }
    template = (
        "talent/_live_board.html" if request.headers.get("HX-Request") else "talent/fair_live.html"
    )
    return render(request, template, context)


@login_required
@require_POST
@page
def fair_survey(request, fair_id):
    fair = selectors.fair_get(actor=request.user, fair_id=fair_id)
    form = SurveyForm(request.POST)
    back = reverse("talent:fair_detail", args=[fair.id])
    if not form.is_valid():
        messages.error(request, _("Choose from 1 to 5."))
        return redirect(back)
    enterprise = _hr_enterprise(request)
    return acted(
        request,
        back,
        lambda: services.fair_survey_answer(
            actor=request.user,
            fair=fair,
            satisfaction=form.cleaned_data["satisfaction"],
            expected_hires=form.cleaned_data["expected_hires"] or 0,
            comment=form.cleaned_data["comment"],
            enterprise=enterprise,
        ),
        _("Thank you for your answer."),
    )


@login_required
@page
def demand(request):
    enterprise = _hr_enterprise(request)
    year = timezone.localdate().year
    form = DemandForm(request.POST or None, initial={"year": year})
    if request.method == "POST" and enterprise is not None and form.is_valid():
        data = form.cleaned_data
        existing = [
            {"field": r.field, "level": r.level, "headcount": r.headcount}
            for r in selectors.demand_rows_of(
                actor=request.user, enterprise_id=enterprise.id, year=data["year"]
            )
            if (r.field, r.level) != (data["field"], data["level"])
        ]
        try:
            services.demand_submit(
                actor=request.user,
                enterprise=enterprise,
                year=data["year"],
                rows=[
                    *existing,
                    {
                        "field": data["field"],
                        "level": data["level"],
                        "headcount": data["headcount"],
                    },
                ],
            )
        except ValidationFailed as invalid:
            form.add_service_errors(invalid)
        else:
            messages.success(request, _("Demand recorded."))
            return redirect("talent:demand")
    summary = selectors.demand_summary(actor=request.user, year=year)
    context = {
        "form": form if enterprise else None,
        "enterprise": enterprise,
        "summary": summary,
        "chart": charts.demand_bars(summary) if summary else None,
        "year": year,
    }
    return render(request, "talent/demand.html", context)


@page
def universities(request):
    rows = selectors.university_map(actor=request.user)
    context = {
        "rows": sorted(rows, key=lambda r: (-r["applicants"], -r["fairs"], r["name"])),
        "chart": charts.university_scatter(rows),
    }
    return render(request, "talent/universities.html", context)
