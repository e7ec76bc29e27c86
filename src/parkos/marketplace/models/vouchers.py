"""Innovation vouchers (科技创新券): programmes, applications, grants, the ledger, claims."""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from parkos.core.money import MoneyField
from parkos.core.scoping import ScopedQuerySet


class ProgrammeQuerySet(ScopedQuerySet):
    def visible_to(self, actor):
        """Programmes are public: enterprises read their terms before applying."""
        return self.none() if self.anonymous(actor) else self.all()


class EnterpriseMoneyQuerySet(ScopedQuerySet):
    """Voucher applications and grants: the enterprise's own, and staff readers."""

    def visible_to(self, actor):
        from parkos.marketplace import permissions

        if self.anonymous(actor):
            return self.none()
        return self.filter(permissions.enterprise_money_visibility(actor))


class LedgerQuerySet(ScopedQuerySet):
    def visible_to(self, actor):
        return self.filter(grant__in=VoucherGrant.objects.visible_to(actor))


class ClaimQuerySet(ScopedQuerySet):
    def visible_to(self, actor):
        """A provider's own claims; staff readers all."""
        from parkos.marketplace import permissions

        if self.anonymous(actor):
            return self.none()
        return self.filter(permissions.claim_visibility(actor))


class VoucherProgramme(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=200)
    total_budget = MoneyField(_("total budget (CNY)"))
    per_enterprise_cap = MoneyField(_("cap per enterprise (CNY)"))
    # The share of an order's price the voucher may pay at most, e.g. 0.50.
    copay_ratio = models.DecimalField(_("voucher share at most"), max_digits=4, decimal_places=3)
    categories = models.ManyToManyField(
        "marketplace.Category", verbose_name=_("eligible categories"), related_name="+"
    )
    valid_from = models.DateField(_("valid from"))
    valid_until = models.DateField(_("valid until"))
    granted_total = MoneyField(_("granted (CNY)"), default=0)
    redeemed_total = MoneyField(_("redeemed (CNY)"), default=0)
    # Approved claims less what refunds have clawed back from providers.
    reimbursed_total = MoneyField(_("reimbursed (CNY)"), default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    objects = ProgrammeQuerySet.as_manager()

    class Meta:
        ordering = ["-valid_from"]
        constraints = [
            models.CheckConstraint(
                condition=Q(granted_total__lte=F("total_budget")),
                name="marketplace_programme_within_budget",
            ),
            models.CheckConstraint(
                condition=Q(copay_ratio__gt=0) & Q(copay_ratio__lte=1),
                name="marketplace_programme_ratio_0_1",
            ),
        ]
        verbose_name = _("voucher programme")
        verbose_name_plural = _("voucher programmes")

    def __str__(self) -> str:
        return self.name

    @property
    def copay_percent(self) -> str:
        """The voucher's share as people read it: 50, 33.3 (per cent)."""
        return f"{self.copay_ratio * 100:.1f}".removesuffix(".0")


class ApplicationStatus(models.TextChoices):
    SUBMITTED = "submitted", _("Submitted")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class VoucherApplication(models.Model):
    """An enterprise asks a programme for an amount; the approvals engine decides."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    programme = models.ForeignKey(
        VoucherProgramme, on_delete=models.PROTECT, related_name="applications"
    )
    enterprise = models.ForeignKey("parks.Enterprise", on_delete=models.PROTECT, related_name="+")
    applicant = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    amount = MoneyField(_("amount asked (CNY)"))
    purpose = models.TextField(_("purpose"))
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=ApplicationStatus.choices,
        default=ApplicationStatus.SUBMITTED,
    )
    case_id = models.UUIDField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    objects = EnterpriseMoneyQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("voucher application")
        verbose_name_plural = _("voucher applications")

    def __str__(self) -> str:
        return f"{self.programme} · {self.amount}"


class VoucherGrant(models.Model):
    """An enterprise's voucher money in one programme. `balance` is what it may still
    spend, `reserved` what open orders hold; both always equal the sums of the ledger."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    programme = models.ForeignKey(VoucherProgramme, on_delete=models.PROTECT, related_name="grants")
    enterprise = models.ForeignKey("parks.Enterprise", on_delete=models.PROTECT, related_name="+")
    application = models.OneToOneField(
        VoucherApplication, null=True, blank=True, on_delete=models.PROTECT, related_name="grant"
    )
    amount = MoneyField(_("granted (CNY)"))
    balance = MoneyField(_("balance (CNY)"))
    reserved = MoneyField(_("reserved (CNY)"), default=0)
    redeemed = MoneyField(_("redeemed (CNY)"), default=0)
    valid_until = models.DateField(_("valid until"))
    expired_at = models.DateTimeField(_("expired at"), null=True, blank=True)
    created_at = models.DateTimeField(_("granted at"))
    objects = EnterpriseMoneyQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(balance__gte=0) & Q(reserved__gte=0),
                name="marketplace_grant_never_negative",
            ),
        ]
        verbose_name = _("voucher grant")
        verbose_name_plural = _("voucher grants")

    def __str__(self) -> str:
        return f"{self.programme} · {self.enterprise}"


class LedgerKind(models.TextChoices):
    GRANT = "grant", _("Grant")
    RESERVE = "reserve", _("Reserve")
    REDEEM = "redeem", _("Redeem")
    RELEASE = "release", _("Release")
    EXPIRE = "expire", _("Expire")
    REFUND = "refund", _("Refund")


class VoucherLedgerEntry(models.Model):
    """A movement of voucher money; never edited. Each entry changes the available balance
    and the reserved amount by its two deltas."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    grant = models.ForeignKey(VoucherGrant, on_delete=models.PROTECT, related_name="ledger")
    order = models.ForeignKey(
        "marketplace.Order", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField(_("kind"), max_length=8, choices=LedgerKind.choices)
    balance_delta = MoneyField(_("balance change (CNY)"))
    reserved_delta = MoneyField(_("reserved change (CNY)"), default=0)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    at = models.DateTimeField(_("time"))
    objects = LedgerQuerySet.as_manager()

    class Meta:
        ordering = ["at"]
        verbose_name = _("voucher ledger entry")
        verbose_name_plural = _("voucher ledger")

    def __str__(self) -> str:
        return f"{self.kind} {self.balance_delta}"


class ClaimStatus(models.TextChoices):
    SUBMITTED = "submitted", _("Submitted")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class VoucherClaim(models.Model):
    """A provider's claim to be reimbursed the voucher part of an accepted order."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    order = models.OneToOneField(
        "marketplace.Order", on_delete=models.PROTECT, related_name="claim"
    )
    provider = models.ForeignKey(
        "marketplace.Provider", on_delete=models.PROTECT, related_name="claims"
    )
    programme = models.ForeignKey(VoucherProgramme, on_delete=models.PROTECT, related_name="claims")
    amount = MoneyField(_("amount (CNY)"))
    status = models.CharField(
        _("status"), max_length=10, choices=ClaimStatus.choices, default=ClaimStatus.SUBMITTED
    )
    batch = models.UUIDField(_("approval batch"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("claimed at"))
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    # A refund after the claim was paid takes the voucher part back from the provider
    # (services/refunds.py): what it owes, and what it has paid back, settled by the
    # operator (services/vouchers.clawbacks_settle).
    clawed_back = MoneyField(_("clawed back (CNY)"), default=0)
    clawback_settled = MoneyField(_("clawback paid back (CNY)"), default=0)
    clawback_settled_at = models.DateTimeField(_("clawback settled at"), null=True, blank=True)
    objects = ClaimQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(clawback_settled__gte=0)
                & Q(clawback_settled__lte=F("clawed_back"))
                & Q(clawed_back__lte=F("amount")),
                name="marketplace_claim_clawback_within_claim",
            )
        ]
        verbose_name = _("reimbursement claim")
        verbose_name_plural = _("reimbursement claims")

    def __str__(self) -> str:
        return f"{self.order} · {self.amount}"

    @property
    def clawback_owed(self):
        """What the provider still has to pay back of the clawed-back reimbursement."""
        return self.clawed_back - self.clawback_settled
