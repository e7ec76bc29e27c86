"""Writes on providers, products and plans: onboarding, listing, review, search index."""

from decimal import Decimal

from django.db import transaction
from django.db.models import F, Min
from django.utils.translation import gettext as _

from parkos.accounts.models import Role
from parkos.accounts.services import membership_grant
from parkos.core.audit import audit_record, diff, snapshot
from parkos.core.errors import Conflict, ValidationFailed
from parkos.core.money import parse_money
from parkos.marketplace import permissions, search
from parkos.marketplace.errors import MarketplaceError
from parkos.marketplace.models import (
    BillingPeriod,
    Category,
    DeliveryModel,
    Plan,
    Product,
    ProductStatus,
    Provider,
)
from parkos.marketplace.services.common import now, optional_text, required_text
from parkos.marketplace.workflows import PRODUCT, PROVIDER, refuse
from parkos.parks.services import credit_code_error

PROVIDER_FIELDS = [
    "name",
    "name_en",
    "description",
    "credentials",
    "contact_name",
    "contact_phone",
    "contact_email",
    "website",
    "city",
]
PRODUCT_FIELDS = [
    "name",
    "name_en",
    "summary",
    "description",
    "delivery_model",
    "category",
    "voucher_eligible",
    "sla_response_hours",
    "sla_delivery_days",
    "sla_availability",
]


# Providers


@transaction.atomic
def provider_apply(
    *,
    actor,
    name: str,
    credit_code: str,
    contact_name: str,
    credentials: str,
    name_en: str = "",
    description: str = "",
    contact_phone: str = "",
    contact_email: str = "",
    website: str = "",
    city: str = "",
) -> Provider:
    """A vendor applies to sell; the applicant becomes the provider's first staff account
    and the application goes to the operator for verification."""
    name = required_text("name", name, max_length=200)
    contact_name = required_text("contact_name", contact_name, max_length=60)
    credentials = required_text("credentials", credentials, max_length=4000)
    credit_code = (credit_code or "").strip().upper()
    problem = credit_code_error(credit_code)
    if problem:
        raise ValidationFailed.for_field("credit_code", problem)
    if Provider.objects.filter(credit_code=credit_code).exists():
        raise ValidationFailed.for_field(
            "credit_code",
            _("A provider with this credit code exists."),
            code=MarketplaceError.CREDIT_CODE_TAKEN,
        )
    provider = Provider.objects.create(
        name=name,
        name_en=optional_text("name_en", name_en, max_length=200),
        credit_code=credit_code,
        description=optional_text("description", description, max_length=4000),
        credentials=credentials,
        contact_name=contact_name,
        contact_phone=optional_text("contact_phone", contact_phone, max_length=30),
        contact_email=optional_text("contact_email", contact_email, max_length=254),
        website=optional_text("website", website, max_length=200),
        city=optional_text("city", city, max_length=50),
        applied_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    if getattr(actor, "is_authenticated", False):
        membership_grant(user=actor, role=Role.PROVIDER, organization=provider)
    audit_record(
        actor=actor,
        action="provider.apply",
        instance=provider,
        changes=snapshot(provider, ["name", "credit_code", "status"]),
    )
    from parkos.marketplace.approvals_door import open_provider_case

    open_provider_case(actor=actor, provider=provider)
    return provider


def provider_mark_decided(*, actor, provider: Provider, approved: bool) -> Provider:
    """The final decision on a provider's application, from the approvals engine or from
    the operator's direct path; runs inside the caller's transaction."""
    # The approvals engine has checked its decider; the workflow checks the state only.
    provider = PROVIDER.fire(
        provider, "verify" if approved else "reject", actor=actor, at=now(), check=False
    )
    search.catalogue_changed()
    audit_record(
        actor=actor,
        action="provider.verify" if approved else "provider.reject",
        instance=provider,
        changes={"status": provider.status},
    )
    return provider


@transaction.atomic
def provider_verify_direct(*, actor, provider: Provider, approved: bool) -> Provider:
    """The operator's direct verification path, for deployments without an approvals
    process for providers (and for a case the engine cannot reach)."""
    permissions.require_operator(actor)
    return provider_mark_decided(actor=actor, provider=provider, approved=approved)


@transaction.atomic
def provider_update(*, actor, provider: Provider, **changes) -> Provider:
    if not (permissions.is_provider_staff(actor, provider.id) or permissions.is_operator(actor)):
        from django.core.exceptions import PermissionDenied

        raise PermissionDenied
    fields = [name for name in changes if name in PROVIDER_FIELDS]
    before = snapshot(provider, fields)
    for name in fields:
        value = changes[name] or ""
        if name in ("name", "contact_name"):
            value = required_text(name, value, max_length=200)
        setattr(provider, name, value)
    provider.save(update_fields=fields)
    search.catalogue_changed()
    audit_record(
        actor=actor,
        action="provider.update",
        instance=provider,
        changes=diff(before, snapshot(provider, fields)),
    )
    if {"name", "name_en"} & set(fields):
        for product in provider.products.select_related("category", "provider"):
            product_reindex(product=product)
    return provider


@transaction.atomic
def provider_staff_add(*, actor, provider: Provider, user) -> None:
    if not (permissions.is_provider_staff(actor, provider.id) or permissions.is_operator(actor)):
        from django.core.exceptions import PermissionDenied

        raise PermissionDenied
    membership_grant(user=user, role=Role.PROVIDER, organization=provider)
    audit_record(
        actor=actor, action="provider.staff_add", instance=provider, changes={"user": user.pk}
    )


# Products


def _require_manage_product(actor, provider: Provider) -> None:
    from django.core.exceptions import PermissionDenied

    if not permissions.is_provider_staff(actor, provider.id):
        raise PermissionDenied


def _validate_product_fields(data: dict) -> dict:
    clean = {}
    if "name" in data:
        clean["name"] = required_text("name", data["name"], max_length=200)
    for field, length in (("name_en", 200), ("summary", 300), ("description", 8000)):
        if field in data:
            clean[field] = optional_text(field, data[field], max_length=length)
    if "delivery_model" in data:
        if data["delivery_model"] not in DeliveryModel.values:
            raise ValidationFailed.for_field("delivery_model", _("Unknown delivery model."))
        clean["delivery_model"] = data["delivery_model"]
    if "category" in data:
        if not isinstance(data["category"], Category):
            raise ValidationFailed.for_field("category", _("Unknown category."))
        clean["category"] = data["category"]
    if "voucher_eligible" in data:
        clean["voucher_eligible"] = bool(data["voucher_eligible"])
    for field, top in (("sla_response_hours", 720), ("sla_delivery_days", 365)):
        if field in data:
            value = data[field]
            if not isinstance(value, int) or value < 1 or value > top:
                raise ValidationFailed.for_field(
                    field, _("Enter a whole number from 1 to %(top)d.") % {"top": top}
                )
            clean[field] = value
    if "sla_availability" in data:
        from decimal import Decimal, InvalidOperation

        try:
            value = Decimal(str(data["sla_availability"]))
        except InvalidOperation:
            value = Decimal("-1")
        if not value.is_finite() or value <= 0 or value > 100:
            raise ValidationFailed.for_field(
                "sla_availability", _("Enter a percentage above 0 and at most 100.")
            )
        clean["sla_availability"] = value
    return clean


@transaction.atomic
def product_create(
    *, actor, provider: Provider, plans: list[dict] | None = None, **data
) -> Product:
    _require_manage_product(actor, provider)
    for required in ("name", "delivery_model", "category"):
        if required not in data:
            raise ValidationFailed.for_field(required, _("This field is required."))
    clean = _validate_product_fields(data)
    product = Product.objects.create(provider=provider, status=ProductStatus.DRAFT, **clean)
    for position, plan in enumerate(plans or []):
        plan_add(actor=actor, product=product, position=position, **plan)
    product_reindex(product=product)
    audit_record(
        actor=actor,
        action="product.create",
        instance=product,
        changes=snapshot(product, ["name", "category", "voucher_eligible"]),
    )
    return product


@transaction.atomic
def product_update(*, actor, product: Product, **changes) -> Product:
    """Changes to a live product go back to the operator before they are shown."""
    _require_manage_product(actor, product.provider)
    if product.status == ProductStatus.PENDING:
        raise refuse(PRODUCT, product, action="edit", label=_("Edit"))
    clean = _validate_product_fields({k: v for k, v in changes.items() if k in PRODUCT_FIELDS})
    fields = list(clean)
    before = snapshot(product, [*fields, "status"])
    for name, value in clean.items():
        setattr(product, name, value)
    product.save()
    if product.status == ProductStatus.LIVE and fields:
        product = PRODUCT.fire(product, "resubmit", actor=actor, lock=False)
    product_reindex(product=product)
    audit_record(
        actor=actor,
        action="product.update",
        instance=product,
        changes=diff(before, snapshot(product, [*fields, "status"])),
    )
    return product


@transaction.atomic
def plan_add(
    *,
    actor,
    product: Product,
    name: str,
    price,
    billing_period: str,
    description: str = "",
    position: int = 0,
) -> Plan:
    _require_manage_product(actor, product.provider)
    if billing_period not in BillingPeriod.values:
        raise ValidationFailed.for_field("billing_period", _("Unknown billing period."))
    plan = Plan.objects.create(
        product=product,
        name=required_text("name", name, max_length=100),
        description=optional_text("description", description, max_length=300),
        price=parse_money(price, field="price", minimum=Decimal("0.01")),
        billing_period=billing_period,
        position=position,
    )
    _refresh_min_price(product)
    audit_record(
        actor=actor,
        action="plan.add",
        instance=plan,
        changes=snapshot(plan, ["product", "name", "price", "billing_period"]),
    )
    return plan


def _refresh_min_price(product: Product) -> None:
    product.min_price = product.plans.aggregate(low=Min("price"))["low"]
    Product.objects.filter(pk=product.pk).update(min_price=product.min_price)
    search.catalogue_changed()


@transaction.atomic
def product_submit(*, actor, product: Product) -> Product:
    _require_manage_product(actor, product.provider)
    if not product.provider.is_verified:
        raise Conflict(
            _("Only a verified provider can publish products."),
            code=MarketplaceError.PROVIDER_NOT_VERIFIED,
        )
    if not product.plans.exists():
        raise ValidationFailed.for_field(
            "plans",
            _("Add at least one plan with a price first."),
            code=MarketplaceError.PRODUCT_HAS_NO_PLAN,
        )
    product = PRODUCT.fire(product, "submit", actor=actor)
    audit_record(actor=actor, action="product.submit", instance=product)
    return product


@transaction.atomic
def product_review(*, actor, product: Product, approved: bool, note: str = "") -> Product:
    """The operator's listing review: a product goes live only through here."""
    permissions.require_operator(actor)
    product = PRODUCT.lock_for(product)
    action = "approve" if approved else "reject"
    PRODUCT.check(product, action)
    note = optional_text("note", note, max_length=500)
    if not approved and not note:
        raise ValidationFailed.for_field("note", _("Say why the listing is rejected."))
    product.review_note = note
    if approved and product.published_at is None:
        product.published_at = now()
    PRODUCT.fire(
        product, action, actor=actor, update_fields=("review_note", "published_at"), lock=False
    )
    search.catalogue_changed()
    audit_record(
        actor=actor,
        action="product.approve" if approved else "product.reject",
        instance=product,
        changes={"status": product.status, "note": note},
    )
    return product


@transaction.atomic
def product_withdraw(*, actor, product: Product) -> Product:
    if not (
        permissions.is_provider_staff(actor, product.provider_id) or permissions.is_operator(actor)
    ):
        from django.core.exceptions import PermissionDenied

        raise PermissionDenied
    product = PRODUCT.fire(product, "withdraw", actor=actor)
    search.catalogue_changed()
    audit_record(actor=actor, action="product.withdraw", instance=product)
    return product


def product_record_view(*, product: Product) -> None:
    Product.objects.filter(pk=product.pk).update(view_count=F("view_count") + 1)


def product_document(product: Product) -> str:
    category = product.category
    parent = category.parent
    return search.segment(
        product.name,
        product.name_en,
        product.summary,
        product.description,
        product.provider.name,
        product.provider.name_en,
        category.name,
        category.name_en,
        parent.name if parent else "",
        parent.name_en if parent else "",
        product.delivery_model,
    )


def product_reindex(*, product: Product) -> None:
    """Recompute the segmented search document and keep the index in step."""
    document = product_document(product)
    Product.objects.filter(pk=product.pk).update(search_document=document)
    product.search_document = document
    search.index_write(product_id=product.pk, document=document)
    search.catalogue_changed()
