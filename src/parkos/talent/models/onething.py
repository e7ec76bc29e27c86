"""Talent one thing (人才一件事): one application form opening sub-cases in the approvals engine,
the versioned housing-subsidy rule, and the tamper-evident subsidy ledger."""

import uuid
from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from parkos.core.money import MoneyField
from parkos.core.scoping import ScopedQuerySet


class SubCaseKind(models.TextChoices):
    PROGRAMME = "programme", _("Talent programme application")
    RESIDENCE = "residence", _("Residence permit")
    TRANSFER = "transfer", _("File and household transfer")
    SOCIAL_SECURITY = "social_security", _("Social security transfer")
    SCHOOLING = "schooling", _("Children's schooling")
    HOUSING = "housing", _("Talent housing subsidy")


class DocumentKind(models.TextChoices):
    ID_CARD = "id_card", _("ID card")
    DEGREE = "degree", _("Degree certificate")
    LABOUR_CONTRACT = "labour_contract", _("Labour contract")
    SOCIAL_SECURITY = "social_security", _("Social security record")
    HOUSEHOLD = "household", _("Household register (hukou)")
    FILE_LETTER = "file_letter", _("Personnel file transfer letter")
    BIRTH_CERTIFICATE = "birth_certificate", _("Child's birth certificate")
    PURCHASE_CONTRACT = "purchase_contract", _("Home purchase contract")
    PROPERTY_SEARCH = "property_search", _("Property ownership search (no other home)")
    AWARDS = "awards", _("Awards and achievements")


class SubCaseStatus(models.TextChoices):
    IN_REVIEW = "in_review", _("In review")
    RETURNED = "returned", _("Returned for changes")
    APPROVED = "approved", pgettext_lazy("sub-case", "Approved")
    REJECTED = "rejected", pgettext_lazy("sub-case", "Rejected")
    WITHDRAWN = "withdrawn", pgettext_lazy("sub-case", "Withdrawn")


SUBCASE_FINAL = (SubCaseStatus.APPROVED, SubCaseStatus.REJECTED, SubCaseStatus.WITHDRAWN)


class OneThingQuerySet(ScopedQuerySet):
    def visible_to(self, actor):
        if self.anonymous(actor):
            return self.none()
        from parkos.talent import permissions

        return self.filter(permissions.onething_visibility(actor))


class OneThingApplication(models.Model):
    """The one form: who the talent is (ID number encrypted, a keyed hash for checks), where they
    work and when they arrived; the sub-cases it opened hang from it."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    applicant = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="talent_onething"
    )
    park = models.ForeignKey(
        "parks.Park", verbose_name=_("park"), on_delete=models.PROTECT, related_name="+"
    )
    enterprise = models.ForeignKey(
        "parks.Enterprise",
        verbose_name=_("employer"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    name = models.CharField(_("name"), max_length=50)
    phone = models.CharField(_("phone"), max_length=20)
    id_number_encrypted = models.TextField(editable=False)
    id_hmac = models.CharField(max_length=64, db_index=True, editable=False)
    id_masked = models.CharField(_("ID number"), max_length=18, editable=False)
    arrived_on = models.DateField(_("arrived in the district on"))
    created_at = models.DateTimeField(auto_now_add=True)

    objects = OneThingQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("talent one-thing application")
        verbose_name_plural = _("talent one-thing applications")

    def __str__(self) -> str:
        return f"{self.name} {self.id_masked}"


class SubCaseQuerySet(ScopedQuerySet):
    def visible_to(self, actor):
        if self.anonymous(actor):
            return self.none()
        from parkos.talent import permissions

        return self.filter(
            application__in=OneThingApplication.objects.filter(
                permissions.onething_visibility(actor)
            )
        )


class SubCase(models.Model):
    """One service of the form, followed through its own approvals case."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    application = models.ForeignKey(
        OneThingApplication, on_delete=models.CASCADE, related_name="subcases"
    )
    kind = models.CharField(_("service"), max_length=20, choices=SubCaseKind.choices)
    case_id = models.UUIDField(null=True, blank=True, editable=False)
    status = models.CharField(
        _("status"),
        max_length=16,
        choices=SubCaseStatus.choices,
        default=SubCaseStatus.IN_REVIEW,
        db_index=True,
    )
    documents = models.JSONField(_("documents"), default=list)
    deadline = models.DateField(_("deadline"), null=True, blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = SubCaseQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "kind"]
        constraints = [
            models.UniqueConstraint(fields=["application", "kind"], name="talent_subcase_once")
        ]
        verbose_name = _("sub-case")
        verbose_name_plural = _("sub-cases")

    def __str__(self) -> str:
        return self.get_kind_display()


class SubsidyRule(models.Model):
    """A version of the housing-subsidy rule. New applications take the newest version in force;
    a decided subsidy keeps the version it was computed with."""

    version = models.PositiveIntegerField(_("version"), primary_key=True)
    rate = models.DecimalField(_("share of the price"), max_digits=5, decimal_places=4)
    cap = MoneyField(_("cap (CNY)"))
    window_years = models.PositiveSmallIntegerField(_("arrival window (years)"))
    in_force_from = models.DateField(_("in force from"))
    note = models.CharField(_("note"), max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-version"]
        verbose_name = _("housing subsidy rule")
        verbose_name_plural = _("housing subsidy rules")

    def __str__(self) -> str:
        return f"v{self.version}"


class SubsidyStatus(models.TextChoices):
    PENDING = "pending", _("In review")
    APPROVED = "approved", pgettext_lazy("subsidy", "Approved")
    PAID = "paid", _("Paid")
    REJECTED = "rejected", pgettext_lazy("subsidy", "Rejected")
    WITHDRAWN = "withdrawn", pgettext_lazy("subsidy", "Withdrawn")


class HousingSubsidyQuerySet(ScopedQuerySet):
    def visible_to(self, actor):
        if self.anonymous(actor):
            return self.none()
        from parkos.talent import permissions

        return self.filter(
            subcase__application__in=OneThingApplication.objects.filter(
                permissions.onething_visibility(actor)
            )
        )


class HousingSubsidy(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    subcase = models.OneToOneField(SubCase, on_delete=models.PROTECT, related_name="housing")
    rule = models.ForeignKey(SubsidyRule, on_delete=models.PROTECT, related_name="+")
    id_hmac = models.CharField(max_length=64, db_index=True, editable=False)
    home_address = models.CharField(_("home address"), max_length=200)
    price = MoneyField(_("purchase price (CNY)"))
    first_home = models.BooleanField(_("first home"))
    in_district = models.BooleanField(_("in the district"))
    amount = MoneyField(_("subsidy (CNY)"), default=Decimal("0"))
    status = models.CharField(
        _("status"), max_length=16, choices=SubsidyStatus.choices, default=SubsidyStatus.PENDING
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    paid_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = HousingSubsidyQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            # Once per person across every park and branch: the keyed hash of the ID number.
            models.UniqueConstraint(
                fields=["id_hmac"],
                condition=Q(status__in=["approved", "paid"]),
                name="talent_subsidy_once_per_person",
            ),
            models.UniqueConstraint(
                fields=["id_hmac"],
                condition=Q(status="pending"),
                name="talent_subsidy_one_pending",
            ),
        ]
        verbose_name = _("housing subsidy")
        verbose_name_plural = _("housing subsidies")

    def __str__(self) -> str:
        return f"{self.amount}"


class LedgerKind(models.TextChoices):
    DECISION = "decision", _("Subsidy granted")
    PAYMENT = "payment", _("Subsidy paid")


class LedgerRecord(models.Model):
    """One entry of the housing-subsidy ledger: a link of the hash chain (core.hashchain). The
    database refuses UPDATE and DELETE on this table and on its lines."""

    seq = models.PositiveBigIntegerField(_("number"), primary_key=True)
    prev_hash = models.CharField(_("previous hash"), max_length=64)
    hash = models.CharField(_("hash"), max_length=64, unique=True)
    kind = models.CharField(_("kind"), max_length=10, choices=LedgerKind.choices)
    subsidy_id = models.UUIDField(_("subsidy"))
    id_hmac = models.CharField(max_length=64)
    park_code = models.CharField(_("park"), max_length=32)
    amount = MoneyField(_("amount (CNY)"))
    rule_version = models.PositiveIntegerField(_("rule version"))
    actor = models.CharField(_("recorded by"), max_length=150)
    recorded_at = models.DateTimeField(_("recorded"))

    class Meta:
        ordering = ["seq"]
        indexes = [models.Index(fields=["recorded_at"])]
        verbose_name = _("ledger record")
        verbose_name_plural = _("ledger records")

    def __str__(self) -> str:
        return f"#{self.seq}"


class LedgerLine(models.Model):
    """A line of a ledger record's computation (price, share, cap, amount), sealed with it."""

    record = models.ForeignKey(LedgerRecord, on_delete=models.PROTECT, related_name="lines")
    position = models.PositiveSmallIntegerField()
    label = models.CharField(max_length=40)
    value = models.CharField(max_length=100)

    class Meta:
        ordering = ["record", "position"]
        constraints = [
            models.UniqueConstraint(fields=["record", "position"], name="talent_ledger_line_once")
        ]
        verbose_name = _("ledger line")
        verbose_name_plural = _("ledger lines")

    def __str__(self) -> str:
        return f"{self.label}: {self.value}"
