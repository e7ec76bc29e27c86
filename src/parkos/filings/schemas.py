from datetime import date, datetime
from uuid import UUID

from ninja import Field, Schema

from parkos.filings import flags

# Counts are taken as typed and checked by the service, so that a wrong one gets the same
# worded error in the user's language on the web and in the API.
Count = int | float | str | None


class FilingRoundOut(Schema):
    id: UUID
    park: UUID = Field(..., alias="park_id")
    include_branches: bool
    title: str
    period_start: date
    period_end: date
    due_on: date
    change_threshold: int
    min_supplies_days: int
    status: str
    opened_at: datetime
    closed_at: datetime | None


class RoundDetailOut(FilingRoundOut):
    # The moves the caller may make on the round now (["close"] for its operators while open).
    actions: list[str]


class FilingRoundIn(Schema):
    park: UUID
    title: str
    period_start: date
    period_end: date
    due_on: date | None = None
    change_threshold: Count = 30
    min_supplies_days: Count = 7
    include_branches: bool = True


class FlagOut(Schema):
    code: str
    message: str


def _flags_out(obj) -> list[dict]:
    return [{"code": f["code"], "message": flags.FLAGS.render(f)} for f in obj.flags]


class RevisionOut(Schema):
    version: int
    total_staff: int
    returned_staff: int
    risk_area_staff: int
    observation_staff: int
    supplies_days: int
    compliance_declared: bool
    submitted_at: datetime
    flags: list[FlagOut]

    @staticmethod
    def resolve_flags(obj):
        return _flags_out(obj)


class SubmissionOut(RevisionOut):
    id: UUID
    round: UUID = Field(..., alias="round_id")
    enterprise: UUID = Field(..., alias="enterprise_id")
    enterprise_name: str
    first_submitted_at: datetime

    @staticmethod
    def resolve_enterprise_name(obj):
        return obj.enterprise.name


class SubmissionDetailOut(SubmissionOut):
    revisions: list[RevisionOut]

    @staticmethod
    def resolve_revisions(obj):
        return list(obj.revisions.order_by("-version"))


class SubmissionIn(Schema):
    enterprise: UUID | None = None
    total_staff: Count = None
    returned_staff: Count = None
    risk_area_staff: Count = None
    observation_staff: Count = None
    supplies_days: Count = None
    compliance_declared: bool = False


class CompletionOut(Schema):
    label: str
    expected: int
    filed: int
    rate: float


class FlaggedOut(Schema):
    enterprise: UUID
    enterprise_name: str
    park: str
    zone: str
    submission: UUID | None
    reasons: list[str]


class TrendPointOut(Schema):
    round: str
    completion: float
    return_rate: float
    flagged: int


class FilingDashboardOut(Schema):
    round: FilingRoundOut
    overall: CompletionOut
    filed_count: int
    flagged_count: int
    missing_count: int
    by_park: list[CompletionOut]
    by_zone: list[CompletionOut]
    flagged: list[FlaggedOut]
    trend: list[TrendPointOut]
