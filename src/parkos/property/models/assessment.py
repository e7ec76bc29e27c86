"""Monthly cross-zone assessment, and tenants' consented profiles."""

import uuid
from decimal import Decimal

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from parkos.property.models.org import PropertyCompany
from parkos.property.models.querysets import (
    MonthlyScoreQuerySet,
    ParkRowQuerySet,
    TenantProfileQuerySet,
)


class ScoreWeights(models.Model):
    """The operator's weights of the four indicators for one park; they add up to 100."""

    park = models.OneToOneField("parks.Park", on_delete=models.CASCADE, related_name="+")
    safety = models.DecimalField(max_digits=5, decimal_places=2, default=Decimal("25"))
    service = models.DecimalField(max_digits=5, decimal_places=2, default=Decimal("35"))
    satisfaction = models.DecimalField(max_digits=5, decimal_places=2, default=Decimal("25"))
    inspection = models.DecimalField(max_digits=5, decimal_places=2, default=Decimal("15"))
    updated_at = models.DateTimeField(auto_now=True)

    objects = ParkRowQuerySet.as_manager()

    class Meta:
        verbose_name = _("score weights")
        verbose_name_plural = _("score weights")

    def __str__(self) -> str:
        return f"{self.park_id} weights"


class Verdict(models.TextChoices):
    NONE = "", _("—")
    AWARD = "award", _("Awarded")
    WARNING = "warning", _("Warned")


class MonthlyScore(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    company = models.ForeignKey(PropertyCompany, on_delete=models.CASCADE, related_name="scores")
    month = models.DateField(pgettext_lazy("assessment", "month"))
    indicators = models.JSONField(default=dict)
    weights = models.JSONField(default=dict)
    safety = models.DecimalField(max_digits=5, decimal_places=2)
    service = models.DecimalField(max_digits=5, decimal_places=2)
    satisfaction = models.DecimalField(max_digits=5, decimal_places=2)
    inspection = models.DecimalField(max_digits=5, decimal_places=2)
    total = models.DecimalField(
        pgettext_lazy("assessment", "score"), max_digits=5, decimal_places=2
    )
    rank = models.PositiveSmallIntegerField(_("rank"))
    verdict = models.CharField(max_length=8, choices=Verdict.choices, blank=True)
    computed_at = models.DateTimeField()

    objects = MonthlyScoreQuerySet.as_manager()

    class Meta:
        ordering = ["month", "rank"]
        constraints = [
            models.UniqueConstraint(fields=["company", "month"], name="score_once_a_month")
        ]
        verbose_name = _("monthly score")
        verbose_name_plural = _("monthly scores")

    def __str__(self) -> str:
        return f"{self.company_id} {self.month:%Y-%m} {self.total}"


class MonthClose(models.Model):
    """A month frozen for one park: its scores are no longer recomputed."""

    park = models.ForeignKey("parks.Park", on_delete=models.CASCADE, related_name="+")
    month = models.DateField()
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    closed_at = models.DateTimeField()

    objects = ParkRowQuerySet.as_manager()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["park", "month"], name="month_close_once")]

    def __str__(self) -> str:
        return f"{self.park_id} {self.month:%Y-%m}"


class TenantProfile(models.Model):
    """What an enterprise agreed to share with the service desk."""

    enterprise = models.OneToOneField(
        "parks.Enterprise", on_delete=models.CASCADE, related_name="property_profile"
    )
    consent = models.BooleanField(_("I agree to share this with the service desk"), default=False)
    consent_at = models.DateTimeField(null=True, blank=True)
    vehicles = models.JSONField(_("vehicles (plates)"), default=list, blank=True)
    parking_spaces = models.CharField(_("parking spaces"), max_length=200, blank=True)
    usual_hours = models.CharField(_("usual hours"), max_length=200, blank=True)
    preferences = models.TextField(_("preferences"), blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    objects = TenantProfileQuerySet.as_manager()

    def __str__(self) -> str:
        return f"{self.enterprise_id} profile"
