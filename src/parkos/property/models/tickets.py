"""Tickets, their life as events, their photos, SLA policies and the dispatch models."""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from parkos.property.models.org import Category, PropertyCompany, Technician
from parkos.property.models.querysets import (
    CompanyRowQuerySet,
    TicketChildQuerySet,
    TicketQuerySet,
)


class Priority(models.TextChoices):
    URGENT = "urgent", _("Urgent")
    HIGH = "high", _("High")
    NORMAL = "normal", _("Normal")
    LOW = "low", _("Low")


class TicketKind(models.TextChoices):
    REPAIR = "repair", _("Repair")
    COMPLAINT = "complaint", _("Complaint")
    REQUEST = "request", _("Request")


class TicketSource(models.TextChoices):
    WEB = "web", _("Web page")
    APP = "app", _("App")
    PHONE = "phone", _("Phone call")
    INSPECTION = "inspection", _("Inspection")
    ALARM = "alarm", _("Alarm")


class TicketStatus(models.TextChoices):
    NEW = "new", _("New")
    DISPATCHED = "dispatched", _("Dispatched")
    ACCEPTED = "accepted", pgettext_lazy("ticket status", "Accepted")
    ON_SITE = "on_site", _("On site")
    RESOLVED = "resolved", _("Resolved")
    REOPENED = "reopened", _("Reopened")
    CONFIRMED = "confirmed", _("Confirmed")
    CANCELLED = "cancelled", _("Cancelled")


OPEN_STATUSES = (
    TicketStatus.NEW,
    TicketStatus.DISPATCHED,
    TicketStatus.ACCEPTED,
    TicketStatus.ON_SITE,
    TicketStatus.REOPENED,
)

# Still owed work by the technician holding it (his open load).
LOAD_STATUSES = (TicketStatus.DISPATCHED, TicketStatus.ACCEPTED, TicketStatus.ON_SITE)


class Ticket(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    number = models.CharField(_("number"), max_length=24, unique=True)
    company = models.ForeignKey(
        PropertyCompany,
        verbose_name=_("property company"),
        on_delete=models.PROTECT,
        related_name="tickets",
    )
    building = models.ForeignKey(
        "parks.Building",
        verbose_name=_("building"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    floor = models.ForeignKey(
        "parks.Floor",
        verbose_name=_("floor"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    unit = models.ForeignKey(
        "parks.Unit",
        verbose_name=_("unit"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    enterprise = models.ForeignKey(
        "parks.Enterprise",
        verbose_name=_("enterprise"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    raised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("raised by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    source = models.CharField(_("source"), max_length=12, choices=TicketSource.choices)
    source_ref = models.CharField(_("source reference"), max_length=100, blank=True)
    kind = models.CharField(_("type"), max_length=10, choices=TicketKind.choices)
    category = models.CharField(
        pgettext_lazy("ticket", "category"), max_length=16, choices=Category.choices, blank=True
    )
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(pgettext_lazy("ticket", "description"))
    priority = models.CharField(_("priority"), max_length=8, choices=Priority.choices)
    preferred_time = models.DateTimeField(_("preferred time"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=12, choices=TicketStatus.choices, default=TicketStatus.NEW
    )
    # What the model said: its top suggestions [[code, probability], ...] and the first's.
    predicted_category = models.CharField(max_length=16, blank=True)
    confidence = models.FloatField(null=True, blank=True)
    suggestions = models.JSONField(default=list, blank=True)
    awaiting_dispatcher = models.BooleanField(_("awaiting a dispatcher"), default=False)
    assignee = models.ForeignKey(
        Technician,
        verbose_name=_("technician"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="tickets",
    )
    assignment_reasons = models.JSONField(default=list, blank=True)
    response_due = models.DateTimeField(_("response due"), null=True, blank=True)
    resolution_due = models.DateTimeField(_("resolution due"), null=True, blank=True)
    response_escalated_at = models.DateTimeField(null=True, blank=True)
    resolution_escalated_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(pgettext_lazy("ticket", "raised at"))
    dispatched_at = models.DateTimeField(null=True, blank=True)
    accepted_at = models.DateTimeField(null=True, blank=True)
    arrived_at = models.DateTimeField(null=True, blank=True)
    resolved_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    reopen_count = models.PositiveSmallIntegerField(default=0)
    rating = models.PositiveSmallIntegerField(_("rating"), null=True, blank=True)
    rating_comment = models.TextField(pgettext_lazy("rating", "comment"), blank=True)

    objects = TicketQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["company", "status"]),
            models.Index(fields=["assignee", "status"]),
            models.Index(fields=["enterprise", "created_at"]),
            models.Index(fields=["company", "created_at"]),
        ]
        constraints = [
            # A system source (an alarm) raises one open ticket per reference.
            models.UniqueConstraint(
                fields=["source", "source_ref"],
                condition=Q(status__in=[s.value for s in OPEN_STATUSES]) & ~Q(source_ref=""),
                name="ticket_one_open_per_source_ref",
            ),
            models.CheckConstraint(
                condition=Q(rating__isnull=True) | Q(rating__gte=1, rating__lte=5),
                name="ticket_rating_1_5",
            ),
            # Filters and statistics count tickets by source: no free words.
            models.CheckConstraint(
                condition=Q(source__in=TicketSource.values), name="ticket_source_known"
            ),
        ]
        verbose_name = _("ticket")
        verbose_name_plural = _("tickets")

    def __str__(self) -> str:
        return f"{self.number} {self.title}"

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    @property
    def heading(self) -> str:
        """The title as shown: a patrol finding's title is the checklist item it failed."""
        if self.source == TicketSource.INSPECTION:
            return _("Inspection finding: %(item)s") % {"item": self.title}
        return self.title

    @property
    def assignment_reason_texts(self) -> list[str]:
        from parkos.property.texts import reasons_text

        return reasons_text(self.assignment_reasons)


EVENT_LABELS = {
    "created": pgettext_lazy("ticket event", "Raised"),
    "classified": _("Classified"),
    "awaiting_dispatcher": _("Waiting for a dispatcher"),
    "corrected": _("Category corrected"),
    "dispatch": _("Dispatched"),
    "override": _("Dispatcher override"),
    "accept": pgettext_lazy("ticket event", "Accepted"),
    "arrive": _("Arrived on site"),
    "resolve": _("Resolved"),
    "confirm": _("Confirmed and rated"),
    "reopen": _("Reopened"),
    "cancel": _("Cancelled"),
    "escalated": _("SLA breach escalated"),
    "photo": _("Photos added"),
}


class TicketEvent(models.Model):
    """One thing that happened to a ticket: kept forever, in order."""

    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField(_("time"))
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    kind = models.CharField(_("event"), max_length=20)
    from_status = models.CharField(max_length=12, blank=True)
    to_status = models.CharField(max_length=12, blank=True)
    note = models.TextField(pgettext_lazy("ticket event", "note"), blank=True)
    data = models.JSONField(default=dict, blank=True)

    objects = TicketChildQuerySet.as_manager()

    class Meta:
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["ticket", "at"])]
        verbose_name = _("ticket event")
        verbose_name_plural = _("ticket events")

    def __str__(self) -> str:
        return f"{self.ticket_id} {self.kind}"

    @property
    def label(self) -> str:
        return str(EVENT_LABELS.get(self.kind, self.kind))

    @property
    def note_text(self) -> str:
        """The note in the reader's language when the system wrote it (a code in the data,
        see property/texts.py), else as typed."""
        from parkos.property.texts import system_note

        return system_note((self.data or {}).get("why")) or self.note

    @property
    def reason_texts(self) -> list[str]:
        from parkos.property.texts import reasons_text

        return reasons_text((self.data or {}).get("reasons"))

    @property
    def to_status_label(self) -> str:
        return (
            str(TicketStatus(self.to_status).label) if self.to_status in TicketStatus.values else ""
        )


def photo_path(instance, filename: str) -> str:
    return f"property/tickets/{instance.ticket_id}/{uuid.uuid4().hex}.{instance.extension}"


class TicketPhoto(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="photos")
    image = models.FileField(_("photo"), upload_to=photo_path)
    extension = models.CharField(max_length=5, default="jpg")
    stage = models.CharField(max_length=10, default="report")
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = TicketChildQuerySet.as_manager()

    class Meta:
        ordering = ["created_at"]
        verbose_name = _("photo")
        verbose_name_plural = _("photos")

    def __str__(self) -> str:
        return self.image.name


class SLAPolicy(models.Model):
    """Response and resolution targets for a priority, optionally narrowed to a category.
    Working-hours minutes count only the company's working day on Chinese working days."""

    company = models.ForeignKey(PropertyCompany, on_delete=models.CASCADE, related_name="slas")
    priority = models.CharField(_("priority"), max_length=8, choices=Priority.choices)
    category = models.CharField(
        pgettext_lazy("ticket", "category"), max_length=16, choices=Category.choices, blank=True
    )
    response_minutes = models.PositiveIntegerField(_("response within (minutes)"))
    resolution_minutes = models.PositiveIntegerField(_("resolution within (minutes)"))
    working_hours = models.BooleanField(_("count working hours only"), default=True)

    objects = CompanyRowQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["company", "priority", "category"], name="sla_unique_rule"
            )
        ]
        verbose_name = _("SLA policy")
        verbose_name_plural = _("SLA policies")

    def __str__(self) -> str:
        return f"{self.company} {self.priority} {self.category or '*'}"


class DispatchModel(models.Model):
    """A trained classifier of one company, as bytes; the newest is the one in use."""

    company = models.ForeignKey(
        PropertyCompany, on_delete=models.CASCADE, related_name="dispatch_models"
    )
    trained_at = models.DateTimeField()
    samples = models.PositiveIntegerField()
    labels = models.JSONField(default=list)
    blob = models.BinaryField()

    objects = CompanyRowQuerySet.as_manager()

    class Meta:
        ordering = ["-trained_at", "-id"]
        get_latest_by = "trained_at"
        verbose_name = _("dispatch model")
        verbose_name_plural = _("dispatch models")

    def __str__(self) -> str:
        return f"{self.company_id} {self.trained_at:%Y-%m-%d %H:%M}"


class CategoryCorrection(models.Model):
    """A dispatcher's change of the predicted category: the next training learns from it."""

    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="corrections")
    predicted = models.CharField(max_length=16, blank=True)
    corrected = models.CharField(max_length=16, choices=Category.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    at = models.DateTimeField()

    objects = TicketChildQuerySet.as_manager()

    class Meta:
        ordering = ["-at"]

    def __str__(self) -> str:
        return f"{self.predicted} → {self.corrected}"
