"""Rent relief (疫情减租): programmes published by operators, applications by enterprises,
and the rent adjustments that approved applications become."""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from parkos.core.money import MoneyField
from parkos.core.scoping import ScopedQuerySet


class ReliefKind(models.TextChoices):
    MONTHS = "months", _("Months of rent waived")
    PERCENT = "percent", _("Percentage of the period's rent")


class ProgrammeStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", _("Published")
    CLOSED = "closed", pgettext_lazy("relief programme", "Closed")


class ApplicationStatus(models.TextChoices):
    PENDING = "pending", _("In review")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")
    WITHDRAWN = "withdrawn", pgettext_lazy("application", "Withdrawn")


class ProgrammeQuerySet(ScopedQuerySet):
    """Operators and reviewers see their parks' programmes; enterprises the published ones
    that cover their park (permissions.programme_visibility). Every move of a programme
    (publish, close) is for the operators of its park, whatever `action` names."""

    def visible_to(self, actor):
        if self.anonymous(actor):
            return self.none()
        from parkos.relief import permissions

        return self.filter(permissions.programme_visibility(actor))

    def actionable_by(self, actor, action: str):
        if self.anonymous(actor):
            return self.none()
        from parkos.relief import permissions

        return self.visible_to(actor).filter(permissions.programme_management(actor))


class ApplicationQuerySet(ScopedQuerySet):
    """The enterprise's members and its park's staff (permissions.application_visibility)."""

    def visible_to(self, actor):
        if self.anonymous(actor):
            return self.none()
        from parkos.relief import permissions

        return self.filter(permissions.application_visibility(actor))


class AdjustmentQuerySet(ScopedQuerySet):
    """A rent adjustment is seen with the application it came from."""

    def visible_to(self, actor):
        if self.anonymous(actor):
            return self.none()
        return self.filter(application__in=ReliefApplication.objects.visible_to(actor).values("pk"))


class ArrearsQuerySet(ScopedQuerySet):
    """Who is behind with the rent is the park staff's knowledge, not other tenants'."""

    def visible_to(self, actor):
        if self.anonymous(actor):
            return self.none()
        from parkos.relief import permissions

        return self.filter(permissions.arrears_visibility(actor))


class ReliefProgramme(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    name = models.CharField(_("name"), max_length=150)
    description = models.TextField(pgettext_lazy("relief programme", "description"), blank=True)
    # Empty: every park of the network. A flagship's programme covers its branches.
    park = models.ForeignKey(
        "parks.Park",
        verbose_name=_("park"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    period_start = models.DateField(_("relief period from"))
    period_end = models.DateField(_("relief period to"))
    apply_until = models.DateField(_("applications until"), null=True, blank=True)
    max_headcount = models.PositiveIntegerField(_("maximum headcount"), null=True, blank=True)
    max_revenue = MoneyField(_("maximum annual revenue (CNY)"), null=True, blank=True)
    require_no_arrears = models.BooleanField(_("no rent arrears required"), default=True)
    kind = models.CharField(
        _("relief"), max_length=10, choices=ReliefKind.choices, default=ReliefKind.MONTHS
    )
    months = models.DecimalField(
        _("months waived"), max_digits=5, decimal_places=2, null=True, blank=True
    )
    percent = models.DecimalField(
        _("percentage waived"), max_digits=5, decimal_places=2, null=True, blank=True
    )
    cap_per_enterprise = MoneyField(_("cap per enterprise (CNY)"), null=True, blank=True)
    process_code = models.SlugField(_("approval process"), max_length=64, default="rent-relief")
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=ProgrammeStatus.choices,
        default=ProgrammeStatus.DRAFT,
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    published_at = models.DateTimeField(_("published"), null=True, blank=True)

    objects = ProgrammeQuerySet.as_manager()

    class Meta:
        ordering = ["-period_start", "name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(period_end__gte=F("period_start")), name="relief_period_order"
            ),
            models.CheckConstraint(
                condition=Q(percent__isnull=True) | Q(percent__gt=0, percent__lte=100),
                name="relief_percent_range",
            ),
            models.CheckConstraint(
                condition=Q(months__isnull=True) | Q(months__gt=0), name="relief_months_positive"
            ),
            models.CheckConstraint(
                condition=Q(cap_per_enterprise__isnull=True) | Q(cap_per_enterprise__gte=0),
                name="relief_cap_not_negative",
            ),
        ]
        verbose_name = _("relief programme")
        verbose_name_plural = _("relief programmes")

    def __str__(self) -> str:
        return self.name


class ArrearsFlag(models.Model):
    """An enterprise marked by the park's finance as behind with its rent."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    enterprise = models.ForeignKey(
        "parks.Enterprise",
        verbose_name=_("enterprise"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    note = models.CharField(_("note"), max_length=200, blank=True)
    active = models.BooleanField(pgettext_lazy("arrears flag", "active"), default=True)
    flagged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ArrearsQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("rent arrears flag")
        verbose_name_plural = _("rent arrears flags")

    def __str__(self) -> str:
        return f"{self.enterprise_id} · {self.note}"


class ReliefApplication(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    programme = models.ForeignKey(
        ReliefProgramme,
        verbose_name=_("programme"),
        on_delete=models.PROTECT,
        related_name="applications",
    )
    enterprise = models.ForeignKey(
        "parks.Enterprise",
        verbose_name=_("enterprise"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    lease = models.ForeignKey(
        "parks.Lease", verbose_name=_("lease"), on_delete=models.PROTECT, related_name="+"
    )
    park = models.ForeignKey(
        "parks.Park", verbose_name=_("park"), on_delete=models.PROTECT, related_name="+"
    )
    applicant = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("applicant"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    declared_revenue = MoneyField(_("annual revenue declared (CNY)"), null=True, blank=True)
    headcount = models.PositiveIntegerField(pgettext_lazy("relief application", "headcount"))
    amount = MoneyField(_("relief (CNY)"))
    breakdown = models.JSONField(_("computation"), default=dict)
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=ApplicationStatus.choices,
        default=ApplicationStatus.PENDING,
        db_index=True,
    )
    created_at = models.DateTimeField(_("applied"), auto_now_add=True)
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)

    objects = ApplicationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            # One live application per lease and programme; a withdrawn or rejected one
            # may be followed by a new one.
            models.UniqueConstraint(
                fields=["programme", "lease"],
                condition=Q(status__in=["pending", "approved"]),
                name="relief_one_live_application_per_lease",
            ),
            models.CheckConstraint(condition=Q(amount__gte=0), name="relief_amount_not_negative"),
        ]
        verbose_name = _("relief application")
        verbose_name_plural = _("relief applications")

    def __str__(self) -> str:
        return f"{self.programme} · {self.lease}"


class RentAdjustment(models.Model):
    """Rent taken off a lease for a period: what an approved relief becomes."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    lease = models.ForeignKey(
        "parks.Lease", verbose_name=_("lease"), on_delete=models.PROTECT, related_name="+"
    )
    enterprise = models.ForeignKey(
        "parks.Enterprise",
        verbose_name=_("enterprise"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    park = models.ForeignKey(
        "parks.Park", verbose_name=_("park"), on_delete=models.PROTECT, related_name="+"
    )
    application = models.OneToOneField(
        ReliefApplication,
        verbose_name=_("application"),
        on_delete=models.PROTECT,
        related_name="adjustment",
    )
    amount = MoneyField(_("rent reduced by (CNY)"))
    period_start = models.DateField(_("from"))
    period_end = models.DateField(pgettext_lazy("rent adjustment period", "to"))
    reason = models.CharField(pgettext_lazy("rent adjustment", "reason"), max_length=200)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = AdjustmentQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="adjustment_amount_positive")
        ]
        verbose_name = _("rent adjustment")
        verbose_name_plural = _("rent adjustments")

    def __str__(self) -> str:
        return f"{self.lease_id} −{self.amount}"
