"""Pages of technology transfer: forms in, services and selectors, templates out."""

from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from parkos.core.errors import Forbidden, NotFound, ServiceError, ValidationFailed
from parkos.parks.selectors import park_list
from parkos.techtransfer import charts, exports, permissions, selectors, services
from parkos.techtransfer.forms import (
    AchievementForm,
    ActionForm,
    AttachmentForm,
    CallForm,
    ContractForm,
    DeclineForm,
    DemandForm,
    DropForm,
    ProposalForm,
)
from parkos.techtransfer.taxonomy import ContractType, TechField
from parkos.techtransfer.texts import MATCH_TEXTS
from parkos.techtransfer.workflows import ACHIEVEMENT, CALL, DEAL, MATCH, PROPOSAL


def found_or_404(view):
    """Selectors raise core's NotFound and services core's Forbidden; a page answers them as
    Django's 404 and 403, as the API does."""

    @wraps(view)
    def page(request, *args, **kwargs):
        try:
            return view(request, *args, **kwargs)
        except NotFound as missing:
            raise Http404(str(missing.message)) from missing
        except Forbidden as refused:
            raise PermissionDenied(str(refused.message)) from refused

    return page


def _page(request, queryset, per_page=20):
    return Paginator(queryset, per_page).get_page(request.GET.get("page"))


def _worded(matches):
    """Each match with its reasons and checks in the reader's language."""
    for match in matches:
        match.reason_texts = [MATCH_TEXTS.render(spec) for spec in match.reasons]
        match.check_texts = [(c["ok"], MATCH_TEXTS.render(c["text"])) for c in match.checks]
    return matches


def _refused(request, error: ServiceError):
    from django.contrib import messages

    messages.error(request, str(error.message))


@login_required
@found_or_404
def home(request):
    user = request.user
    context = {
        "achievements": selectors.achievement_list(actor=user, status="published")[:6],
        "demands": selectors.demand_list(actor=user)[:6],
        "is_staff": permissions.is_staff(user),
        "is_operator": permissions.is_operator(user),
        "is_institution": permissions.is_institution_member(user),
        "is_enterprise": permissions.is_enterprise_member(user),
    }
    if context["is_operator"]:
        context["review_count"] = selectors.achievements_for_review(actor=user).count()
    return render(request, "techtransfer/home.html", context)


# ------------------------------------------------------------------ achievements


@login_required
@found_or_404
def achievement_list(request):
    field = request.GET.get("field") or None
    status = request.GET.get("status") or None
    if field not in TechField.values:
        field = None
    q = (request.GET.get("q") or "").strip()[:100] or None
    qs = selectors.achievement_list(
        actor=request.user, field=field, status=status, q=q, mine=request.GET.get("mine") == "1"
    )
    return render(
        request,
        "techtransfer/achievement_list.html",
        {
            "page": _page(request, qs),
            "fields": TechField.choices,
            "field": field,
            "q": q or "",
            "status": status,
        },
    )


@login_required
@found_or_404
def achievement_new(request):
    institutions = list(selectors.institutions_of(actor=request.user))
    if not institutions:
        raise PermissionDenied
    form = AchievementForm(request.POST or None, institutions=institutions)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        institution = selectors.institution_get(
            actor=request.user, institution_id=data.pop("institution")
        )
        try:
            achievement = services.achievement_create(
                actor=request.user, institution=institution, **data
            )
        except ValidationFailed as invalid:
            form.add_service_errors(invalid)
        else:
            return redirect(achievement)
    return render(request, "techtransfer/form.html", {"form": form, "title": _("New achievement")})


@login_required
@found_or_404
def achievement_detail(request, achievement_id):
    achievement = selectors.achievement_get(actor=request.user, achievement_id=achievement_id)
    user = request.user
    matches = []
    may_edit = permissions.may_edit_achievement(user, achievement)
    if achievement.status == "published" and (permissions.is_staff(user) or may_edit):
        services.achievement_match(actor=user, achievement=achievement)
        matches = _worded(list(selectors.match_list(actor=user, achievement=achievement)[:10]))
    return render(
        request,
        "techtransfer/achievement_detail.html",
        {
            "achievement": achievement,
            "actions": ACHIEVEMENT.actions_for(achievement, user),
            "matches": matches,
            "feedback": selectors.declined_feedback(actor=user, achievement=achievement)
            if may_edit or permissions.is_staff(user)
            else [],
            "events": achievement.events.all() if may_edit or permissions.is_staff(user) else [],
            "action_form": ActionForm(),
        },
    )


@login_required
@found_or_404
@require_POST
def achievement_action(request, achievement_id):
    achievement = selectors.achievement_get(actor=request.user, achievement_id=achievement_id)
    if not (
        permissions.may_edit_achievement(request.user, achievement)
        or permissions.may_review(request.user)
    ):
        raise PermissionDenied
    form = ActionForm(request.POST)
    if form.is_valid():
        try:
            services.achievement_act(
                actor=request.user,
                achievement=achievement,
                action=form.cleaned_data["action"],
                note=form.cleaned_data["note"],
            )
        except ServiceError as error:
            _refused(request, error)
    return redirect(achievement)


# ------------------------------------------------------------------ demands


@login_required
@found_or_404
def demand_list(request):
    field = request.GET.get("field") or None
    if field not in TechField.values:
        field = None
    qs = selectors.demand_list(actor=request.user, field=field, mine=request.GET.get("mine") == "1")
    return render(
        request,
        "techtransfer/demand_list.html",
        {"page": _page(request, qs), "fields": TechField.choices, "field": field},
    )


@login_required
@found_or_404
def demand_new(request):
    enterprise_ids = sorted(permissions.enterprise_ids(request.user), key=str)
    if not enterprise_ids:
        raise PermissionDenied
    form = DemandForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            demand = services.demand_create(
                actor=request.user, enterprise_id=enterprise_ids[0], **form.cleaned_data
            )
        except ValidationFailed as invalid:
            form.add_service_errors(invalid)
        else:
            return redirect(demand)
    return render(
        request, "techtransfer/form.html", {"form": form, "title": _("New technology demand")}
    )


@login_required
@found_or_404
def demand_detail(request, demand_id):
    demand = selectors.demand_get(actor=request.user, demand_id=demand_id)
    services.demand_match(actor=request.user, demand=demand)
    matches = _worded(list(selectors.match_list(actor=request.user, demand=demand)[:10]))
    for match in matches:
        match.actions = MATCH.actions_for(match, request.user)
    return render(
        request,
        "techtransfer/demand_detail.html",
        {
            "demand": demand,
            "matches": matches,
            "decline_form": DeclineForm(),
            "is_owner": permissions.is_demand_owner(request.user, demand),
        },
    )


@login_required
@found_or_404
def match_detail(request, match_id):
    match = selectors.match_get(actor=request.user, match_id=match_id)
    _worded([match])
    return render(
        request,
        "techtransfer/match_detail.html",
        {
            "match": match,
            "actions": MATCH.actions_for(match, request.user),
            "decline_form": DeclineForm(),
            "deal": getattr(match, "deal", None),
        },
    )


@login_required
@found_or_404
@require_POST
def match_action(request, match_id):
    match = selectors.match_get(actor=request.user, match_id=match_id)
    if not MATCH.actions_for(match, request.user):
        raise PermissionDenied
    form = ActionForm(request.POST)
    if not form.is_valid():
        return redirect("techtransfer:match_detail", match_id=match.pk)
    try:
        if form.cleaned_data["action"] == "take_up":
            deal = services.deal_open(actor=request.user, match=match)
            return redirect(deal)
        decline = DeclineForm(request.POST)
        if not decline.is_valid():
            raise ValidationFailed.for_field("reason", _("Choose a reason from the list."))
        services.match_decline(
            actor=request.user,
            match=match,
            reason=decline.cleaned_data["reason"],
            note=decline.cleaned_data["note"],
        )
    except ServiceError as error:
        _refused(request, error)
    return redirect("techtransfer:match_detail", match_id=match.pk)


# ------------------------------------------------------------------ deals


@login_required
@found_or_404
def deal_board(request):
    if not permissions.is_staff(request.user):
        raise PermissionDenied
    return render(
        request,
        "techtransfer/deal_board.html",
        {"columns": selectors.deal_board(actor=request.user)},
    )


@login_required
@found_or_404
def deal_detail(request, deal_id):
    deal = selectors.deal_get(actor=request.user, deal_id=deal_id)
    actions = [a for a in DEAL.actions_for(deal, request.user) if a.code != "drop"]
    may_drop = "drop" in DEAL.action_codes(deal, request.user)
    contract = getattr(deal, "contract", None) if hasattr(deal, "contract") else None
    match = deal.match
    _worded([match])
    return render(
        request,
        "techtransfer/deal_detail.html",
        {
            "deal": deal,
            "match": match,
            "actions": actions,
            "drop_form": DropForm() if may_drop else None,
            "events": selectors.deal_events(actor=request.user, deal=deal),
            "contract": contract,
            "may_register": permissions.may_move_deal(request.user, deal)
            and deal.stage in {"negotiating", "contracted"}
            and contract is None,
        },
    )


@login_required
@found_or_404
@require_POST
def deal_action(request, deal_id):
    deal = selectors.deal_get(actor=request.user, deal_id=deal_id)
    if not permissions.may_move_deal(request.user, deal):
        raise PermissionDenied
    form = ActionForm(request.POST)
    if form.is_valid():
        reason = ""
        if form.cleaned_data["action"] == "drop":
            drop = DropForm(request.POST)
            reason = drop.cleaned_data["reason"] if drop.is_valid() else ""
        try:
            services.deal_move(
                actor=request.user,
                deal=deal,
                action=form.cleaned_data["action"],
                reason=reason,
                note=form.cleaned_data["note"],
            )
        except ServiceError as error:
            _refused(request, error)
    return redirect(deal)


# ------------------------------------------------------------------ contracts


@login_required
@found_or_404
def contract_new(request, deal_id):
    deal = selectors.deal_get(actor=request.user, deal_id=deal_id)
    if not permissions.may_move_deal(request.user, deal):
        raise PermissionDenied
    branches = list(park_list(actor=request.user))
    form = ContractForm(request.POST or None, branches=branches)
    if request.method == "POST" and form.is_valid():
        try:
            contract = services.contract_register(
                actor=request.user, deal=deal, **form.cleaned_data
            )
        except ValidationFailed as invalid:
            form.add_service_errors(invalid)
        else:
            return redirect(contract)
    return render(
        request,
        "techtransfer/form.html",
        {"form": form, "title": _("Register the technology contract"), "subtitle": str(deal)},
    )


@login_required
@found_or_404
def contract_list(request):
    return render(
        request,
        "techtransfer/contract_list.html",
        {
            "page": _page(request, selectors.contract_list(actor=request.user)),
            "is_staff": permissions.is_staff(request.user),
        },
    )


@login_required
@found_or_404
def contract_detail(request, contract_id):
    contract = selectors.contract_get(actor=request.user, contract_id=contract_id)
    form = AttachmentForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.contract_attach(
                actor=request.user, contract=contract, upload=form.cleaned_data["file"]
            )
        except ValidationFailed as invalid:
            form.add_service_errors(invalid)
        except PermissionDenied:
            raise
        else:
            return redirect(contract)
    return render(
        request,
        "techtransfer/contract_detail.html",
        {
            "contract": contract,
            "attachments": contract.attachments.all(),
            "form": form,
            "may_attach": permissions.is_staff(request.user),
        },
    )


@login_required
@found_or_404
def contract_export(request):
    permissions.require_staff(request.user)
    content = exports.contracts_xlsx(selectors.contract_list(actor=request.user))
    response = HttpResponse(
        content, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response["Content-Disposition"] = 'attachment; filename="technology-contracts.xlsx"'
    return response


@login_required
@found_or_404
def statistics(request):
    stats = selectors.contract_statistics(actor=request.user)
    fields, types = dict(TechField.choices), dict(ContractType.choices)
    for row in stats["by_field"]:
        row["label"] = fields.get(row["field"], row["field"])
    for row in stats["by_type"]:
        row["label"] = types.get(row["contract_type"], row["contract_type"])
    return render(
        request,
        "techtransfer/statistics.html",
        {
            "stats": stats,
            "flows_option": charts.flows_option(stats["flows"]),
            "monthly_option": charts.monthly_option(stats["monthly"]),
            "field_option": charts.bars_option(stats["by_field"], "field", dict(TechField.choices)),
        },
    )


# ------------------------------------------------------------------ calls


@login_required
@found_or_404
def call_list(request):
    return render(
        request,
        "techtransfer/call_list.html",
        {
            "page": _page(request, selectors.call_list(actor=request.user)),
            "is_enterprise": permissions.is_enterprise_member(request.user),
        },
    )


@login_required
@found_or_404
def call_new(request):
    enterprise_ids = sorted(permissions.enterprise_ids(request.user), key=str)
    if not enterprise_ids:
        raise PermissionDenied
    form = CallForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            call = services.call_create(
                actor=request.user, enterprise_id=enterprise_ids[0], **form.cleaned_data
            )
        except ValidationFailed as invalid:
            form.add_service_errors(invalid)
        else:
            return redirect(call)
    return render(request, "techtransfer/form.html", {"form": form, "title": _("New company call")})


@login_required
@found_or_404
def call_detail(request, call_id):
    call = selectors.call_get(actor=request.user, call_id=call_id)
    proposals = list(selectors.proposal_list(actor=request.user, call=call))
    for proposal in proposals:
        proposal.actions = PROPOSAL.actions_for(proposal, request.user)
    institutions = list(selectors.institutions_of(actor=request.user))
    form = ProposalForm(request.POST or None)
    if request.method == "POST" and institutions and form.is_valid():
        try:
            services.proposal_submit(
                actor=request.user, call=call, institution=institutions[0], **form.cleaned_data
            )
        except ValidationFailed as invalid:
            form.add_service_errors(invalid)
        except ServiceError as error:
            _refused(request, error)
        else:
            return redirect(call)
    return render(
        request,
        "techtransfer/call_detail.html",
        {
            "call": call,
            "proposals": proposals,
            "actions": CALL.actions_for(call, request.user),
            "form": form if institutions and call.status == "open" else None,
        },
    )


@login_required
@found_or_404
@require_POST
def call_action(request, call_id):
    call = selectors.call_get(actor=request.user, call_id=call_id)
    if not permissions.is_call_owner(request.user, call):
        raise PermissionDenied
    form = ActionForm(request.POST)
    if form.is_valid():
        try:
            services.call_act(actor=request.user, call=call, action=form.cleaned_data["action"])
        except ServiceError as error:
            _refused(request, error)
    return redirect(call)


@login_required
@found_or_404
@require_POST
def proposal_action(request, proposal_id):
    proposal = selectors.proposal_get(actor=request.user, proposal_id=proposal_id)
    if not permissions.is_call_owner(request.user, proposal.call):
        raise PermissionDenied
    form = ActionForm(request.POST)
    if form.is_valid():
        try:
            services.proposal_act(
                actor=request.user, proposal=proposal, action=form.cleaned_data["action"]
            )
        except ServiceError as error:
            _refused(request, error)
    return redirect(proposal.call)
