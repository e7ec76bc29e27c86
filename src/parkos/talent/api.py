"""The talent app's JSON door: positions, fairs and booths, slots, candidates and their PIPL
rights, applications through the pipeline, recommendations, surveys, talent one thing and the
ledger. Public reads (open positions, fairs, the university map, one ledger record's check) need
no sign-in; everything else does."""

from uuid import UUID

from django.http import Http404
from django.utils.translation import gettext as _
from ninja import File, Router, Status, UploadedFile
from ninja.pagination import paginate

from parkos.accounts.services import token_authenticate
from parkos.core.errors import ValidationFailed
from parkos.core.pagination import Paging
from parkos.parks.selectors import enterprise_get, park_get
from parkos.talent import identity, permissions, selectors, services
from parkos.talent.recommend import REASONS, candidates_for_position, positions_for_candidate
from parkos.talent.resumes import RESUME_MAX_BYTES
from parkos.talent.schemas import (
    ActionIn,
    ApplicationDetailOut,
    ApplicationOut,
    ApplyIn,
    BoothIn,
    BoothOut,
    CandidateOut,
    ConsentIn,
    ConsentOut,
    DemandIn,
    DemandSummaryOut,
    FairIn,
    FairOut,
    InterviewIn,
    InterviewOut,
    LedgerCheckOut,
    LedgerMonthOut,
    LedgerOut,
    LiveBoardOut,
    MatchOut,
    OneThingIn,
    OneThingOut,
    PositionDetailOut,
    PositionIn,
    PositionOut,
    PositionPatch,
    ProfileIn,
    ProfileOut,
    RegisterIn,
    RuleIn,
    RuleOut,
    ScorecardIn,
    SlotIn,
    SlotOut,
    StatisticsOut,
    SurveyIn,
    SurveySummaryOut,
    UniversityOut,
)
from parkos.talent.workflows import APPLICATION, BOOTH, POSITION

router = Router(tags=["talent"])


def _anyone(request):
    """Public reads: a caller with a bearer token or a session is still recognised (HR see
    their drafts), anyone else passes as anonymous."""
    header = request.headers.get("Authorization", "")
    if header.startswith("Bearer "):
        user = token_authenticate(raw=header.removeprefix("Bearer ").strip())
        if user is not None:
            request.user = user
    return request.user


PUBLIC = _anyone


def _enterprise(request, enterprise_id):
    try:
        return enterprise_get(actor=request.user, enterprise_id=enterprise_id)
    except Http404 as missing:
        raise ValidationFailed.for_field("enterprise", _("Unknown enterprise.")) from missing


def _park(request, park_id):
    try:
        return park_get(actor=request.user, park_id=park_id)
    except Http404 as missing:
        raise ValidationFailed.for_field("park", _("Unknown park.")) from missing


def _matches(matches):
    return [
        {
            "id": m.id,
            "title": m.title,
            "subtitle": m.subtitle,
            "score": m.score,
            "reasons": [REASONS.render(reason) for reason in m.reasons],
        }
        for m in matches
    ]


# Positions


@router.get("/positions", response=list[PositionOut], auth=PUBLIC)
@paginate(Paging)
def position_list(
    request,
    q: str = "",
    field: str = "",
    level: str = "",
    city: str = "",
    fair: UUID | None = None,
    enterprise: UUID | None = None,
    mine: bool = False,
):
    return selectors.position_list(
        actor=request.user,
        q=q,
        field=field,
        level=level,
        city=city,
        fair_id=fair,
        enterprise_id=enterprise,
        mine=mine,
    )


def _position_detail(request, position):
    position.actions = POSITION.action_codes(position, request.user)
    return position


@router.get("/positions/{position_id}", response=PositionDetailOut, auth=PUBLIC)
def position_detail(request, position_id: UUID):
    return _position_detail(
        request, selectors.position_get(actor=request.user, position_id=position_id)
    )


@router.post("/positions", response={201: PositionDetailOut})
def position_create(request, payload: PositionIn):
    data = payload.dict()
    enterprise = _enterprise(request, data.pop("enterprise"))
    booth_id = data.pop("booth")
    booth = selectors.booth_get(actor=request.user, booth_id=booth_id) if booth_id else None
    position = services.position_create(
        actor=request.user, enterprise=enterprise, booth=booth, **data
    )
    return Status(201, _position_detail(request, position))


@router.patch("/positions/{position_id}", response=PositionDetailOut)
def position_update(request, position_id: UUID, payload: PositionPatch):
    position = selectors.position_get(actor=request.user, position_id=position_id)
    changes = payload.dict(exclude_none=True)
    return _position_detail(
        request, services.position_update(actor=request.user, position=position, **changes)
    )


@router.post("/positions/{position_id}/actions/{action}", response=PositionDetailOut)
def position_action(request, position_id: UUID, action: str, payload: ActionIn):
    position = selectors.position_get(actor=request.user, position_id=position_id)
    if action not in POSITION.actions:
        raise ValidationFailed.for_field("action", _("Unknown action."))
    position = services.position_transition(
        actor=request.user, position=position, action=action, note=payload.note
    )
    return _position_detail(request, position)


@router.get("/positions/{position_id}/recommendations", response=list[MatchOut])
def position_recommendations(request, position_id: UUID):
    position = selectors.position_get(actor=request.user, position_id=position_id)
    permissions.require_hr(request.user, position.enterprise_id)
    return _matches(candidates_for_position(position=position))


@router.get("/positions/{position_id}/board", response=dict[str, list[ApplicationOut]])
def position_board(request, position_id: UUID):
    position = selectors.position_get(actor=request.user, position_id=position_id)
    board = selectors.pipeline_board(actor=request.user, position=position)
    return board


# Fairs and booths


def _fair(fair):
    fair.phase = fair.phase()
    return fair


@router.get("/fairs", response=list[FairOut], auth=PUBLIC)
@paginate(Paging)
def fair_list(request, phase: str = ""):
    return [_fair(f) for f in selectors.fair_list(actor=request.user, phase=phase)]


@router.get("/fairs/{fair_id}", response=FairOut, auth=PUBLIC)
def fair_detail(request, fair_id: UUID):
    return _fair(selectors.fair_get(actor=request.user, fair_id=fair_id))


@router.post("/fairs", response={201: FairOut})
def fair_create(request, payload: FairIn):
    data = payload.dict()
    park = _park(request, data.pop("park"))
    return Status(201, _fair(services.fair_create(actor=request.user, park=park, **data)))


@router.get("/fairs/{fair_id}/booths", response=list[BoothOut], auth=PUBLIC)
def booth_list(request, fair_id: UUID):
    fair = selectors.fair_get(actor=request.user, fair_id=fair_id)
    booths = list(selectors.booth_list(actor=request.user, fair=fair))
    for booth in booths:
        booth.actions = BOOTH.action_codes(booth, request.user)
    return booths


@router.post("/fairs/{fair_id}/booths", response={201: BoothOut})
def booth_request(request, fair_id: UUID, payload: BoothIn):
    fair = selectors.fair_get(actor=request.user, fair_id=fair_id)
    enterprise = _enterprise(request, payload.enterprise)
    booth = services.booth_request(
        actor=request.user, fair=fair, enterprise=enterprise, intro=payload.intro
    )
    booth.actions = BOOTH.action_codes(booth, request.user)
    return Status(201, booth)


@router.post("/booths/{booth_id}/actions/{action}", response=BoothOut)
def booth_action(request, booth_id: UUID, action: str, payload: ActionIn):
    booth = selectors.booth_get(actor=request.user, booth_id=booth_id)
    if action not in BOOTH.actions:
        raise ValidationFailed.for_field("action", _("Unknown action."))
    booth = services.booth_transition(actor=request.user, booth=booth, action=action)
    booth.actions = BOOTH.action_codes(booth, request.user)
    return booth


@router.get("/fairs/{fair_id}/live", response=LiveBoardOut, auth=PUBLIC)
def fair_live(request, fair_id: UUID):
    fair = selectors.fair_get(actor=request.user, fair_id=fair_id)
    board = selectors.fair_live_board(actor=request.user, fair=fair)
    return {
        **board["totals"],
        "per_enterprise": [
            {
                "name": r["enterprise__name"],
                **{k: r[k] for k in ("applications", "interviews", "intents")},
            }
            for r in board["per_enterprise"]
        ],
        "per_field": [
            {"name": r["position__field"], "applications": r["applications"]}
            for r in board["per_field"]
        ],
        "per_branch": [
            {"name": r["position__park__name"], "applications": r["applications"]}
            for r in board["per_branch"]
        ],
        "at": board["at"],
    }


@router.post("/fairs/{fair_id}/survey", response={201: dict})
def fair_survey_answer(request, fair_id: UUID, payload: SurveyIn):
    fair = selectors.fair_get(actor=request.user, fair_id=fair_id)
    enterprise = _enterprise(request, payload.enterprise) if payload.enterprise else None
    answer = services.fair_survey_answer(
        actor=request.user,
        fair=fair,
        satisfaction=payload.satisfaction,
        expected_hires=payload.expected_hires,
        comment=payload.comment,
        enterprise=enterprise,
    )
    return Status(201, {"id": str(answer.id)})


@router.get("/fairs/{fair_id}/survey", response=SurveySummaryOut)
def fair_survey_summary(request, fair_id: UUID):
    fair = selectors.fair_get(actor=request.user, fair_id=fair_id)
    permissions.require_operator_of(request.user, fair.park)
    return selectors.fair_survey_summary(actor=request.user, fair=fair)


# Interview slots


@router.get("/slots", response=list[SlotOut])
@paginate(Paging)
def slot_list(request, enterprise: UUID | None = None):
    return selectors.slot_list(actor=request.user, enterprise_id=enterprise)


@router.post("/slots", response={201: SlotOut})
def slot_create(request, payload: SlotIn):
    data = payload.dict()
    enterprise = _enterprise(request, data.pop("enterprise"))
    booth_id = data.pop("booth")
    booth = selectors.booth_get(actor=request.user, booth_id=booth_id) if booth_id else None
    return Status(
        201, services.slot_create(actor=request.user, enterprise=enterprise, booth=booth, **data)
    )


# Candidates


@router.post("/candidates/register", response={201: ProfileOut}, auth=None)
def candidate_register(request, payload: RegisterIn):
    return Status(201, _profile(services.candidate_register(**payload.dict())))


def _profile(candidate):
    number = (
        identity.id_mask(identity.id_decrypt(candidate.id_number_encrypted))
        if candidate.id_number_encrypted
        else ""
    )
    candidate.id_number = number
    return candidate


def _me(request):
    from parkos.talent.services.candidates import require_candidate

    return require_candidate(request.user)


@router.get("/me", response=ProfileOut)
def profile_detail(request):
    return _profile(_me(request))


@router.patch("/me", response=ProfileOut)
def profile_update(request, payload: ProfileIn):
    candidate = services.candidate_update(
        actor=request.user, candidate=_me(request), **payload.dict(exclude_none=True)
    )
    return _profile(candidate)


@router.post("/me/resume", response=ProfileOut)
def resume_upload(request, resume: File[UploadedFile]):
    # Never more than the limit in memory: the service refuses by the size the client sent.
    data = resume.read(RESUME_MAX_BYTES + 1)
    candidate = services.candidate_resume_upload(
        actor=request.user,
        candidate=_me(request),
        name=resume.name or "",
        data=data,
        size=resume.size,
    )
    return _profile(candidate)


@router.get("/me/export", response=dict)
def profile_export(request):
    return services.candidate_export(actor=request.user, candidate=_me(request))


@router.delete("/me", response={204: None})
def profile_delete(request):
    services.candidate_delete(actor=request.user, candidate=_me(request))
    return Status(204, None)


@router.get("/me/recommendations", response=list[MatchOut])
def profile_recommendations(request):
    return _matches(positions_for_candidate(candidate=_me(request)))


@router.get("/me/consents", response=list[ConsentOut])
def consent_list(request):
    return list(selectors.consent_list(actor=request.user).filter(candidate=_me(request)))


@router.post("/me/consents", response={201: ConsentOut})
def consent_grant(request, payload: ConsentIn):
    enterprise = _enterprise(request, payload.enterprise)
    consent = services.consent_grant(
        actor=request.user, candidate=_me(request), enterprise=enterprise
    )
    return Status(201, consent)


@router.post("/consents/{consent_id}/withdraw", response=ConsentOut)
def consent_withdraw(request, consent_id: UUID):
    consent = selectors.consent_get(actor=request.user, consent_id=consent_id)
    return services.consent_withdraw(actor=request.user, consent=consent)


@router.get("/candidates/{candidate_id}", response=CandidateOut)
def candidate_detail(request, candidate_id: UUID):
    return selectors.candidate_get(actor=request.user, candidate_id=candidate_id)


# Applications


@router.post("/applications", response={201: list[ApplicationOut]})
def application_apply(request, payload: ApplyIn):
    made = services.application_apply(
        actor=request.user,
        position_ids=payload.position_ids,
        consent=payload.consent,
        cover_note=payload.cover_note,
    )
    return Status(201, made)


@router.get("/applications", response=list[ApplicationOut])
@paginate(Paging)
def application_list(
    request,
    position: UUID | None = None,
    status: str = "",
    fair: UUID | None = None,
    mine: bool = False,
):
    return selectors.application_list(
        actor=request.user, position_id=position, status=status, fair_id=fair, mine=mine
    )


def _application_detail(request, application):
    application.actions = APPLICATION.action_codes(application, request.user)
    application.interviews_list = selectors.application_interviews(
        actor=request.user, application=application
    )
    application.events_list = selectors.application_events(
        actor=request.user, application=application
    )
    return application


@router.get("/applications/{application_id}", response=ApplicationDetailOut)
def application_detail(request, application_id: UUID):
    application = selectors.application_get(actor=request.user, application_id=application_id)
    return _application_detail(request, application)


@router.post("/applications/{application_id}/actions/{action}", response=ApplicationDetailOut)
def application_action(request, application_id: UUID, action: str, payload: ActionIn):
    application = selectors.application_get(actor=request.user, application_id=application_id)
    if action not in APPLICATION.actions:
        raise ValidationFailed.for_field("action", _("Unknown action."))
    application = services.application_move(
        actor=request.user,
        application=application,
        action=action,
        reason_code=payload.reason_code,
        note=payload.note,
    )
    return _application_detail(
        request, selectors.application_get(actor=request.user, application_id=application.id)
    )


@router.post("/applications/{application_id}/interviews", response={201: InterviewOut})
def interview_schedule(request, application_id: UUID, payload: InterviewIn):
    application = selectors.application_get(actor=request.user, application_id=application_id)
    slot = selectors.slot_get(actor=request.user, slot_id=payload.slot) if payload.slot else None
    interview = services.interview_schedule(
        actor=request.user,
        application=application,
        slot=slot,
        starts_at=payload.starts_at,
        ends_at=payload.ends_at,
        video_link=payload.video_link,
    )
    return Status(201, interview)


@router.post("/interviews/{interview_id}/scorecard", response=InterviewOut)
def interview_score(request, interview_id: UUID, payload: ScorecardIn):
    interview = selectors.interview_get(actor=request.user, interview_id=interview_id)
    return services.interview_score(
        actor=request.user,
        interview=interview,
        scores=payload.scores,
        recommendation=payload.recommendation,
        feedback=payload.feedback,
    )


# Surveys, map, statistics


@router.post("/demand", response={201: dict})
def demand_submit(request, payload: DemandIn):
    enterprise = _enterprise(request, payload.enterprise)
    rows = services.demand_submit(
        actor=request.user,
        enterprise=enterprise,
        year=payload.year,
        rows=[row.dict() for row in payload.rows],
    )
    return Status(201, {"rows": len(rows)})


@router.get("/demand/summary", response=list[DemandSummaryOut])
def demand_summary(request, year: int | None = None):
    return selectors.demand_summary(actor=request.user, year=year)


@router.get("/universities", response=list[UniversityOut], auth=PUBLIC)
def university_map(request):
    return selectors.university_map(actor=request.user)


@router.get("/statistics", response=StatisticsOut, auth=PUBLIC)
def statistics(request):
    return selectors.statistics(actor=request.user)


# Talent one thing


def _onething(application, actor):
    subcases = selectors.subcase_list(actor=actor, application=application)
    for subcase in subcases:
        subcase.subsidy = getattr(subcase, "housing", None) if subcase.kind == "housing" else None
    application.subcases_list = subcases
    return application


@router.post("/onething", response={201: OneThingOut})
def onething_apply(request, payload: OneThingIn):
    data = payload.dict()
    park = _park(request, data.pop("park"))
    enterprise_id = data.pop("enterprise")
    enterprise = _enterprise(request, enterprise_id) if enterprise_id else None
    application = services.onething_apply(
        actor=request.user, park=park, enterprise=enterprise, **data
    )
    return Status(201, _onething(application, request.user))


@router.get("/onething", response=list[OneThingOut])
def onething_list(request):
    return [_onething(a, request.user) for a in selectors.onething_list(actor=request.user)[:100]]


@router.get("/onething/{application_id}", response=OneThingOut)
def onething_detail(request, application_id: UUID):
    application = selectors.onething_get(actor=request.user, application_id=application_id)
    return _onething(application, request.user)


@router.get("/rules", response=list[RuleOut], auth=PUBLIC)
def rule_list(request):
    return list(selectors.rule_list(actor=request.user))


@router.post("/rules", response={201: RuleOut})
def rule_publish(request, payload: RuleIn):
    return Status(201, services.rule_publish(actor=request.user, **payload.dict()))


@router.post("/subsidies/{subsidy_id}/pay", response=dict)
def subsidy_pay(request, subsidy_id: UUID):
    subsidy = selectors.subsidy_get(actor=request.user, subsidy_id=subsidy_id)
    subsidy = services.subsidy_pay(actor=request.user, subsidy=subsidy)
    return {"id": str(subsidy.id), "status": subsidy.status}


@router.get("/ledger", response=list[LedgerOut])
@paginate(Paging)
def ledger_list(request):
    return selectors.ledger_list(actor=request.user)


@router.get("/ledger/check", response=LedgerCheckOut, auth=PUBLIC)
def ledger_check(request, seq: int, hash: str):
    from parkos.talent.ledger import ledger_verify_one

    if not 0 < seq < 2**62:
        raise ValidationFailed.for_field("seq", _("Enter the record's number."))
    return {"seq": seq, "valid": ledger_verify_one(seq=seq, digest=hash[:64])}


@router.get("/ledger/month", response=LedgerMonthOut)
def ledger_month(request, year: int, month: int):
    if not (2000 <= year <= 2100 and 1 <= month <= 12):
        raise ValidationFailed.for_field("month", _("Enter a month such as 2026-03."))
    report = selectors.ledger_month(actor=request.user, year=year, month=month)
    figures = report["figures"]
    return {
        "year": year,
        "month": month,
        "grants": figures["decision"]["n"],
        "granted": figures["decision"]["total"] or 0,
        "payments": figures["payment"]["n"],
        "paid": figures["payment"]["total"] or 0,
        "head_seq": report["head_seq"],
        "head": report["head"],
        "closed": report["closed"],
    }
