"""Pages for patrol rounds, spot checks, surveys, the monthly ranking and tenant profiles."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.http import require_POST

from parkos.accounts.selectors import user_enterprise_ids
from parkos.core.errors import ServiceError, ValidationFailed
from parkos.property import charts, permissions, scoring, selectors, services, workflows
from parkos.property.forms import (
    FindingFollowUpForm,
    ProfileForm,
    RoundForm,
    ScoreActionForm,
    SurveyAnswerForm,
    WeightsForm,
)
from parkos.property.months import month_range, parse_month, previous_month
from parkos.property.services.assessment import weights_for


def _labelled(failure: ServiceError, labels: dict) -> str:
    """The failure's messages, each after the name of the field it is about, so a form of
    many fields says which one to fix."""
    parts = []
    for field, msgs in (failure.fields or {}).items():
        for message in msgs:
            label = labels.get(field)
            parts.append(
                _("%(field)s: %(message)s") % {"field": label, "message": message}
                if label
                else str(message)
            )
    return "; ".join(parts) or str(failure.message)


def _labelled_form(form) -> str:
    return "; ".join(
        _("%(field)s: %(message)s") % {"field": form.fields[name].label, "message": message}
        if name in form.fields
        else str(message)
        for name, errors in form.errors.items()
        for message in errors
    )


WEIGHT_LABELS = {
    "safety": _lazy("Safety"),
    "service": _lazy("Service"),
    "satisfaction": _lazy("Satisfaction"),
    "inspection": _lazy("Inspections"),
}


@login_required
def round_form(request, round_id):
    rnd = selectors.round_get(actor=request.user, round_id=round_id)
    actions = workflows.ROUND.actions_for(rnd, request.user)
    form = RoundForm(request.POST or None, items=rnd.template.items)
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            services.round_submit(actor=request.user, round_id=rnd.id, answers=form.answers())
        except ValidationFailed as failure:
            form.add_service_errors(failure)
            labels = {item["key"]: item.get("label", item["key"]) for item in rnd.template.items}
            messages.error(request, _labelled(failure, labels))
            status = 422
        except ServiceError as failure:
            messages.error(request, str(failure.message))
            status = failure.status
        else:
            messages.success(request, _("Round recorded."))
            return redirect("property:home")
    return render(
        request,
        "property/round.html",
        {
            "round": rnd,
            "items": form.rows(),
            "note_max": services.FINDING_NOTE_MAX,
            "actions": actions,
            "action_codes": [action.code for action in actions],
        },
        status=status,
    )


@login_required
def spot_checks(request):
    checks = list(selectors.spot_check_list(actor=request.user)[:100])
    for check in checks:
        for finding in check.findings.all():
            # The follow-up form names the status to set; the workflow says which ones.
            finding.choices = [
                (workflows.FINDING.target(action.code), action.label)
                for action in workflows.FINDING.actions_for(finding, request.user)
            ]
    return render(request, "property/spot_checks.html", {"checks": checks})


@login_required
@require_POST
def finding_follow_up(request, finding_id):
    form = FindingFollowUpForm(request.POST)
    if not form.is_valid():
        messages.error(request, _labelled_form(form))
        return redirect("property:spot_checks")
    try:
        services.finding_follow_up(actor=request.user, finding_id=finding_id, **form.cleaned_data)
    except ServiceError as failure:
        messages.error(request, str(failure.message))
    else:
        messages.success(request, _("Follow-up recorded."))
    return redirect("property:spot_checks")


@login_required
def surveys(request):
    return render(
        request,
        "property/surveys.html",
        {"surveys": selectors.survey_list(actor=request.user)[:50]},
    )


@login_required
def survey_detail(request, survey_id):
    from parkos.parks.selectors import enterprise_get

    survey = selectors.survey_get(actor=request.user, survey_id=survey_id)
    enterprises = sorted(user_enterprise_ids(request.user))
    form = SurveyAnswerForm(request.POST or None, questions=survey.questions)
    if request.method == "POST" and enterprises and form.is_valid():
        enterprise = enterprise_get(actor=request.user, enterprise_id=enterprises[0])
        try:
            services.survey_answer(
                actor=request.user,
                survey=survey,
                enterprise=enterprise,
                answers=form.cleaned_data,
            )
        except ServiceError as failure:
            details = "; ".join(str(m) for msgs in failure.fields.values() for m in msgs)
            messages.error(request, details or str(failure.message))
        else:
            messages.success(request, _("Thank you for your answer."))
        return redirect("property:survey_detail", survey_id=survey.id)
    results = None
    chart = None
    if permissions.is_operator(request.user) or permissions.company_ids(request.user):
        results = selectors.survey_results(actor=request.user, survey=survey)
        chart = charts.survey_chart(results)
    return render(
        request,
        "property/survey_detail.html",
        {
            "survey": survey,
            "results": results,
            "chart": chart,
            "can_answer": bool(enterprises),
        },
    )


@login_required
def scores(request):
    from parkos.parks.selectors import park_list

    user = request.user
    if permissions.score_company_filter(user) is None:
        raise PermissionDenied
    park = park_list(actor=user).filter(parent__isnull=True).first()
    today = timezone.localdate()
    month = parse_month(request.GET.get("month", "")) or today.replace(day=1)
    operator = (
        park is not None
        and permissions.is_operator(user)
        and permissions.can_manage_park(user, park.id)
    )
    weights_form = WeightsForm(
        initial={k: getattr(weights_for(park), k) for k in WEIGHT_LABELS} if park else None
    )
    if request.method == "POST" and operator:
        chosen = ScoreActionForm(request.POST)
        action = chosen.cleaned_data["action"] if chosen.is_valid() else ""
        if action == "weights":
            weights_form = WeightsForm(request.POST)
        try:
            if action == "compute":
                services.month_compute(actor=user, park=park, month=month)
                messages.success(request, _("Scores recomputed."))
            elif action == "close":
                services.month_close(actor=user, park=park, month=month)
                messages.success(request, _("Month closed."))
            elif action == "weights" and weights_form.is_valid():
                services.score_weights_set(actor=user, park=park, **weights_form.cleaned_data)
                messages.success(request, _("Weights saved."))
        except ValidationFailed as failure:
            messages.error(request, _labelled(failure, WEIGHT_LABELS))
            if action == "weights":
                weights_form.add_service_errors(failure)
                return _scores_page(request, park, month, operator, weights_form, status=422)
        except ServiceError as failure:
            messages.error(request, _labelled(failure, WEIGHT_LABELS))
        return redirect(f"{request.path}?month={month:%Y-%m}")
    return _scores_page(request, park, month, operator, weights_form)


def _scores_page(request, park, month, operator, weights_form, *, status=200):
    user = request.user
    today = timezone.localdate()
    history = list(selectors.score_list(actor=user, park_id=park.id if park else None))
    months = month_range(previous_month(previous_month(today.replace(year=today.year - 1))), today)
    current = [s for s in history if s.month == month]
    return render(
        request,
        "property/scores.html",
        {
            "park": park,
            "month": month,
            "previous": previous_month(month),
            "rows": current,
            "chart": charts.ranking_chart([s for s in history if s.month >= months[0]], months),
            "formulas": scoring.FORMULAS,
            "weights": weights_for(park) if park else None,
            "weights_form": weights_form,
            "operator": operator,
            "closed": park is not None
            and month in selectors.closed_months(actor=user, park_id=park.id),
        },
        status=status,
    )


@login_required
def profile(request):
    from parkos.parks.selectors import enterprise_get

    ids = sorted(user_enterprise_ids(request.user))
    if not ids:
        raise PermissionDenied
    enterprise = enterprise_get(actor=request.user, enterprise_id=ids[0])
    current = selectors.own_profile(actor=request.user, enterprise_id=enterprise.id)
    initial = None
    if current is not None:
        initial = {
            "consent": current.consent,
            "vehicles": ", ".join(current.vehicles or ()),
            "parking_spaces": current.parking_spaces,
            "usual_hours": current.usual_hours,
            "preferences": current.preferences,
        }
    form = ProfileForm(request.POST or None, initial=initial)
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            services.tenant_profile_update(
                actor=request.user, enterprise=enterprise, **form.profile_values()
            )
        except ValidationFailed as failure:
            form.add_service_errors(failure)
            status = 422
        except ServiceError as failure:
            messages.error(request, str(failure.message))
            status = failure.status
        else:
            messages.success(request, _("Profile saved."))
            return redirect("property:profile")
    return render(
        request,
        "property/profile.html",
        {"enterprise": enterprise, "profile": current, "form": form},
        status=status,
    )
