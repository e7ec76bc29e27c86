"""Who does the work: property companies (one per zone), their teams, technicians and shifts."""

import uuid
from datetime import time

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from parkos.property.models.querysets import (
    CompanyRowQuerySet,
    PropertyCompanyQuerySet,
    ShiftQuerySet,
    TechnicianQuerySet,
)


class Category(models.TextChoices):
    HVAC = "hvac", _("HVAC")
    ELECTRICAL = "electrical", _("Electrical")
    PLUMBING = "plumbing", _("Plumbing")
    ELEVATOR = "elevator", _("Elevator")
    CLEANING = "cleaning", _("Cleaning")
    SECURITY = "security", _("Security")
    NETWORK = "network", _("Network")
    PARKING = "parking", _("Parking")
    NOISE = "noise", _("Noise")
    FIRE_SAFETY = "fire_safety", _("Fire safety")
    OTHER = "other", _("Other")


class PropertyCompany(models.Model):
    """The company that runs one zone's property services and is ranked against the others."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    park = models.ForeignKey(
        "parks.Park", verbose_name=_("park"), on_delete=models.PROTECT, related_name="+"
    )
    zone = models.OneToOneField(
        "parks.Zone",
        verbose_name=_("zone"),
        on_delete=models.PROTECT,
        related_name="property_company",
    )
    name = models.CharField(_("name"), max_length=200)
    phone = models.CharField(_("service desk phone"), max_length=30, blank=True)
    workday_start = models.TimeField(_("working day starts"), default=time(8, 30))
    workday_end = models.TimeField(_("working day ends"), default=time(17, 30))
    # Below this confidence a classified ticket waits for a dispatcher.
    auto_dispatch_threshold = models.DecimalField(
        _("auto-dispatch confidence threshold"), max_digits=3, decimal_places=2, default=0.60
    )

    objects = PropertyCompanyQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("property company")
        verbose_name_plural = _("property companies")

    def __str__(self) -> str:
        return self.name


class Team(models.Model):
    company = models.ForeignKey(PropertyCompany, on_delete=models.CASCADE, related_name="teams")
    name = models.CharField(_("name"), max_length=100)

    objects = CompanyRowQuerySet.as_manager()

    class Meta:
        ordering = ["company_id", "name"]
        verbose_name = _("team")
        verbose_name_plural = _("teams")

    def __str__(self) -> str:
        return self.name


class Technician(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="technician"
    )
    company = models.ForeignKey(
        PropertyCompany, on_delete=models.CASCADE, related_name="technicians"
    )
    team = models.ForeignKey(
        Team, null=True, blank=True, on_delete=models.SET_NULL, related_name="technicians"
    )
    # Category codes; a short list read whole, never searched in SQL.
    skills = models.JSONField(_("skills"), default=list)
    zones = models.ManyToManyField("parks.Zone", verbose_name=_("zones covered"), related_name="+")
    base_building = models.ForeignKey(
        "parks.Building",
        verbose_name=_("base building"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    active = models.BooleanField(pgettext_lazy("technician", "active"), default=True)

    objects = TechnicianQuerySet.as_manager()

    class Meta:
        ordering = ["company_id", "user__username"]
        verbose_name = _("technician")
        verbose_name_plural = _("technicians")

    def __str__(self) -> str:
        return str(self.user)


class Shift(models.Model):
    technician = models.ForeignKey(Technician, on_delete=models.CASCADE, related_name="shifts")
    start = models.DateTimeField(_("start"))
    end = models.DateTimeField(_("end"))

    objects = ShiftQuerySet.as_manager()

    class Meta:
        ordering = ["start"]
        indexes = [models.Index(fields=["start", "end"])]
        constraints = [
            models.CheckConstraint(condition=models.Q(end__gt=models.F("start")), name="shift_end")
        ]
        verbose_name = _("shift")
        verbose_name_plural = _("shifts")

    def __str__(self) -> str:
        return f"{self.technician} {self.start:%Y-%m-%d %H:%M}–{self.end:%H:%M}"
