"""Inspections (templates, schedules, rounds), third-party spot checks and surveys."""

import uuid
from datetime import date, datetime, timedelta

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from parkos.property.models.org import PropertyCompany, Technician
from parkos.property.models.querysets import (
    FindingQuerySet,
    InspectionRoundQuerySet,
    InspectionScheduleQuerySet,
    InspectionTemplateQuerySet,
    SpotCheckQuerySet,
    SurveyQuerySet,
    SurveyResponseQuerySet,
)


class Frequency(models.TextChoices):
    DAILY = "daily", _("Daily")
    WEEKLY = "weekly", _("Weekly")
    MONTHLY = "monthly", _("Monthly")


class ItemKind(models.TextChoices):
    CHECK = "check", _("Pass / fail")
    VALUE = "value", _("Reading")


class InspectionTemplate(models.Model):
    """A checklist. Each item: {"key", "label", "kind": "check"|"value", "min", "max",
    "unit", "category"}; a value item passes inside its expected range [min, max] (either
    bound may be open); a failed item opens a ticket of its category."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    company = models.ForeignKey(
        PropertyCompany,
        verbose_name=_("property company"),
        on_delete=models.CASCADE,
        related_name="inspection_templates",
    )
    name = models.CharField(_("name"), max_length=100)
    items = models.JSONField(_("items"), default=list)

    objects = InspectionTemplateQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("inspection template")
        verbose_name_plural = _("inspection templates")

    def __str__(self) -> str:
        return self.name


class InspectionSchedule(models.Model):
    template = models.ForeignKey(
        InspectionTemplate,
        verbose_name=_("inspection template"),
        on_delete=models.CASCADE,
        related_name="schedules",
    )
    # Several technicians take the rounds in turn (see technician_for).
    technicians = models.ManyToManyField(
        Technician, verbose_name=_("technicians"), related_name="inspection_schedules"
    )
    # None: the whole zone of the template's company.
    building = models.ForeignKey(
        "parks.Building",
        verbose_name=_("building"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    frequency = models.CharField(_("frequency"), max_length=8, choices=Frequency.choices)
    active = models.BooleanField(pgettext_lazy("schedule", "active"), default=True)

    objects = InspectionScheduleQuerySet.as_manager()

    class Meta:
        ordering = ["template__name", "id"]
        verbose_name = _("inspection schedule")
        verbose_name_plural = _("inspection schedules")

    def __str__(self) -> str:
        return f"{self.template_id} {self.frequency}"

    def is_due(self, day: date) -> bool:
        """Daily rounds every day, weekly ones on Mondays, monthly ones on the 1st."""
        if self.frequency == Frequency.DAILY:
            return True
        if self.frequency == Frequency.WEEKLY:
            return day.weekday() == 0
        return day.day == 1

    def next_due(self, after: date) -> date:
        """The first due date on or after `after`."""
        if self.frequency == Frequency.DAILY:
            return after
        if self.frequency == Frequency.WEEKLY:
            return after + timedelta(days=-after.weekday() % 7)
        if after.day == 1:
            return after
        return (after.replace(day=1) + timedelta(days=32)).replace(day=1)

    def _period(self, day: date) -> int:
        if self.frequency == Frequency.DAILY:
            return day.toordinal()
        if self.frequency == Frequency.WEEKLY:
            return (day.toordinal() - 1) // 7
        return day.year * 12 + day.month

    def technician_for(self, day: date, technicians) -> Technician | None:
        """Who walks the round due `day`: the active technicians take turns, one period
        (day, week or month) each, in the order of their user names, so the rotation is the
        same however often rounds are generated."""
        active = sorted(
            (t for t in technicians if t.active), key=lambda t: (t.user.username, str(t.id))
        )
        if not active:
            return None
        return active[self._period(day) % len(active)]


class RoundStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    DONE = "done", _("Done")
    MISSED = "missed", _("Missed")


class InspectionRound(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    schedule = models.ForeignKey(
        InspectionSchedule, null=True, on_delete=models.SET_NULL, related_name="rounds"
    )
    template = models.ForeignKey(InspectionTemplate, on_delete=models.PROTECT, related_name="+")
    company = models.ForeignKey(
        PropertyCompany, on_delete=models.CASCADE, related_name="inspection_rounds"
    )
    technician = models.ForeignKey(Technician, on_delete=models.CASCADE, related_name="rounds")
    building = models.ForeignKey(
        "parks.Building", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    due_date = models.DateField(_("due"))
    status = models.CharField(
        max_length=8, choices=RoundStatus.choices, default=RoundStatus.PENDING
    )
    results = models.JSONField(default=list, blank=True)
    items_total = models.PositiveSmallIntegerField(default=0)
    items_failed = models.PositiveSmallIntegerField(default=0)
    completed_at = models.DateTimeField(null=True, blank=True)

    objects = InspectionRoundQuerySet.as_manager()

    class Meta:
        ordering = ["-due_date"]
        indexes = [models.Index(fields=["company", "due_date"])]
        constraints = [
            models.UniqueConstraint(fields=["schedule", "due_date"], name="round_once_per_due")
        ]
        verbose_name = _("patrol round")
        verbose_name_plural = _("patrol rounds")

    def __str__(self) -> str:
        return f"{self.template_id} {self.due_date}"


class Severity(models.TextChoices):
    LOW = "low", pgettext_lazy("severity", "Low")
    MEDIUM = "medium", pgettext_lazy("severity", "Medium")
    HIGH = "high", pgettext_lazy("severity", "High")
    CRITICAL = "critical", pgettext_lazy("severity", "Critical")


class SpotCheck(models.Model):
    """A third party's safety inspection of one company's zone."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    company = models.ForeignKey(
        PropertyCompany, on_delete=models.CASCADE, related_name="spot_checks"
    )
    inspector = models.CharField(_("inspecting body"), max_length=100)
    checked_on = models.DateField(_("checked on"))
    notes = models.TextField(_("notes"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = SpotCheckQuerySet.as_manager()

    class Meta:
        ordering = ["-checked_on"]
        verbose_name = _("safety spot check")
        verbose_name_plural = _("safety spot checks")

    def __str__(self) -> str:
        return f"{self.inspector} {self.checked_on}"


class FindingStatus(models.TextChoices):
    OPEN = "open", pgettext_lazy("finding status", "Open")
    RECTIFIED = "rectified", pgettext_lazy("finding status", "Rectified")
    CLOSED = "closed", pgettext_lazy("finding status", "Closed")


class Finding(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    spot_check = models.ForeignKey(SpotCheck, on_delete=models.CASCADE, related_name="findings")
    severity = models.CharField(
        pgettext_lazy("finding", "severity"), max_length=8, choices=Severity.choices
    )
    description = models.TextField(_("finding"))
    deadline = models.DateField(_("rectify by"))
    status = models.CharField(
        max_length=10, choices=FindingStatus.choices, default=FindingStatus.OPEN
    )
    # Follow-up notes in order: [{"at", "by", "status", "note"}].
    follow_ups = models.JSONField(default=list, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)

    objects = FindingQuerySet.as_manager()

    class Meta:
        ordering = ["deadline"]
        verbose_name = _("finding")
        verbose_name_plural = _("findings")

    def __str__(self) -> str:
        return self.description[:50]

    @property
    def follow_up_entries(self) -> list[dict]:
        """The follow-ups with their time as a datetime, shown in local time like any other."""
        entries = []
        for entry in self.follow_ups or ():
            at = entry.get("at")
            try:
                at = datetime.fromisoformat(at) if at else None
            except (TypeError, ValueError):
                at = None
            entries.append({**entry, "at": at})
        return entries


class Survey(models.Model):
    """A satisfaction survey sent to the tenants of some zones (all when none are named).
    Questions: [{"key", "label", "kind": "rating"|"text"}]."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    park = models.ForeignKey("parks.Park", on_delete=models.CASCADE, related_name="+")
    title = models.CharField(_("title"), max_length=200)
    zones = models.ManyToManyField("parks.Zone", blank=True, related_name="+")
    questions = models.JSONField(default=list)
    opens_on = models.DateField(_("opens"))
    closes_on = models.DateField(_("closes"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = SurveyQuerySet.as_manager()

    class Meta:
        ordering = ["-opens_on"]
        verbose_name = _("survey")
        verbose_name_plural = _("surveys")

    def __str__(self) -> str:
        return self.title


class SurveyResponse(models.Model):
    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="responses")
    enterprise = models.ForeignKey("parks.Enterprise", on_delete=models.CASCADE, related_name="+")
    company = models.ForeignKey(PropertyCompany, on_delete=models.CASCADE, related_name="+")
    answers = models.JSONField(default=dict)
    average_rating = models.DecimalField(max_digits=3, decimal_places=2, null=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    answered_at = models.DateTimeField()

    objects = SurveyResponseQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["survey", "enterprise"], name="survey_one_answer")
        ]

    def __str__(self) -> str:
        return f"{self.survey_id} {self.enterprise_id}"
