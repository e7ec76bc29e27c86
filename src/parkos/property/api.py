"""Property management's JSON door (the tenants' app uses it): HTTP in, services and
selectors, HTTP out."""

from uuid import UUID

from django.utils.translation import gettext as _
from ninja import File, Query, Router, Schema, Status, UploadedFile
from ninja.pagination import paginate

from parkos.core.api_errors import DbInt, existing
from parkos.core.errors import Forbidden, ValidationFailed
from parkos.core.pagination import Paging
from parkos.property import permissions, selectors, services
from parkos.property.models import TicketStatus
from parkos.property.schemas import (
    AnswerIn,
    ConfirmIn,
    DispatchIn,
    InspectionScheduleIn,
    InspectionScheduleOut,
    InspectionSchedulePatch,
    InspectionTemplateIn,
    InspectionTemplateOut,
    InspectionTemplatePatch,
    MonthIn,
    PhotoOut,
    PropertyEventOut,
    PropertyNoteIn,
    PropertyReasonIn,
    PropertySurveyIn,
    RoundIn,
    RoundOut,
    ScoreOut,
    SpotCheckIn,
    SpotCheckOut,
    SurveyOut,
    TicketDetailOut,
    TicketIn,
    TicketOut,
    WeightsIn,
)

router = Router(tags=["property"])


def _park(request, park_id):
    from parkos.parks.selectors import park_get

    return existing(park_get, "park", actor=request.user, park_id=park_id)


class TicketFilters(Schema):
    status: str = ""
    awaiting_dispatcher: bool | None = None
    mine: bool = False


@router.get("/tickets", response=list[TicketOut])
@paginate(Paging)
def ticket_list(request, filters: Query[TicketFilters]):
    if filters.status and filters.status not in TicketStatus.values:
        raise ValidationFailed.for_field("status", _("Unknown status."))
    return selectors.ticket_list(
        actor=request.user,
        status=filters.status,
        awaiting=filters.awaiting_dispatcher,
        assigned_to_me=filters.mine,
    )


@router.post("/tickets", response={201: TicketDetailOut})
def ticket_create(request, payload: TicketIn):
    from parkos.parks import selectors as parks

    data = payload.dict()
    unit_id, building_id, enterprise_id = (
        data.pop("unit"),
        data.pop("building"),
        data.pop("enterprise"),
    )
    user = request.user
    unit = existing(parks.unit_get, "unit", actor=user, unit_id=unit_id) if unit_id else None
    building = (
        existing(parks.building_get, "building", actor=user, building_id=building_id)
        if building_id
        else None
    )
    enterprise = (
        existing(parks.enterprise_get, "enterprise", actor=user, enterprise_id=enterprise_id)
        if enterprise_id
        else None
    )
    ticket = services.ticket_create(
        actor=request.user, unit=unit, building=building, enterprise=enterprise, **data
    )
    return Status(201, ticket)


@router.get("/tickets/{ticket_id}", response=TicketDetailOut)
def ticket_detail(request, ticket_id: UUID):
    return selectors.ticket_get(actor=request.user, ticket_id=ticket_id)


@router.get("/tickets/{ticket_id}/events", response=list[PropertyEventOut])
def ticket_events(request, ticket_id: UUID):
    ticket = selectors.ticket_get(actor=request.user, ticket_id=ticket_id)
    return list(selectors.ticket_events(actor=request.user, ticket=ticket))


@router.post("/tickets/{ticket_id}/photos", response={201: list[PhotoOut]})
def ticket_photos(request, ticket_id: UUID, photos: File[list[UploadedFile]]):
    ticket = selectors.ticket_get(actor=request.user, ticket_id=ticket_id)
    return Status(201, services.ticket_add_photos(actor=request.user, ticket=ticket, photos=photos))


@router.post("/tickets/{ticket_id}/dispatch", response=TicketDetailOut)
def ticket_dispatch(request, ticket_id: UUID, payload: DispatchIn):
    ticket = selectors.ticket_get(actor=request.user, ticket_id=ticket_id)
    technician = None
    if payload.technician:
        technician = (
            selectors.technician_list(actor=request.user, company_id=ticket.company_id)
            .filter(pk=payload.technician)
            .first()
        )
        if technician is None and permissions.can_desk(request.user, ticket.company_id):
            raise ValidationFailed.for_field("technician", _("Unknown technician."))
    return services.ticket_dispatch(
        actor=request.user, ticket=ticket, category=payload.category, technician=technician
    )


@router.post("/tickets/{ticket_id}/accept", response=TicketDetailOut)
def ticket_accept(request, ticket_id: UUID):
    ticket = selectors.ticket_get(actor=request.user, ticket_id=ticket_id)
    return services.ticket_accept(actor=request.user, ticket=ticket)


@router.post("/tickets/{ticket_id}/arrive", response=TicketDetailOut)
def ticket_arrive(request, ticket_id: UUID):
    ticket = selectors.ticket_get(actor=request.user, ticket_id=ticket_id)
    return services.ticket_arrive(actor=request.user, ticket=ticket)


@router.post("/tickets/{ticket_id}/resolve", response=TicketDetailOut)
def ticket_resolve(request, ticket_id: UUID, payload: PropertyNoteIn):
    ticket = selectors.ticket_get(actor=request.user, ticket_id=ticket_id)
    return services.ticket_resolve(actor=request.user, ticket=ticket, note=payload.note)


@router.post("/tickets/{ticket_id}/confirm", response=TicketDetailOut)
def ticket_confirm(request, ticket_id: UUID, payload: ConfirmIn):
    ticket = selectors.ticket_get(actor=request.user, ticket_id=ticket_id)
    return services.ticket_confirm(
        actor=request.user, ticket=ticket, rating=payload.rating, comment=payload.comment
    )


@router.post("/tickets/{ticket_id}/reopen", response=TicketDetailOut)
def ticket_reopen(request, ticket_id: UUID, payload: PropertyReasonIn):
    ticket = selectors.ticket_get(actor=request.user, ticket_id=ticket_id)
    return services.ticket_reopen(actor=request.user, ticket=ticket, reason=payload.reason)


@router.post("/tickets/{ticket_id}/cancel", response=TicketDetailOut)
def ticket_cancel(request, ticket_id: UUID, payload: PropertyReasonIn):
    ticket = selectors.ticket_get(actor=request.user, ticket_id=ticket_id)
    return services.ticket_cancel(actor=request.user, ticket=ticket, reason=payload.reason)


@router.get("/dispatch/queue", response=list[TicketOut])
@paginate(Paging)
def dispatch_queue(request):
    return selectors.ticket_list(actor=request.user, awaiting=True).filter(
        company_id__in=selectors.desk_companies(actor=request.user).values("id")
    )


class RoundFilters(Schema):
    schedule: DbInt | None = None
    status: str = ""


@router.get("/inspections/rounds", response=list[RoundOut])
@paginate(Paging)
def round_list(request, filters: Query[RoundFilters]):
    return selectors.round_list(
        actor=request.user, schedule_id=filters.schedule, status=filters.status
    )


@router.post("/inspections/rounds/{round_id}", response=RoundOut)
def round_submit(request, round_id: UUID, payload: RoundIn):
    selectors.round_get(actor=request.user, round_id=round_id)
    return services.round_submit(actor=request.user, round_id=round_id, answers=payload.answers)


def _require_planner(request) -> None:
    if not selectors.planning_companies(actor=request.user).exists():
        raise Forbidden(_("You are not allowed to do this."))


class PlanFilters(Schema):
    company: UUID | None = None


@router.get("/inspections/templates", response=list[InspectionTemplateOut])
@paginate(Paging)
def inspection_template_list(request, filters: Query[PlanFilters]):
    return selectors.inspection_template_list(actor=request.user, company_id=filters.company)


@router.post("/inspections/templates", response={201: InspectionTemplateOut})
def inspection_template_create(request, payload: InspectionTemplateIn):
    _require_planner(request)
    company = existing(
        selectors.company_get, "company", actor=request.user, company_id=payload.company
    )
    template = services.inspection_template_create(
        actor=request.user,
        company=company,
        name=payload.name,
        items=[item.dict() for item in payload.items],
    )
    return Status(201, template)


@router.get("/inspections/templates/{template_id}", response=InspectionTemplateOut)
def inspection_template_detail(request, template_id: UUID):
    return selectors.inspection_template_get(actor=request.user, template_id=template_id)


@router.patch("/inspections/templates/{template_id}", response=InspectionTemplateOut)
def inspection_template_update(request, template_id: UUID, payload: InspectionTemplatePatch):
    template = selectors.inspection_template_get(actor=request.user, template_id=template_id)
    changes = payload.dict(exclude_unset=True)
    if changes.get("items") is not None:
        changes["items"] = [dict(item) for item in changes["items"]]
    return services.inspection_template_update(actor=request.user, template=template, **changes)


def _schedule_references(request, data: dict) -> dict:
    """Turn the payload's ids into objects the actor may see; unknown ids are field errors."""
    from parkos.parks import selectors as parks

    user = request.user
    if data.get("template") is not None:
        data["template"] = existing(
            selectors.inspection_template_get, "template", actor=user, template_id=data["template"]
        )
    if "technicians" in data:
        wanted = set(data["technicians"] or [])
        found = list(
            selectors.planning_technicians(actor=user, active_only=False).filter(pk__in=wanted)
        )
        if len(found) != len(wanted):
            raise ValidationFailed.for_field("technicians", _("Unknown technician."))
        data["technicians"] = found
    if data.get("building") is not None:
        data["building"] = existing(
            parks.building_get, "building", actor=user, building_id=data["building"]
        )
    if data.get("zone") is not None:
        zone = parks.zone_list(actor=user).filter(pk=data["zone"]).first()
        if zone is None:
            raise ValidationFailed.for_field("zone", _("Unknown zone."))
        data["zone"] = zone
    return data


@router.get("/inspections/schedules", response=list[InspectionScheduleOut])
@paginate(Paging)
def inspection_schedule_list(request, filters: Query[PlanFilters]):
    return selectors.inspection_schedule_list(actor=request.user, company_id=filters.company)


@router.post("/inspections/schedules", response={201: InspectionScheduleOut})
def inspection_schedule_create(request, payload: InspectionScheduleIn):
    _require_planner(request)
    data = _schedule_references(request, payload.dict())
    schedule = services.inspection_schedule_create(actor=request.user, **data)
    return Status(
        201, selectors.inspection_schedule_get(actor=request.user, schedule_id=schedule.pk)
    )


@router.get("/inspections/schedules/{schedule_id}", response=InspectionScheduleOut)
def inspection_schedule_detail(request, schedule_id: DbInt):
    return selectors.inspection_schedule_get(actor=request.user, schedule_id=schedule_id)


@router.patch("/inspections/schedules/{schedule_id}", response=InspectionScheduleOut)
def inspection_schedule_update(request, schedule_id: DbInt, payload: InspectionSchedulePatch):
    schedule = selectors.inspection_schedule_get(actor=request.user, schedule_id=schedule_id)
    changes = payload.dict(exclude_unset=True)
    for field in ("template", "frequency", "technicians", "active"):
        if field in changes and changes[field] is None:
            raise ValidationFailed.for_field(field, _("This field is required."))
    services.inspection_schedule_update(
        actor=request.user, schedule=schedule, **_schedule_references(request, changes)
    )
    return selectors.inspection_schedule_get(actor=request.user, schedule_id=schedule_id)


@router.post("/inspections/spot-checks", response={201: SpotCheckOut})
def spot_check_create(request, payload: SpotCheckIn):
    company = existing(
        selectors.company_get, "company", actor=request.user, company_id=payload.company
    )
    check = services.spot_check_record(
        actor=request.user,
        company=company,
        inspector=payload.inspector,
        checked_on=payload.checked_on,
        notes=payload.notes,
        findings=[f.dict() for f in payload.findings],
    )
    return Status(201, check)


@router.get("/surveys", response=list[SurveyOut])
@paginate(Paging)
def survey_list(request):
    return selectors.survey_list(actor=request.user)


@router.post("/surveys", response={201: SurveyOut})
def survey_send(request, payload: PropertySurveyIn):
    from parkos.parks.selectors import zone_list

    park = _park(request, payload.park)
    zones = list(zone_list(actor=request.user, park_id=park.id).filter(id__in=payload.zones))
    if len(zones) != len(set(payload.zones)):
        raise ValidationFailed.for_field("zones", _("Unknown zone."))
    survey = services.survey_send(
        actor=request.user,
        park=park,
        title=payload.title,
        questions=payload.questions,
        opens_on=payload.opens_on,
        closes_on=payload.closes_on,
        zones=zones,
    )
    return Status(201, survey)


@router.post("/surveys/{survey_id}/answers", response={201: dict})
def survey_answer(request, survey_id: UUID, payload: AnswerIn):
    from parkos.parks.selectors import enterprise_get

    survey = selectors.survey_get(actor=request.user, survey_id=survey_id)
    enterprise = existing(
        enterprise_get, "enterprise", actor=request.user, enterprise_id=payload.enterprise
    )
    response = services.survey_answer(
        actor=request.user, survey=survey, enterprise=enterprise, answers=payload.answers
    )
    return Status(201, {"average_rating": float(response.average_rating)})


@router.get("/surveys/{survey_id}/results", response=dict)
def survey_results(request, survey_id: UUID):
    survey = selectors.survey_get(actor=request.user, survey_id=survey_id)
    results = selectors.survey_results(actor=request.user, survey=survey)
    results["by_company"] = [
        {"company": r["company__name"], "answers": r["n"], "average": float(r["avg"] or 0)}
        for r in results["by_company"]
    ]
    return results


class ScoreFilters(Schema):
    park: UUID | None = None
    month: str = ""


@router.get("/scores", response=list[ScoreOut])
@paginate(Paging)
def score_list(request, filters: Query[ScoreFilters]):
    from parkos.property.months import parse_month

    month = parse_month(filters.month) if filters.month else None
    if filters.month and month is None:
        raise ValidationFailed.for_field("month", _("Give the month as YYYY-MM."))
    return selectors.score_list(actor=request.user, park_id=filters.park, month=month)


@router.post("/scores/compute", response=list[ScoreOut])
def score_compute(request, payload: MonthIn):
    park = _park(request, payload.park)
    return services.month_compute(actor=request.user, park=park, month=payload.month)


@router.post("/scores/close", response={201: dict})
def score_close(request, payload: MonthIn):
    park = _park(request, payload.park)
    closing = services.month_close(actor=request.user, park=park, month=payload.month)
    return Status(
        201, {"month": closing.month.isoformat(), "closed_at": closing.closed_at.isoformat()}
    )


@router.put("/scores/weights", response=dict)
def score_weights(request, payload: WeightsIn):
    park = _park(request, payload.park)
    data = payload.dict()
    data.pop("park")
    weights = services.score_weights_set(actor=request.user, park=park, **data)
    return {
        k: float(getattr(weights, k)) for k in ("safety", "service", "satisfaction", "inspection")
    }
