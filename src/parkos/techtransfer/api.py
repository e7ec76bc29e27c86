"""Technology transfer's JSON door: HTTP in, services and selectors, HTTP out."""

from uuid import UUID

from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.utils.translation import gettext as _
from ninja import File, Router, Status, UploadedFile
from ninja.pagination import paginate

from parkos.core.api_errors import existing
from parkos.core.errors import ValidationFailed
from parkos.core.pagination import Paging
from parkos.techtransfer import exports, permissions, selectors, services
from parkos.techtransfer.schemas import (
    TechAchievementDetailOut,
    TechAchievementIn,
    TechAchievementOut,
    TechAchievementPatch,
    TechActionIn,
    TechAttachmentOut,
    TechCallDetailOut,
    TechCallIn,
    TechCallOut,
    TechContractIn,
    TechContractOut,
    TechDealDetailOut,
    TechDealOut,
    TechDemandIn,
    TechDemandOut,
    TechInstitutionOut,
    TechMatchDetailOut,
    TechMatchOut,
    TechProposalDetailOut,
    TechProposalIn,
    TechProposalOut,
    TechStatisticsOut,
    TechVocabularyOut,
)
from parkos.techtransfer.taxonomy import (
    TRL_WORDING,
    ContractType,
    DeclineReason,
    DropReason,
    IpType,
    Mode,
    PatentType,
    TechField,
)
from parkos.techtransfer.workflows import ACHIEVEMENT, CALL, DEAL, MATCH, PROPOSAL

router = Router(tags=["technology transfer"])


def _words(choices) -> dict:
    return {code: str(label) for code, label in choices}


def _one_of(ids: set, given, field: str):
    """The caller's own organisation when they have one; a choice when several."""
    if not ids:
        raise PermissionDenied
    if given is not None:
        return given
    if len(ids) == 1:
        return next(iter(ids))
    raise ValidationFailed.for_field(field, _("Say which one you act for."))


@router.get("/vocabulary", response=TechVocabularyOut)
def vocabulary(request):
    return {
        "fields": _words(TechField.choices),
        "trl": {level: str(words) for level, words in TRL_WORDING.items()},
        "modes": _words(Mode.choices),
        "patent_types": _words(PatentType.choices),
        "contract_types": _words(ContractType.choices),
        "ip_types": _words(IpType.choices),
        "decline_reasons": _words(DeclineReason.choices),
        "drop_reasons": _words(DropReason.choices),
    }


@router.get("/institutions", response=list[TechInstitutionOut])
@paginate(Paging)
def institution_list(request):
    return selectors.institution_list(actor=request.user)


# ------------------------------------------------------------------ achievements


def _achievement_out(achievement, actor):
    achievement.actions = ACHIEVEMENT.action_codes(achievement, actor)
    return achievement


@router.get("/achievements", response=list[TechAchievementOut])
@paginate(Paging)
def achievement_list(
    request,
    field: str | None = None,
    status: str | None = None,
    q: str | None = None,
    mine: bool = False,
):
    return selectors.achievement_list(
        actor=request.user, field=field, status=status, q=q, mine=mine
    )


@router.get("/achievements/{achievement_id}", response=TechAchievementDetailOut)
def achievement_detail(request, achievement_id: UUID):
    achievement = selectors.achievement_get(actor=request.user, achievement_id=achievement_id)
    return _achievement_out(achievement, request.user)


@router.post("/achievements", response={201: TechAchievementDetailOut})
def achievement_create(request, payload: TechAchievementIn):
    if not (
        permissions.is_institution_member(request.user) or permissions.is_operator(request.user)
    ):
        raise PermissionDenied
    data = payload.dict()
    institution = existing(
        selectors.institution_get,
        "institution",
        actor=request.user,
        institution_id=data.pop("institution"),
    )
    achievement = services.achievement_create(actor=request.user, institution=institution, **data)
    return Status(201, _achievement_out(achievement, request.user))


@router.patch("/achievements/{achievement_id}", response=TechAchievementDetailOut)
def achievement_update(request, achievement_id: UUID, payload: TechAchievementPatch):
    achievement = selectors.achievement_get(actor=request.user, achievement_id=achievement_id)
    achievement = services.achievement_update(
        actor=request.user, achievement=achievement, **payload.dict(exclude_unset=True)
    )
    return _achievement_out(achievement, request.user)


@router.post("/achievements/{achievement_id}/actions", response=TechAchievementDetailOut)
def achievement_act(request, achievement_id: UUID, payload: TechActionIn):
    achievement = selectors.achievement_get(actor=request.user, achievement_id=achievement_id)
    achievement = services.achievement_act(
        actor=request.user, achievement=achievement, action=payload.action, note=payload.note
    )
    return _achievement_out(achievement, request.user)


@router.get("/achievements/{achievement_id}/matches", response=list[TechMatchOut])
def achievement_matches(request, achievement_id: UUID, limit: int = 10):
    """The open demands that fit this achievement, best first (confidential demands only for
    staff)."""
    achievement = selectors.achievement_get(actor=request.user, achievement_id=achievement_id)
    if not (
        permissions.is_staff(request.user)
        or permissions.may_edit_achievement(request.user, achievement)
    ):
        raise PermissionDenied
    services.achievement_match(actor=request.user, achievement=achievement, limit=min(limit, 50))
    return list(selectors.match_list(actor=request.user, achievement=achievement)[: min(limit, 50)])


# ------------------------------------------------------------------ demands


@router.get("/demands", response=list[TechDemandOut])
@paginate(Paging)
def demand_list(request, field: str | None = None, mine: bool = False):
    return selectors.demand_list(actor=request.user, field=field, mine=mine)


@router.get("/demands/{demand_id}", response=TechDemandOut)
def demand_detail(request, demand_id: UUID):
    return selectors.demand_get(actor=request.user, demand_id=demand_id)


@router.post("/demands", response={201: TechDemandOut})
def demand_create(request, payload: TechDemandIn):
    data = payload.dict()
    enterprise_id = _one_of(
        permissions.enterprise_ids(request.user), data.pop("enterprise"), "enterprise"
    )
    demand = services.demand_create(actor=request.user, enterprise_id=enterprise_id, **data)
    return Status(201, selectors.demand_get(actor=request.user, demand_id=demand.pk))


@router.post("/demands/{demand_id}/close", response=TechDemandOut)
def demand_close(request, demand_id: UUID):
    demand = selectors.demand_get(actor=request.user, demand_id=demand_id)
    return services.demand_close(actor=request.user, demand=demand)


@router.get("/demands/{demand_id}/matches", response=list[TechMatchOut])
def demand_matches(request, demand_id: UUID, limit: int = 10):
    """The published achievements that fit the demand, best first, each with its reasons."""
    demand = selectors.demand_get(actor=request.user, demand_id=demand_id)
    services.demand_match(actor=request.user, demand=demand, limit=min(limit, 50))
    return list(selectors.match_list(actor=request.user, demand=demand)[: min(limit, 50)])


# ------------------------------------------------------------------ matches


def _match_out(match, actor):
    match.actions = MATCH.action_codes(match, actor)
    return match


@router.get("/matches/{match_id}", response=TechMatchDetailOut)
def match_detail(request, match_id: UUID):
    return _match_out(selectors.match_get(actor=request.user, match_id=match_id), request.user)


@router.post("/matches/{match_id}/decline", response=TechMatchDetailOut)
def match_decline(request, match_id: UUID, payload: TechActionIn):
    match = selectors.match_get(actor=request.user, match_id=match_id)
    services.match_decline(
        actor=request.user, match=match, reason=payload.reason, note=payload.note
    )
    return _match_out(selectors.match_get(actor=request.user, match_id=match_id), request.user)


@router.post("/matches/{match_id}/deal", response={201: TechDealDetailOut})
def match_take_up(request, match_id: UUID):
    match = selectors.match_get(actor=request.user, match_id=match_id)
    deal = services.deal_open(actor=request.user, match=match)
    return Status(
        201, _deal_out(selectors.deal_get(actor=request.user, deal_id=deal.pk), request.user)
    )


# ------------------------------------------------------------------ deals


def _deal_out(deal, actor):
    deal.actions = DEAL.action_codes(deal, actor)
    return deal


@router.get("/deals", response=list[TechDealOut])
@paginate(Paging)
def deal_list(request, stage: str | None = None, mine: bool = False):
    return selectors.deal_list(actor=request.user, stage=stage, mine=mine)


@router.get("/deals/{deal_id}", response=TechDealDetailOut)
def deal_detail(request, deal_id: UUID):
    return _deal_out(selectors.deal_get(actor=request.user, deal_id=deal_id), request.user)


@router.post("/deals/{deal_id}/actions", response=TechDealDetailOut)
def deal_act(request, deal_id: UUID, payload: TechActionIn):
    deal = selectors.deal_get(actor=request.user, deal_id=deal_id)
    services.deal_move(
        actor=request.user,
        deal=deal,
        action=payload.action,
        reason=payload.reason,
        note=payload.note,
    )
    return _deal_out(selectors.deal_get(actor=request.user, deal_id=deal_id), request.user)


# ------------------------------------------------------------------ contracts


@router.get("/contracts", response=list[TechContractOut])
@paginate(Paging)
def contract_list(request):
    return selectors.contract_list(actor=request.user)


@router.get("/contracts.xlsx", response={200: None})
def contract_export(request):
    permissions.require_staff(request.user)
    content = exports.contracts_xlsx(selectors.contract_list(actor=request.user))
    response = HttpResponse(
        content, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response["Content-Disposition"] = 'attachment; filename="technology-contracts.xlsx"'
    return response


@router.get("/contracts/{contract_id}", response=TechContractOut)
def contract_detail(request, contract_id: UUID):
    return selectors.contract_get(actor=request.user, contract_id=contract_id)


@router.post("/contracts", response={201: TechContractOut})
def contract_register(request, payload: TechContractIn):
    data = payload.dict()
    deal_id, seller_id, buyer_id = data.pop("deal"), data.pop("seller"), data.pop("buyer")
    deal = (
        existing(selectors.deal_get, "deal", actor=request.user, deal_id=deal_id)
        if deal_id
        else None
    )
    seller = (
        existing(selectors.institution_get, "seller", actor=request.user, institution_id=seller_id)
        if seller_id
        else None
    )
    contract = services.contract_register(
        actor=request.user,
        deal=deal,
        seller=seller,
        buyer_id=buyer_id,
        branch_id=data.pop("branch"),
        **data,
    )
    return Status(201, selectors.contract_get(actor=request.user, contract_id=contract.pk))


@router.post("/contracts/{contract_id}/attachments", response={201: TechAttachmentOut})
def contract_attach(request, contract_id: UUID, file: File[UploadedFile] = None):
    contract = selectors.contract_get(actor=request.user, contract_id=contract_id)
    return Status(201, services.contract_attach(actor=request.user, contract=contract, upload=file))


@router.get("/statistics", response=TechStatisticsOut)
def statistics(request):
    return selectors.contract_statistics(actor=request.user)


# ------------------------------------------------------------------ calls


def _call_out(call, actor):
    call.actions = CALL.action_codes(call, actor)
    return call


@router.get("/calls", response=list[TechCallOut])
@paginate(Paging)
def call_list(request):
    return selectors.call_list(actor=request.user)


@router.get("/calls/{call_id}", response=TechCallDetailOut)
def call_detail(request, call_id: UUID):
    return _call_out(selectors.call_get(actor=request.user, call_id=call_id), request.user)


@router.post("/calls", response={201: TechCallDetailOut})
def call_create(request, payload: TechCallIn):
    data = payload.dict()
    enterprise_id = _one_of(
        permissions.enterprise_ids(request.user), data.pop("enterprise"), "enterprise"
    )
    call = services.call_create(actor=request.user, enterprise_id=enterprise_id, **data)
    return Status(201, _call_out(call, request.user))


@router.post("/calls/{call_id}/actions", response=TechCallDetailOut)
def call_act(request, call_id: UUID, payload: TechActionIn):
    call = selectors.call_get(actor=request.user, call_id=call_id)
    return _call_out(
        services.call_act(actor=request.user, call=call, action=payload.action), request.user
    )


@router.get("/calls/{call_id}/proposals", response=list[TechProposalOut])
@paginate(Paging)
def proposal_list(request, call_id: UUID):
    call = selectors.call_get(actor=request.user, call_id=call_id)
    return selectors.proposal_list(actor=request.user, call=call)


@router.post("/calls/{call_id}/proposals", response={201: TechProposalDetailOut})
def proposal_submit(request, call_id: UUID, payload: TechProposalIn):
    call = selectors.call_get(actor=request.user, call_id=call_id)
    institution_id = _one_of(
        permissions.institution_ids(request.user),
        str(payload.institution) if payload.institution else None,
        "institution",
    )
    institution = existing(
        selectors.institution_get, "institution", actor=request.user, institution_id=institution_id
    )
    proposal = services.proposal_submit(
        actor=request.user,
        call=call,
        institution=institution,
        summary=payload.summary,
        price=payload.price,
    )
    proposal.actions = PROPOSAL.action_codes(proposal, request.user)
    return Status(201, proposal)


@router.post("/proposals/{proposal_id}/actions", response=TechProposalDetailOut)
def proposal_act(request, proposal_id: UUID, payload: TechActionIn):
    proposal = selectors.proposal_get(actor=request.user, proposal_id=proposal_id)
    proposal = services.proposal_act(actor=request.user, proposal=proposal, action=payload.action)
    proposal.actions = PROPOSAL.action_codes(proposal, request.user)
    return proposal
