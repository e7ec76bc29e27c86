from datetime import date, datetime
from decimal import Decimal
from uuid import UUID

from ninja import Field, Schema


class ReliefProgrammeOut(Schema):
    id: UUID
    name: str
    description: str
    park: UUID | None = Field(None, alias="park_id")
    period_start: date
    period_end: date
    apply_until: date | None
    max_headcount: int | None
    max_revenue: Decimal | None
    require_no_arrears: bool
    kind: str
    months: Decimal | None
    percent: Decimal | None
    cap_per_enterprise: Decimal | None
    process_code: str
    status: str


class ProgrammeDetailOut(ReliefProgrammeOut):
    # The moves the caller may make on the programme now (publish, close).
    actions: list[str]


class ProgrammeIn(Schema):
    name: str = Field(..., min_length=1, max_length=150)
    description: str = ""
    park: UUID | None = None
    period_start: date
    period_end: date
    apply_until: date | None = None
    max_headcount: int | None = Field(None, ge=0)
    max_revenue: Decimal | None = None
    require_no_arrears: bool = True
    kind: str
    months: Decimal | None = None
    percent: Decimal | None = None
    cap_per_enterprise: Decimal | None = None
    process_code: str = "rent-relief"
    publish: bool = False


class ReliefQuoteIn(Schema):
    lease: UUID
    declared_revenue: Decimal | None = None


class QuoteOut(Schema):
    eligible: bool
    amount: Decimal
    reasons: list[str]
    breakdown: dict


class ReliefApplicationIn(ReliefQuoteIn):
    programme: UUID


class ReliefApplicationOut(Schema):
    id: UUID
    programme: UUID = Field(..., alias="programme_id")
    enterprise: UUID = Field(..., alias="enterprise_id")
    lease: UUID = Field(..., alias="lease_id")
    park: UUID = Field(..., alias="park_id")
    declared_revenue: Decimal | None
    headcount: int
    amount: Decimal
    breakdown: dict
    status: str
    case: UUID | None = None
    created_at: datetime
    decided_at: datetime | None

    @staticmethod
    def resolve_case(application):
        case = getattr(application, "case", None)
        return case.id if case is not None else None


class ReportRow(Schema):
    park_id: UUID
    park: str
    enterprises: int
    adjustments: int
    total: Decimal
    pending: int


class ArrearsIn(Schema):
    enterprise: UUID
    active: bool = True
    note: str = Field("", max_length=200)


class AdjustmentOut(Schema):
    id: UUID
    lease: UUID = Field(..., alias="lease_id")
    enterprise: UUID = Field(..., alias="enterprise_id")
    park: UUID = Field(..., alias="park_id")
    application: UUID = Field(..., alias="application_id")
    amount: Decimal
    period_start: date
    period_end: date
    reason: str
    created_at: datetime
