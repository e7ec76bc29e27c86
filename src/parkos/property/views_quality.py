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
from parkos.core.errors import ServiceError
from parkos.property import permissions, scoring, selectors, services
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


WEIGHT_LABELS = {
    "safety": _lazy("Safety"),
    "service": _lazy("Service"),
    "satisfaction": _lazy("Satisfaction"),
    "inspection": _lazy("Inspections"),
}


@login_required
def round_form(request, round_id):
    rnd = selectors.round_get(actor=request.user, round_id=round_id)
    entered = {}
    status = 200
    if request.method == "POST":
        answers = {}
        for item in rnd.template.items:
            key = item["key"]
            if item.get("kind") == "value":
                answers[key] = {
                    "value": request.POST.get(key, ""),
                    "note": request.POST.get(f"{key}_note", ""),
                }
            else:
                answers[key] = {
                    "passed": request.POST.get(key) == "pass",
                    "note": request.POST.get(f"{key}_note", ""),
                }
        try:
            services.round_submit(actor=request.user, round_id=rnd.id, answers=answers)
        except ServiceError as failure:
            labels = {item["key"]: item.get("label", item["key"]) for item in rnd.template.items}
            messages.error(request, _labelled(failure, labels))
            status = 422
            # What the technician typed and ticked comes back with the message.
            entered = {
                item["key"]: {
                    "value": request.POST.get(item["key"], ""),
                    "note": request.POST.get(f"{item['key']}_note", ""),
                }
                for item in rnd.template.items
            }
        else:
            messages.success(request, _("Round recorded."))
            return redirect("property:home")
    items = [{**item, "entered": entered.get(item["key"], {})} for item in rnd.template.items or ()]
    return render(
        request,
        "property/round.html",
        {"round": rnd, "items": items, "note_max": services.FINDING_NOTE_MAX},
        status=status,
    )


@login_required
def spot_checks(request):
    checks = selectors.spot_check_list(actor=request.user)[:100]
    return render(
        request,
        "property/spot_checks.html",
        {"checks": checks, "is_operator": permissions.is_operator(request.user)},
    )


@login_required
@require_POST
def finding_follow_up(request, finding_id):
    try:
        services.finding_follow_up(
            actor=request.user,
            finding_id=finding_id,
            status=request.POST.get("status", ""),
            note=request.POST.get("note", ""),
        )
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
    if request.method == "POST" and enterprises:
        enterprise = enterprise_get(actor=request.user, enterprise_id=enterprises[0])
        try:
            services.survey_answer(
                actor=request.user,
                survey=survey,
                enterprise=enterprise,
                answers={q["key"]: request.POST.get(q["key"], "") for q in survey.questions},
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
        chart = {
            "tooltip": {"trigger": "axis"},
            "legend": {},
            "xAxis": {"type": "category", "data": ["1", "2", "3", "4", "5"]},
            "yAxis": {"type": "value", "minInterval": 1},
            "series": [
                {"name": q["label"], "type": "bar", "data": q["distribution"]}
                for q in results["questions"]
            ],
        }
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


def _ranking_chart(scores, months) -> dict:
    companies = sorted({s.company.name for s in scores})
    by_key = {(s.company.name, s.month): float(s.total) for s in scores}
    return {
        "tooltip": {"trigger": "axis"},
        "legend": {"data": companies},
        "grid": {"left": 40, "right": 20, "bottom": 30},
        "xAxis": {"type": "category", "data": [m.strftime("%Y-%m") for m in months]},
        "yAxis": {"type": "value", "min": 40, "max": 100},
        "series": [
            {"name": name, "type": "line", "data": [by_key.get((name, m)) for m in months]}
            for name in companies
        ],
    }


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
    if request.method == "POST" and operator:
        action = request.POST.get("action")
        try:
            if action == "compute":
                services.month_compute(actor=user, park=park, month=month)
                messages.success(request, _("Scores recomputed."))
            elif action == "close":
                services.month_close(actor=user, park=park, month=month)
                messages.success(request, _("Month closed."))
            elif action == "weights":
                services.score_weights_set(
                    actor=user,
                    park=park,
                    **{
                        k: request.POST.get(k, "")
                        for k in ("safety", "service", "satisfaction", "inspection")
                    },
                )
                messages.success(request, _("Weights saved."))
        except ServiceError as failure:
            messages.error(request, _labelled(failure, WEIGHT_LABELS))
        return redirect(f"{request.path}?month={month:%Y-%m}")
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
            "chart": _ranking_chart([s for s in history if s.month >= months[0]], months),
            "formulas": scoring.FORMULAS,
            "weights": weights_for(park) if park else None,
            "operator": operator,
            "closed": park is not None and month in selectors.closed_months(park_id=park.id),
        },
    )


@login_required
def profile(request):
    from parkos.parks.selectors import enterprise_get

    ids = sorted(user_enterprise_ids(request.user))
    if not ids:
        raise PermissionDenied
    enterprise = enterprise_get(actor=request.user, enterprise_id=ids[0])
    current = selectors.own_profile(actor=request.user, enterprise_id=enterprise.id)
    if request.method == "POST":
        try:
            services.tenant_profile_update(
                actor=request.user,
                enterprise=enterprise,
                consent=request.POST.get("consent") == "on",
                vehicles=request.POST.get("vehicles", "").replace("，", ",").split(","),
                parking_spaces=request.POST.get("parking_spaces", ""),
                usual_hours=request.POST.get("usual_hours", ""),
                preferences=request.POST.get("preferences", ""),
            )
        except ServiceError as failure:
            messages.error(request, str(failure.message))
        else:
            messages.success(request, _("Profile saved."))
            return redirect("property:profile")
    return render(request, "property/profile.html", {"enterprise": enterprise, "profile": current})
