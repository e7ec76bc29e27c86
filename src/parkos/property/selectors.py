"""Reads of property management, each scoped to the acting user (see permissions.py)."""

from django.db.models import Avg, Count, Prefetch, QuerySet
from django.http import Http404
from django.urls import reverse
from django.utils import timezone

from parkos.accounts.selectors import user_enterprise_ids
from parkos.core.errors import NotFound
from parkos.core.selectors import get_or_404
from parkos.property import permissions
from parkos.property.models import (
    OPEN_STATUSES,
    Finding,
    InspectionRound,
    InspectionSchedule,
    InspectionTemplate,
    MonthClose,
    MonthlyScore,
    PropertyCompany,
    SpotCheck,
    Survey,
    SurveyResponse,
    Technician,
    TenantProfile,
    Ticket,
)


def _get_or_404(queryset: QuerySet, pk):
    """core.selectors.get_or_404, raising Django's Http404: the pages (no handler turns core's
    NotFound into a 404 page yet) and core.api_errors.existing (which names the field of an
    unknown id only on Http404) expect it."""
    try:
        return get_or_404(queryset, pk=pk)
    except NotFound as missing:
        raise Http404 from missing


def ticket_list(
    *,
    actor,
    status: str = "",
    company_id=None,
    awaiting: bool | None = None,
    assigned_to_me: bool = False,
    open_only: bool = False,
) -> QuerySet[Ticket]:
    tickets = (
        Ticket.objects.visible_to(actor)
        .select_related("company", "building", "unit__floor", "enterprise", "assignee__user")
        .order_by("-created_at", "id")
    )
    if status:
        tickets = tickets.filter(status=status)
    if open_only:
        tickets = tickets.filter(status__in=OPEN_STATUSES)
    if company_id:
        tickets = tickets.filter(company_id=company_id)
    if awaiting is not None:
        tickets = tickets.filter(awaiting_dispatcher=awaiting, status__in=OPEN_STATUSES)
    if assigned_to_me:
        tickets = tickets.filter(assignee__user=actor)
    return tickets


def ticket_get(*, actor, ticket_id) -> Ticket:
    return _get_or_404(ticket_list(actor=actor), ticket_id)


def ticket_events(*, actor, ticket: Ticket):
    return ticket.events.visible_to(actor).select_related("actor").order_by("at", "id")


def ticket_summary(*, ticket_id) -> dict | None:
    """What another app (the IOC) shows of a ticket it caused; no tenant data."""
    ticket = (
        Ticket.objects.select_related("assignee__user").filter(pk=ticket_id).first()
        if ticket_id
        else None
    )
    if ticket is None:
        return None
    return {
        "id": str(ticket.id),
        "number": ticket.number,
        "status": ticket.status,
        "status_label": str(ticket.get_status_display()),
        "assignee": str(ticket.assignee.user) if ticket.assignee else None,
        "url": reverse("property:ticket_detail", args=[ticket.id]),
    }


def company_list(*, actor) -> QuerySet[PropertyCompany]:
    return PropertyCompany.objects.visible_to(actor).select_related("zone", "park").order_by("name")


def company_get(*, actor, company_id) -> PropertyCompany:
    return _get_or_404(company_list(actor=actor), company_id)


def enterprise_company(*, enterprise_id) -> PropertyCompany | None:
    """The company serving the zone where the enterprise leases now."""
    today = timezone.localdate()
    return (
        PropertyCompany.objects.filter(
            zone__buildings__floors__units__leases__enterprise_id=enterprise_id,
            zone__buildings__floors__units__leases__start__lte=today,
            zone__buildings__floors__units__leases__end__gte=today,
        )
        .order_by("name")
        .first()
    )


def tenant_units(*, actor) -> list:
    """Units the actor's enterprises lease today, for the ticket form."""
    from parkos.parks.selectors import active_leases

    units = []
    for enterprise_id in sorted(user_enterprise_ids(actor)):
        for lease in active_leases(actor=actor, enterprise_id=enterprise_id):
            units.append(lease.unit)
    return units


def desk_units(*, actor) -> list:
    """Units in the zones of the companies whose desk the actor staffs, for phone tickets."""
    from parkos.parks.selectors import unit_list

    zone_ids = list(desk_companies(actor=actor).values_list("zone_id", flat=True))
    if not zone_ids:
        return []
    return list(unit_list(actor=actor).filter(floor__building__zone_id__in=zone_ids))


def technician_for(user) -> Technician | None:
    if not getattr(user, "is_authenticated", False):
        return None
    return Technician.objects.select_related("company").filter(user=user).first()


def technician_list(*, actor, company_id) -> QuerySet[Technician]:
    if not permissions.can_desk(actor, company_id):
        return Technician.objects.none()
    return (
        Technician.objects.visible_to(actor)
        .filter(company_id=company_id, active=True)
        .select_related("user")
    )


def desk_companies(*, actor) -> QuerySet[PropertyCompany]:
    ids = permissions.company_ids(actor, *permissions.DESK_ROLES)
    return PropertyCompany.objects.visible_to(actor).filter(id__in=ids).order_by("name")


def tenant_profile_for(*, actor, ticket: Ticket) -> TenantProfile | None:
    """The enterprise's consented profile, for the desk and the technician on its ticket."""
    if ticket.enterprise_id is None:
        return None
    if not (
        permissions.can_desk(actor, ticket.company_id) or permissions.is_assignee(actor, ticket)
    ):
        return None
    return (
        TenantProfile.objects.visible_to(actor)
        .filter(enterprise_id=ticket.enterprise_id, consent=True)
        .first()
    )


def own_profile(*, actor, enterprise_id) -> TenantProfile | None:
    if enterprise_id not in user_enterprise_ids(actor):
        raise Http404
    return TenantProfile.objects.visible_to(actor).filter(enterprise_id=enterprise_id).first()


def round_list(
    *, actor, schedule_id=None, status: str = "", company_ids=None
) -> QuerySet[InspectionRound]:
    rounds = InspectionRound.objects.visible_to(actor).select_related(
        "template", "technician__user", "building", "company"
    )
    if company_ids is not None:
        rounds = rounds.filter(company_id__in=company_ids)
    if schedule_id is not None:
        rounds = rounds.filter(schedule_id=schedule_id)
    if status:
        rounds = rounds.filter(status=status)
    return rounds


def round_get(*, actor, round_id) -> InspectionRound:
    return _get_or_404(round_list(actor=actor), round_id)


def planning_companies(*, actor) -> QuerySet[PropertyCompany]:
    """Companies whose patrol inspections the actor plans."""
    return PropertyCompany.objects.planned_by(actor).select_related("zone", "park").order_by("name")


def inspection_template_list(*, actor, company_id=None) -> QuerySet[InspectionTemplate]:
    templates = (
        InspectionTemplate.objects.visible_to(actor)
        .select_related("company__zone")
        .annotate(schedule_count=Count("schedules"))
        .order_by("company__name", "name", "id")
    )
    return templates.filter(company_id=company_id) if company_id else templates


def inspection_template_get(*, actor, template_id) -> InspectionTemplate:
    return _get_or_404(inspection_template_list(actor=actor), template_id)


def inspection_schedule_list(
    *, actor, company_id=None, template_id=None
) -> QuerySet[InspectionSchedule]:
    schedules = (
        InspectionSchedule.objects.visible_to(actor)
        .select_related("template__company__zone", "building")
        .prefetch_related(
            Prefetch("technicians", queryset=Technician.objects.select_related("user"))
        )
        .order_by("template__company__name", "template__name", "id")
    )
    if company_id:
        schedules = schedules.filter(template__company_id=company_id)
    if template_id:
        schedules = schedules.filter(template_id=template_id)
    return schedules


def inspection_schedule_get(*, actor, schedule_id) -> InspectionSchedule:
    return _get_or_404(inspection_schedule_list(actor=actor), schedule_id)


def planning_technicians(*, actor, active_only: bool = True) -> QuerySet[Technician]:
    """Technicians of the companies the actor plans for: the ones to offer on a schedule
    (active), or all of them to tell a departed one from an unknown one."""
    technicians = (
        Technician.objects.visible_to(actor)
        .filter(company__in=planning_companies(actor=actor))
        .select_related("user", "company")
        .order_by("company__name", "user__username")
    )
    return technicians.filter(active=True) if active_only else technicians


def planning_buildings(*, actor):
    """Buildings in the zones of the companies the actor plans for."""
    from parkos.parks.selectors import building_list

    zone_ids = planning_companies(actor=actor).values("zone_id")
    return building_list(actor=actor).filter(zone_id__in=zone_ids).order_by("zone__name", "name")


def spot_check_list(*, actor) -> QuerySet[SpotCheck]:
    return (
        SpotCheck.objects.visible_to(actor).select_related("company").prefetch_related("findings")
    )


def finding_list(*, actor, open_only: bool = False) -> QuerySet[Finding]:
    findings = Finding.objects.visible_to(actor).select_related("spot_check__company")
    return findings.exclude(status="closed") if open_only else findings


def survey_list(*, actor) -> QuerySet[Survey]:
    return Survey.objects.visible_to(actor).prefetch_related("zones").order_by("-opens_on")


def survey_get(*, actor, survey_id) -> Survey:
    return _get_or_404(survey_list(actor=actor), survey_id)


def survey_results(*, actor, survey: Survey) -> dict:
    responses = SurveyResponse.objects.visible_to(actor).filter(survey=survey)
    by_company = list(
        responses.values("company__name")
        .annotate(n=Count("id"), avg=Avg("average_rating"))
        .order_by("company__name")
    )
    answers = list(responses.values_list("answers", flat=True))
    per_question = []
    for q in survey.questions:
        if q["kind"] != "rating":
            continue
        values = [a.get(q["key"]) for a in answers if isinstance(a.get(q["key"]), int)]
        per_question.append(
            {
                "label": q["label"],
                "count": len(values),
                "average": round(sum(values) / len(values), 2) if values else None,
                "distribution": [values.count(v) for v in range(1, 6)],
            }
        )
    return {"count": len(answers), "by_company": by_company, "questions": per_question}


def score_list(*, actor, park_id=None, month=None) -> QuerySet[MonthlyScore]:
    scores = (
        MonthlyScore.objects.visible_to(actor)
        .select_related("company__zone")
        .order_by("month", "rank")
    )
    if park_id:
        scores = scores.filter(company__park_id=park_id)
    if month:
        scores = scores.filter(month=month.replace(day=1))
    return scores


def score_get(*, actor, score_id) -> MonthlyScore:
    return _get_or_404(score_list(actor=actor), score_id)


def closed_months(*, actor, park_id) -> set:
    return set(
        MonthClose.objects.visible_to(actor).filter(park_id=park_id).values_list("month", flat=True)
    )


def open_ticket_count(*, company_id) -> int:
    return Ticket.objects.filter(company_id=company_id, status__in=OPEN_STATUSES).count()


def ticket_photo_get(*, actor, ticket_id, photo_id):
    """A photo of a ticket the actor may see; anything else is absent."""
    ticket = ticket_get(actor=actor, ticket_id=ticket_id)
    return _get_or_404(ticket.photos.visible_to(actor), photo_id)
