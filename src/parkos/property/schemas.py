from datetime import date, datetime
from decimal import Decimal
from uuid import UUID

from ninja import Field, Schema


class TicketOut(Schema):
    id: UUID
    number: str
    status: str
    status_label: str
    kind: str
    category: str
    priority: str
    title: str
    description: str
    source: str
    company: UUID = Field(..., alias="company_id")
    building: UUID | None = Field(None, alias="building_id")
    unit: UUID | None = Field(None, alias="unit_id")
    enterprise: UUID | None = Field(None, alias="enterprise_id")
    assignee: str | None
    assignment_reasons: list[str]
    suggestions: list[list]
    confidence: float | None
    awaiting_dispatcher: bool
    preferred_time: datetime | None
    response_due: datetime | None
    resolution_due: datetime | None
    created_at: datetime
    accepted_at: datetime | None
    arrived_at: datetime | None
    resolved_at: datetime | None
    rating: int | None
    rating_comment: str

    @staticmethod
    def resolve_status_label(ticket) -> str:
        return str(ticket.get_status_display())

    @staticmethod
    def resolve_assignee(ticket) -> str | None:
        return str(ticket.assignee.user) if ticket.assignee_id else None

    @staticmethod
    def resolve_title(ticket) -> str:
        return str(ticket.heading)

    @staticmethod
    def resolve_assignment_reasons(ticket) -> list[str]:
        return ticket.assignment_reason_texts


class TicketDetailOut(TicketOut):
    """One ticket with the actions the caller may take on it now (the ticket workflow's)."""

    actions: list[str]

    @staticmethod
    def resolve_actions(ticket, context) -> list[str]:
        from parkos.property.workflows import TICKET

        return TICKET.action_codes(ticket, context["request"].user)


class TicketIn(Schema):
    unit: UUID | None = None
    building: UUID | None = None
    enterprise: UUID | None = None
    kind: str = "repair"
    category: str = ""
    title: str = ""
    description: str = ""
    priority: str = "normal"
    preferred_time: datetime | None = None
    source: str = "app"


class PropertyEventOut(Schema):
    at: datetime
    kind: str
    from_status: str
    to_status: str
    note: str
    actor: str | None
    data: dict

    @staticmethod
    def resolve_actor(event) -> str | None:
        return str(event.actor) if event.actor_id else None

    @staticmethod
    def resolve_note(event) -> str:
        return event.note_text


class DispatchIn(Schema):
    category: str = ""
    technician: UUID | None = None


class PropertyNoteIn(Schema):
    note: str = ""


class PropertyReasonIn(Schema):
    reason: str = ""


class ConfirmIn(Schema):
    rating: int
    comment: str = ""


class PhotoOut(Schema):
    id: UUID
    url: str
    stage: str

    @staticmethod
    def resolve_url(photo) -> str:
        return photo.image.url


class RoundOut(Schema):
    id: UUID
    schedule: int | None = Field(None, alias="schedule_id")
    template: str
    technician: str
    due_date: date
    status: str
    items: list[dict]
    results: list[dict]

    @staticmethod
    def resolve_template(rnd) -> str:
        return rnd.template.name

    @staticmethod
    def resolve_technician(rnd) -> str:
        return str(rnd.technician.user)

    actions: list[str]

    @staticmethod
    def resolve_items(rnd) -> list[dict]:
        return rnd.template.items

    @staticmethod
    def resolve_actions(rnd, context) -> list[str]:
        from parkos.property.workflows import ROUND

        return ROUND.action_codes(rnd, context["request"].user)


class RoundIn(Schema):
    answers: dict[str, dict]


class SurveyOut(Schema):
    id: UUID
    title: str
    opens_on: date
    closes_on: date
    questions: list[dict]


class PropertySurveyIn(Schema):
    park: UUID
    title: str
    questions: list[dict]
    opens_on: date
    closes_on: date
    zones: list[UUID] = []


class AnswerIn(Schema):
    enterprise: UUID
    answers: dict


class ScoreOut(Schema):
    id: UUID
    company: str
    zone: str
    month: date
    safety: Decimal
    service: Decimal
    satisfaction: Decimal
    inspection: Decimal
    total: Decimal
    rank: int
    verdict: str
    indicators: dict

    @staticmethod
    def resolve_company(score) -> str:
        return score.company.name

    @staticmethod
    def resolve_zone(score) -> str:
        return score.company.zone.name


class MonthIn(Schema):
    park: UUID
    month: date


class WeightsIn(Schema):
    park: UUID
    safety: Decimal
    service: Decimal
    satisfaction: Decimal
    inspection: Decimal


class FindingIn(Schema):
    severity: str
    description: str
    deadline: date | None = None


class SpotCheckIn(Schema):
    company: UUID
    inspector: str
    checked_on: date
    notes: str = ""
    findings: list[FindingIn] = []


class SpotCheckOut(Schema):
    id: UUID
    inspector: str
    checked_on: date
    findings: int

    @staticmethod
    def resolve_findings(check) -> int:
        return len(check.findings.all())


class ChecklistItemIn(Schema):
    key: str = ""
    label: str = ""
    kind: str = "check"
    min: Decimal | None = None
    max: Decimal | None = None
    unit: str = ""
    category: str = ""


class InspectionTemplateIn(Schema):
    company: UUID
    name: str
    items: list[ChecklistItemIn]


class InspectionTemplatePatch(Schema):
    name: str | None = None
    items: list[ChecklistItemIn] | None = None


class InspectionTemplateOut(Schema):
    id: UUID
    company: UUID = Field(..., alias="company_id")
    company_name: str
    name: str
    items: list[dict]
    schedules: int

    @staticmethod
    def resolve_company_name(template) -> str:
        return template.company.name

    @staticmethod
    def resolve_schedules(template) -> int:
        count = getattr(template, "schedule_count", None)
        return template.schedules.count() if count is None else count


class InspectionScheduleIn(Schema):
    template: UUID
    frequency: str
    technicians: list[UUID]
    building: UUID | None = None
    zone: UUID | None = None
    active: bool = True


class InspectionSchedulePatch(Schema):
    template: UUID | None = None
    frequency: str | None = None
    technicians: list[UUID] | None = None
    building: UUID | None = None
    zone: UUID | None = None
    active: bool | None = None


class TechnicianRef(Schema):
    id: UUID
    name: str

    @staticmethod
    def resolve_name(technician) -> str:
        return str(technician.user)


class InspectionScheduleOut(Schema):
    id: int
    template: UUID = Field(..., alias="template_id")
    template_name: str
    company: UUID
    zone: str
    building: UUID | None = Field(None, alias="building_id")
    frequency: str
    technicians: list[TechnicianRef]
    active: bool
    next_due: date | None

    @staticmethod
    def resolve_template_name(schedule) -> str:
        return schedule.template.name

    @staticmethod
    def resolve_company(schedule) -> UUID:
        return schedule.template.company_id

    @staticmethod
    def resolve_zone(schedule) -> str:
        return schedule.template.company.zone.name

    @staticmethod
    def resolve_technicians(schedule) -> list:
        return list(schedule.technicians.all())

    @staticmethod
    def resolve_next_due(schedule):
        from django.utils import timezone

        return schedule.next_due(timezone.localdate()) if schedule.active else None
