from datetime import date, datetime
from decimal import Decimal
from uuid import UUID

from ninja import Field, Schema

from parkos.talent.identity import candidate_display_name


class PositionOut(Schema):
    id: UUID
    title: str
    enterprise: UUID = Field(..., alias="enterprise_id")
    enterprise_name: str = Field(..., alias="enterprise.name")
    park: UUID = Field(..., alias="park_id")
    booth: UUID | None = Field(None, alias="booth_id")
    field: str
    level: str
    city: str
    salary_min: Decimal
    salary_max: Decimal
    headcount: int
    skills: list[str]
    closes_on: date
    status: str


class PositionDetailOut(PositionOut):
    requirements: str
    review_note: str
    actions: list[str]


class PositionIn(Schema):
    enterprise: UUID
    booth: UUID | None = None
    title: str = ""
    field: str = ""
    level: str = ""
    city: str = ""
    salary_min: str | int | None = None
    salary_max: str | int | None = None
    headcount: int = 1
    requirements: str = ""
    skills: list[str] | str = []
    closes_on: str = ""


class PositionPatch(Schema):
    title: str | None = None
    field: str | None = None
    level: str | None = None
    city: str | None = None
    salary_min: str | int | None = None
    salary_max: str | int | None = None
    headcount: int | None = None
    requirements: str | None = None
    skills: list[str] | str | None = None
    closes_on: str | None = None


class ActionIn(Schema):
    note: str = ""
    reason_code: str = ""


class MatchOut(Schema):
    id: str
    title: str
    subtitle: str
    score: int
    reasons: list[str]


class FairOut(Schema):
    id: UUID
    title: str
    park: UUID = Field(..., alias="park_id")
    theme: str
    field: str
    university: str
    description: str
    starts_at: datetime
    ends_at: datetime
    phase: str


class FairIn(Schema):
    park: UUID
    title: str = ""
    theme: str = ""
    field: str = ""
    university: str = ""
    description: str = ""
    starts_at: datetime
    ends_at: datetime


class BoothOut(Schema):
    id: UUID
    fair: UUID = Field(..., alias="fair_id")
    enterprise: UUID = Field(..., alias="enterprise_id")
    enterprise_name: str = Field(..., alias="enterprise.name")
    intro: str
    status: str
    actions: list[str] = []


class BoothIn(Schema):
    enterprise: UUID
    intro: str = ""


class SlotOut(Schema):
    id: UUID
    enterprise: UUID = Field(..., alias="enterprise_id")
    booth: UUID | None = Field(None, alias="booth_id")
    starts_at: datetime
    ends_at: datetime
    video_link: str
    capacity: int


class SlotIn(Schema):
    enterprise: UUID
    booth: UUID | None = None
    starts_at: datetime
    ends_at: datetime
    video_link: str = ""
    capacity: int = 1


class SurveyIn(Schema):
    satisfaction: int
    expected_hires: int = 0
    comment: str = ""
    enterprise: UUID | None = None


class SurveySummaryOut(Schema):
    answers: int
    enterprises: int
    satisfaction: float | None
    expected_hires: int | None


class LiveRow(Schema):
    name: str
    applications: int
    interviews: int = 0
    intents: int = 0


class LiveBoardOut(Schema):
    applications: int
    interviews: int
    intents: int
    candidates: int
    per_enterprise: list[LiveRow]
    per_field: list[LiveRow]
    per_branch: list[LiveRow]
    at: datetime


class RegisterIn(Schema):
    username: str
    password: str
    name: str
    phone: str
    email: str = ""


class ProfileOut(Schema):
    id: UUID
    name: str
    phone: str
    email: str
    id_number: str
    birth_year: int | None
    city: str
    expected_cities: list[str]
    expected_salary: Decimal | None
    field: str
    level: str
    university: str
    degree: str
    major: str
    graduation_year: int | None
    skills: list[str]
    summary: str
    discoverable: bool
    resume_name: str


class ProfileIn(Schema):
    name: str | None = None
    email: str | None = None
    id_number: str | None = None
    birth_year: int | None = None
    city: str | None = None
    expected_cities: list[str] | str | None = None
    expected_salary: str | int | None = None
    field: str | None = None
    level: str | None = None
    university: str | None = None
    degree: str | None = None
    major: str | None = None
    graduation_year: int | None = None
    skills: list[str] | str | None = None
    summary: str | None = None
    discoverable: bool | None = None


class CandidateOut(Schema):
    id: UUID
    name: str
    city: str
    field: str
    level: str
    university: str
    degree: str
    major: str
    skills: list[str]
    summary: str
    resume_text: str


class ConsentOut(Schema):
    id: UUID
    enterprise: UUID = Field(..., alias="enterprise_id")
    enterprise_name: str = Field(..., alias="enterprise.name")
    granted_at: datetime
    withdrawn_at: datetime | None


class ConsentIn(Schema):
    enterprise: UUID


class ApplyIn(Schema):
    position_ids: list[UUID]
    consent: bool = False
    cover_note: str = ""


class ApplicationOut(Schema):
    id: UUID
    position: UUID = Field(..., alias="position_id")
    position_title: str = Field(..., alias="position.title")
    enterprise: UUID = Field(..., alias="enterprise_id")
    fair: UUID | None = Field(None, alias="fair_id")
    candidate_name: str = ""
    status: str
    rounds: int
    reason_code: str
    applied_at: datetime

    @staticmethod
    def resolve_candidate_name(obj) -> str:
        return candidate_display_name(obj)


class InterviewOut(Schema):
    id: UUID
    round: int
    starts_at: datetime | None = Field(None, alias="slot.starts_at")
    video_link: str = Field("", alias="slot.video_link")
    scores: dict
    overall: int | None
    recommendation: str
    feedback: str


class EventOut(Schema):
    action: str
    before: str
    after: str
    note: str
    at: datetime


class ApplicationDetailOut(ApplicationOut):
    actions: list[str]
    interviews: list[InterviewOut] = Field(..., alias="interviews_list")
    events: list[EventOut] = Field(..., alias="events_list")


class InterviewIn(Schema):
    slot: UUID | None = None
    starts_at: datetime | None = None
    ends_at: datetime | None = None
    video_link: str = ""


class ScorecardIn(Schema):
    scores: dict[str, int | str]
    recommendation: str = ""
    feedback: str = ""


class DemandRow(Schema):
    field: str = ""
    level: str = ""
    headcount: int | str = 0


class DemandIn(Schema):
    enterprise: UUID
    year: int
    rows: list[DemandRow]


class DemandSummaryOut(Schema):
    branch: str = Field(..., alias="park__name")
    field: str
    level: str
    headcount: int
    enterprises: int


class UniversityOut(Schema):
    code: str
    name: str
    city: str
    latitude: float
    longitude: float
    fairs: int
    applicants: int


class StatisticsOut(Schema):
    fairs: int
    positions: int
    applications: int
    intents: int
    intent_rate: int


class HousingIn(Schema):
    price: str | int | None = None
    first_home: bool = False
    in_district: bool = False
    home_address: str = ""


class OneThingIn(Schema):
    park: UUID
    enterprise: UUID | None = None
    name: str = ""
    phone: str = ""
    id_number: str = ""
    arrived_on: str = ""
    kinds: list[str] = []
    documents: list[str] = []
    housing: HousingIn | None = None


class SubsidyOut(Schema):
    id: UUID
    price: Decimal
    amount: Decimal
    rule_version: int = Field(..., alias="rule_id")
    status: str


class SubCaseOut(Schema):
    id: UUID
    kind: str
    status: str
    case: UUID | None = Field(None, alias="case_id")
    deadline: date | None
    documents: list[dict]
    subsidy: SubsidyOut | None = None


class OneThingOut(Schema):
    id: UUID
    name: str
    id_number: str = Field(..., alias="id_masked")
    park: UUID = Field(..., alias="park_id")
    arrived_on: date
    created_at: datetime
    subcases: list[SubCaseOut] = Field(..., alias="subcases_list")


class RuleOut(Schema):
    version: int
    rate: Decimal
    cap: Decimal
    window_years: int
    in_force_from: date
    note: str


class RuleIn(Schema):
    rate: str
    cap: str | int
    window_years: int
    in_force_from: date
    note: str = ""


class LedgerLineOut(Schema):
    label: str
    value: str


class LedgerOut(Schema):
    seq: int
    prev_hash: str
    hash: str
    kind: str
    subsidy_id: UUID
    park_code: str
    amount: Decimal
    rule_version: int
    recorded_at: datetime
    lines: list[LedgerLineOut]


class LedgerCheckOut(Schema):
    seq: int
    valid: bool


class LedgerMonthOut(Schema):
    year: int
    month: int
    grants: int
    granted: Decimal
    payments: int
    paid: Decimal
    head_seq: int
    head: str
    closed: bool
