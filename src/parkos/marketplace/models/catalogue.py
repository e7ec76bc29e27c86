"""Providers, the category tree, products and their plans."""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import get_language, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from parkos.core.money import MoneyField
from parkos.core.scoping import ScopedQuerySet


class ProviderQuerySet(ScopedQuerySet):
    def visible_to(self, actor):
        """Verified providers for all; a provider's staff also their own; operators all."""
        from parkos.marketplace import permissions

        if self.anonymous(actor):
            return self.none()
        return self.filter(permissions.provider_visibility(actor))


class ProductQuerySet(ScopedQuerySet):
    def visible_to(self, actor):
        """Live products for all; a provider's staff also their own drafts; operators all."""
        from parkos.marketplace import permissions

        if self.anonymous(actor):
            return self.none()
        return self.filter(permissions.product_visibility(actor))


class PlanQuerySet(ScopedQuerySet):
    def visible_to(self, actor):
        return self.filter(product__in=Product.objects.visible_to(actor))


class Category(models.Model):
    """A node of the bilingual category tree (e.g. 视频会议 under SaaS)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    code = models.SlugField(_("code"), max_length=40, unique=True)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent category"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    name = models.CharField(_("name"), max_length=60)
    name_en = models.CharField(_("English name"), max_length=80)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        ordering = ["position", "code"]
        verbose_name = pgettext_lazy("service category", "category")
        verbose_name_plural = _("categories")

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        return self.name_en if (get_language() or "").startswith("en") else self.name


class ProviderStatus(models.TextChoices):
    APPLIED = "applied", pgettext_lazy("provider status", "Applied")
    VERIFIED = "verified", _("Verified")
    REJECTED = "rejected", _("Rejected")
    SUSPENDED = "suspended", _("Suspended")


class Provider(models.Model):
    """A cloud, security or SaaS vendor selling in the supermarket."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    name = models.CharField(_("name"), max_length=200)
    name_en = models.CharField(_("English name"), max_length=200, blank=True)
    credit_code = models.CharField(_("unified social credit code"), max_length=18, unique=True)
    description = models.TextField(_("description"), blank=True)
    credentials = models.TextField(
        _("credentials"), blank=True, help_text=_("Licences and certifications, one a line.")
    )
    contact_name = models.CharField(_("contact"), max_length=60)
    contact_phone = models.CharField(_("contact phone"), max_length=30, blank=True)
    contact_email = models.EmailField(_("contact email"), blank=True)
    website = models.URLField(_("website"), blank=True)
    city = models.CharField(_("city"), max_length=50, blank=True)
    status = models.CharField(
        _("status"), max_length=12, choices=ProviderStatus.choices, default=ProviderStatus.APPLIED
    )
    verified_at = models.DateTimeField(_("verified at"), null=True, blank=True)
    applied_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Denormalised from the latest ProviderScore so listings sort without a join.
    score = models.DecimalField(
        pgettext_lazy("quality score", "score"),
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
    )
    flagged = models.BooleanField(_("flagged for review"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    objects = ProviderQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("provider")
        verbose_name_plural = _("providers")

    def __str__(self) -> str:
        return self.name

    @property
    def is_verified(self) -> bool:
        return self.status == ProviderStatus.VERIFIED


class DeliveryModel(models.TextChoices):
    IAAS = "iaas", _("IaaS")
    PAAS = "paas", _("PaaS")
    SAAS = "saas", _("SaaS")
    SERVICE = "service", _("Service")


class ProductStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PENDING = "pending", _("Awaiting review")
    LIVE = "live", pgettext_lazy("product status", "Live")
    REJECTED = "rejected", _("Rejected")
    WITHDRAWN = "withdrawn", pgettext_lazy("product status", "Withdrawn")


class Product(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    provider = models.ForeignKey(
        Provider, verbose_name=_("provider"), on_delete=models.PROTECT, related_name="products"
    )
    category = models.ForeignKey(
        Category,
        verbose_name=pgettext_lazy("service category", "category"),
        on_delete=models.PROTECT,
        related_name="products",
    )
    name = models.CharField(_("name"), max_length=200)
    name_en = models.CharField(_("English name"), max_length=200, blank=True)
    summary = models.CharField(_("summary"), max_length=300, blank=True)
    description = models.TextField(_("description"), blank=True)
    delivery_model = models.CharField(
        _("delivery model"), max_length=10, choices=DeliveryModel.choices
    )
    status = models.CharField(
        _("status"), max_length=10, choices=ProductStatus.choices, default=ProductStatus.DRAFT
    )
    review_note = models.CharField(_("review note"), max_length=500, blank=True)
    voucher_eligible = models.BooleanField(_("voucher eligible"), default=False)
    sla_response_hours = models.PositiveIntegerField(_("first response within (hours)"), default=24)
    sla_delivery_days = models.PositiveIntegerField(_("delivery within (days)"), default=7)
    sla_availability = models.DecimalField(
        _("availability (%)"), max_digits=5, decimal_places=2, default=99.9
    )
    # Read-side figures kept by the services, so search sorts and facets need no joins.
    min_price = MoneyField(_("lowest price (CNY)"), null=True, blank=True)
    rating_avg = models.DecimalField(_("rating"), max_digits=3, decimal_places=2, default=0)
    rating_count = models.PositiveIntegerField(_("reviews"), default=0)
    order_count = models.PositiveIntegerField(_("orders"), default=0)
    view_count = models.PositiveIntegerField(_("views"), default=0)
    # jieba-segmented name, description, provider and category: what full-text search reads.
    search_document = models.TextField(blank=True, editable=False)
    submitted_at = models.DateTimeField(null=True, blank=True)
    published_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    objects = ProductQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        indexes = [
            models.Index(fields=["status", "category"]),
            models.Index(fields=["status", "provider"]),
            models.Index(fields=["status", "min_price"]),
        ]
        verbose_name = _("product")
        verbose_name_plural = _("products")

    def __str__(self) -> str:
        return self.name

    @property
    def is_live(self) -> bool:
        return self.status == ProductStatus.LIVE


class BillingPeriod(models.TextChoices):
    ONCE = "once", _("One-off")
    MONTH = "month", _("Per month")
    YEAR = "year", _("Per year")


class Plan(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    product = models.ForeignKey(
        Product, verbose_name=_("product"), on_delete=models.CASCADE, related_name="plans"
    )
    name = models.CharField(_("name"), max_length=100)
    description = models.CharField(_("description"), max_length=300, blank=True)
    price = MoneyField(_("price (CNY)"))
    billing_period = models.CharField(
        _("billing period"), max_length=6, choices=BillingPeriod.choices
    )
    position = models.PositiveSmallIntegerField(default=0)
    objects = PlanQuerySet.as_manager()

    class Meta:
        ordering = ["position", "price"]
        constraints = [
            models.CheckConstraint(condition=Q(price__gt=0), name="marketplace_plan_price_positive")
        ]
        verbose_name = _("plan")
        verbose_name_plural = _("plans")

    def __str__(self) -> str:
        return f"{self.product} · {self.name}"

    @property
    def is_subscription(self) -> bool:
        return self.billing_period != BillingPeriod.ONCE
