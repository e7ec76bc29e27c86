from datetime import date, datetime
from decimal import Decimal
from uuid import UUID

from ninja import Field, Schema

from parkos.techtransfer.texts import MATCH_TEXTS


class TechInstitutionOut(Schema):
    id: UUID
    name: str
    name_en: str
    region: str


class TechAchievementOut(Schema):
    id: UUID
    institution: UUID = Field(..., alias="institution_id")
    institution_name: str = Field(..., alias="institution.name")
    title: str
    title_en: str
    description: str
    description_en: str
    field: str
    trl: int
    patent_type: str
    patent_number: str
    ipc: str
    legal_status: str
    modes: list[str]
    price: Decimal | None
    status: str
    expires_on: date | None
    published_at: datetime | None


class TechAchievementDetailOut(TechAchievementOut):
    review_note: str
    actions: list[str] = []


class TechAchievementIn(Schema):
    institution: UUID
    title: str = Field("", max_length=200)
    title_en: str = Field("", max_length=300)
    description: str = Field("", max_length=20000)
    description_en: str = Field("", max_length=20000)
    field: str
    trl: int
    modes: list[str]
    price: str | int | None = Field(
        None, description="CNY as a string such as '800000.00'; null: negotiable"
    )
    legal_status: str = "none"
    patent_type: str = ""
    patent_number: str = ""
    ipc: str = ""
    submit: bool = True


class TechAchievementPatch(Schema):
    title: str | None = Field(None, max_length=200)
    title_en: str | None = Field(None, max_length=300)
    description: str | None = Field(None, max_length=20000)
    description_en: str | None = Field(None, max_length=20000)
    field: str | None = None
    trl: int | None = None
    modes: list[str] | None = None
    price: str | int | None = None
    legal_status: str | None = None
    patent_type: str | None = None
    patent_number: str | None = None
    ipc: str | None = None


class TechActionIn(Schema):
    action: str = Field("", max_length=20)
    note: str = Field("", max_length=2000)
    reason: str = Field("", max_length=20)


class TechDemandOut(Schema):
    id: UUID
    enterprise: UUID = Field(..., alias="enterprise_id")
    enterprise_name: str = Field(..., alias="enterprise.name")
    title: str
    problem: str
    outcome: str
    field: str
    trl_required: int
    budget: Decimal
    deadline: date
    modes: list[str]
    confidential: bool
    status: str
    created_at: datetime


class TechDemandIn(Schema):
    enterprise: UUID | None = Field(None, description="defaults to the caller's enterprise")
    title: str = Field(..., max_length=200)
    problem: str = Field(..., max_length=20000)
    outcome: str = Field("", max_length=20000)
    field: str
    trl_required: int
    budget: str | int
    deadline: date
    modes: list[str]
    confidential: bool = False


class TechMatchOut(Schema):
    id: UUID
    demand: UUID = Field(..., alias="demand_id")
    demand_title: str = Field(..., alias="demand.title")
    achievement: UUID = Field(..., alias="achievement_id")
    achievement_title: str = Field(..., alias="achievement.title")
    institution_name: str = Field(..., alias="achievement.institution.name")
    score: Decimal
    strong: bool
    status: str
    reasons: list[str]
    checks: list[dict]
    declined_by: str
    decline_reason: str
    decline_reason_label: str

    @staticmethod
    def resolve_reasons(obj):
        return [MATCH_TEXTS.render(spec) for spec in obj.reasons]

    @staticmethod
    def resolve_checks(obj):
        return [{"ok": c["ok"], "text": MATCH_TEXTS.render(c["text"])} for c in obj.checks]

    @staticmethod
    def resolve_decline_reason_label(obj):
        return str(obj.get_decline_reason_display()) if obj.decline_reason else ""


class TechMatchDetailOut(TechMatchOut):
    actions: list[str] = []


class TechDealOut(Schema):
    id: UUID
    match: UUID = Field(..., alias="match_id")
    demand_title: str = Field(..., alias="match.demand.title")
    achievement_title: str = Field(..., alias="match.achievement.title")
    broker: UUID = Field(..., alias="broker_id")
    stage: str
    stage_due: date | None
    drop_reason: str
    created_at: datetime


class TechDealDetailOut(TechDealOut):
    actions: list[str] = []


class TechContractOut(Schema):
    id: UUID
    number: str
    deal: UUID | None = Field(None, alias="deal_id")
    contract_type: str
    title: str
    field: str
    amount: Decimal
    technology_amount: Decimal
    ip_type: str
    seller: UUID = Field(..., alias="seller_id")
    seller_name: str = Field(..., alias="seller.name")
    buyer: UUID = Field(..., alias="buyer_id")
    buyer_name: str = Field(..., alias="buyer.name")
    seller_region: str
    buyer_region: str
    branch: UUID = Field(..., alias="branch_id")
    branch_name: str = Field(..., alias="branch.name")
    signed_on: date


class TechContractIn(Schema):
    deal: UUID | None = None
    seller: UUID | None = None
    buyer: UUID | None = None
    title: str = Field("", max_length=200)
    field: str = ""
    contract_type: str
    amount: str | int
    technology_amount: str | int
    ip_type: str
    signed_on: date
    branch: UUID
    seller_region: str = Field("", max_length=50)
    buyer_region: str = Field("", max_length=50)


class TechAttachmentOut(Schema):
    id: UUID
    name: str
    uploaded_at: datetime


class TechCallOut(Schema):
    id: UUID
    enterprise: UUID = Field(..., alias="enterprise_id")
    title: str
    challenge: str
    field: str
    reward: Decimal
    deadline: date
    status: str


class TechCallDetailOut(TechCallOut):
    actions: list[str] = []


class TechCallIn(Schema):
    enterprise: UUID | None = None
    title: str = Field(..., max_length=200)
    challenge: str = Field(..., max_length=20000)
    field: str
    reward: str | int
    deadline: date


class TechProposalOut(Schema):
    id: UUID
    call: UUID = Field(..., alias="call_id")
    institution: UUID = Field(..., alias="institution_id")
    institution_name: str = Field(..., alias="institution.name")
    summary: str
    price: Decimal | None
    status: str


class TechProposalDetailOut(TechProposalOut):
    actions: list[str] = []


class TechProposalIn(Schema):
    institution: UUID | None = None
    summary: str = Field(..., max_length=20000)
    price: str | int | None = None


class TechVocabularyOut(Schema):
    fields: dict[str, str]
    trl: dict[int, str]
    modes: dict[str, str]
    patent_types: dict[str, str]
    contract_types: dict[str, str]
    ip_types: dict[str, str]
    decline_reasons: dict[str, str]
    drop_reasons: dict[str, str]


class TechStatisticsOut(Schema):
    totals: dict
    by_field: list[dict]
    by_type: list[dict]
    by_region: list[dict]
    by_branch: list[dict]
    flows: list[dict]
    monthly: list[dict]
    deals_by_stage: dict[str, int]
