from datetime import date, datetime
from decimal import Decimal
from typing import Literal
from uuid import UUID

from ninja import Field, Schema


class CategoryOut(Schema):
    id: UUID
    code: str
    name: str
    name_en: str
    parent: UUID | None = Field(None, alias="parent_id")


class CategoryTreeOut(CategoryOut):
    children: list[CategoryOut]

    @staticmethod
    def resolve_children(obj):
        return list(obj.children.all())


class ProviderOut(Schema):
    id: UUID
    name: str
    name_en: str
    description: str
    city: str
    website: str
    status: str
    verified: bool = Field(..., alias="is_verified")
    score: Decimal | None


class ProviderDetailOut(ProviderOut):
    # The decisions on its application the caller may take now (workflows.PROVIDER).
    actions: list[str] = Field(..., alias="action_codes")


class ProviderIn(Schema):
    name: str = Field(..., max_length=200)
    name_en: str = ""
    credit_code: str = Field(..., max_length=18)
    contact_name: str = Field(..., max_length=60)
    contact_phone: str = ""
    contact_email: str = ""
    website: str = ""
    city: str = ""
    credentials: str = Field(..., max_length=4000)
    description: str = ""


class DecisionIn(Schema):
    approved: bool
    note: str = ""


class PlanOut(Schema):
    id: UUID
    name: str
    description: str
    price: Decimal
    billing_period: str


class PlanIn(Schema):
    name: str = Field(..., max_length=100)
    price: Decimal
    billing_period: str
    description: str = ""


class ProductOut(Schema):
    id: UUID
    name: str
    name_en: str
    summary: str
    status: str
    delivery_model: str
    category: str
    provider: UUID = Field(..., alias="provider_id")
    provider_name: str
    voucher_eligible: bool
    min_price: Decimal | None
    rating: Decimal = Field(..., alias="rating_avg")
    reviews: int = Field(..., alias="rating_count")
    orders: int = Field(..., alias="order_count")

    # A dotted alias is resolved through a template Variable parsed anew for every row;
    # search lists are the hottest responses, so these two are read directly.
    @staticmethod
    def resolve_category(obj):
        return obj.category.code

    @staticmethod
    def resolve_provider_name(obj):
        return obj.provider.name


class ProductDetailOut(ProductOut):
    description: str
    sla_response_hours: int
    sla_delivery_days: int
    sla_availability: Decimal
    plans: list[PlanOut]
    # The steps of its listing the caller may take now (workflows.PRODUCT).
    actions: list[str] = Field(..., alias="action_codes")

    @staticmethod
    def resolve_plans(obj):
        return list(obj.plans.all())


class ProductIn(Schema):
    provider: UUID
    category: str
    name: str = Field(..., max_length=200)
    name_en: str = ""
    summary: str = ""
    description: str = ""
    delivery_model: str
    voucher_eligible: bool = False
    sla_response_hours: int = 24
    sla_delivery_days: int = 7
    sla_availability: Decimal = Decimal("99.9")
    plans: list[PlanIn] = []


class ProductPatch(Schema):
    category: str | None = None
    name: str | None = Field(None, max_length=200)
    name_en: str | None = None
    summary: str | None = None
    description: str | None = None
    delivery_model: str | None = None
    voucher_eligible: bool | None = None
    sla_response_hours: int | None = None
    sla_delivery_days: int | None = None
    sla_availability: Decimal | None = None


class DashboardOut(Schema):
    views: int
    enquiries: int
    quotes: int
    orders: int
    delivered: int
    accepted: int
    open_enquiries: int
    revenue: list[dict]


class SearchQuery(Schema):
    q: str = ""
    category: str = ""
    provider: str = ""
    price_min: Decimal | None = None
    price_max: Decimal | None = None
    voucher: bool = False
    rating_min: Decimal | None = None
    sort: str = "relevance"


class RankingOut(Schema):
    id: UUID
    name: str
    score: Decimal | None
    flagged: bool


class OrderOut(Schema):
    id: UUID
    number: str
    status: str
    enterprise: UUID = Field(..., alias="enterprise_id")
    provider: UUID = Field(..., alias="provider_id")
    product: UUID = Field(..., alias="product_id")
    product_name: str = Field(..., alias="product.name")
    plan: UUID = Field(..., alias="plan_id")
    quantity: int
    message: str
    quoted_amount: Decimal | None
    quote_valid_until: date | None
    amount: Decimal | None
    voucher_amount: Decimal
    enterprise_amount: Decimal
    period_start: date | None
    period_end: date | None
    renewal_of: UUID | None = Field(None, alias="renewal_of_id")
    invoice_title: str
    invoice_tax_id: str
    enquired_at: datetime | None
    quoted_at: datetime | None
    ordered_at: datetime | None
    delivered_at: datetime | None
    accepted_at: datetime | None
    closed_at: datetime | None
    subscription_cancelled_at: datetime | None
    service_ends_on: date | None
    voucher_refunded: Decimal
    enterprise_refunded: Decimal


class OrderDetailOut(OrderOut):
    """One order with the actions the caller may take on it now (workflows.order_actions)."""

    actions: list[str] = Field(..., alias="action_codes")


class SubscriptionCancelIn(Schema):
    reason: str = Field(..., max_length=500)
    effective: Literal["period_end", "immediately"] = "period_end"


class RefundOut(Schema):
    id: UUID
    order: UUID = Field(..., alias="order_id")
    reason: str
    complaint: UUID | None = Field(None, alias="complaint_id")
    voucher_amount: Decimal
    enterprise_amount: Decimal
    clawback_amount: Decimal
    note: str
    at: datetime


class EnquiryIn(Schema):
    product: UUID
    plan: UUID
    message: str = Field(..., max_length=4000)
    quantity: int = 1
    enterprise: UUID | None = None


class InvoiceIn(Schema):
    title: str = ""
    tax_id: str = ""
    email: str = ""


class PlaceIn(Schema):
    use_voucher: bool = False
    voucher_amount: Decimal | None = None
    invoice: InvoiceIn = InvoiceIn()


class DirectOrderIn(PlaceIn):
    product: UUID
    plan: UUID
    quantity: int = 1
    enterprise: UUID | None = None


class QuoteIn(Schema):
    amount: Decimal
    note: str = ""
    valid_days: int = 14


class MarketplaceReasonIn(Schema):
    reason: str = Field(..., max_length=500)


class NoteIn(Schema):
    note: str = ""


class RenewIn(Schema):
    use_voucher: bool = False
    voucher_amount: Decimal | None = None


class SplitOut(Schema):
    amount: Decimal
    voucher: Decimal
    enterprise_pays: Decimal
    balance_before: Decimal
    balance_after: Decimal
    maximum: Decimal
    reason: str


class ReviewIn(Schema):
    stars: int
    text: str = ""


class ReviewOut(Schema):
    id: UUID
    order: UUID = Field(..., alias="order_id")
    product: UUID = Field(..., alias="product_id")
    stars: int
    text: str
    created_at: datetime


class ComplaintIn(Schema):
    text: str = Field(..., max_length=4000)


class ComplaintOut(Schema):
    id: UUID
    order: UUID = Field(..., alias="order_id")
    status: str
    text: str
    resolution: str
    created_at: datetime
    resolved_at: datetime | None


class ResolveIn(Schema):
    upheld: bool
    resolution: str = Field(..., max_length=4000)
    # Upheld on an accepted order: the refund, all that is left unless set.
    refund_amount: Decimal | None = None


class ProgrammeOut(Schema):
    id: UUID
    code: str
    name: str
    total_budget: Decimal
    per_enterprise_cap: Decimal
    copay_ratio: Decimal
    valid_from: date
    valid_until: date
    granted_total: Decimal
    categories: list[str]

    @staticmethod
    def resolve_categories(obj):
        return [c.code for c in obj.categories.all()]


class ApplicationIn(Schema):
    programme: UUID
    enterprise: UUID
    amount: Decimal
    purpose: str = Field(..., max_length=2000)


class MarketplaceApplicationOut(Schema):
    id: UUID
    programme: UUID = Field(..., alias="programme_id")
    enterprise: UUID = Field(..., alias="enterprise_id")
    amount: Decimal
    purpose: str
    status: str
    case: UUID | None = Field(None, alias="case_id")
    created_at: datetime


class MarketplaceLedgerOut(Schema):
    kind: str
    balance_delta: Decimal
    reserved_delta: Decimal
    order: UUID | None = Field(None, alias="order_id")
    at: datetime


class GrantOut(Schema):
    id: UUID
    programme: UUID = Field(..., alias="programme_id")
    enterprise: UUID = Field(..., alias="enterprise_id")
    amount: Decimal
    balance: Decimal
    reserved: Decimal
    redeemed: Decimal
    valid_until: date
    expired_at: datetime | None


class GrantDetailOut(GrantOut):
    ledger: list[MarketplaceLedgerOut]

    @staticmethod
    def resolve_ledger(obj):
        return obj.ledger_rows


class ClaimIn(Schema):
    order: UUID


class ClaimsDecideIn(Schema):
    claims: list[UUID] = Field(..., min_length=1, max_length=500)
    approved: bool = True


class ClawbacksSettleIn(Schema):
    claims: list[UUID] = Field(..., min_length=1, max_length=500)


class ClaimOut(Schema):
    id: UUID
    order: UUID = Field(..., alias="order_id")
    provider: UUID = Field(..., alias="provider_id")
    programme: UUID = Field(..., alias="programme_id")
    amount: Decimal
    status: str
    batch: UUID | None
    created_at: datetime
    clawed_back: Decimal
    clawback_settled: Decimal
    clawback_owed: Decimal
