"""Areas of a park with their people counters, the hourly counts, the latest forecasts and
the early warnings raised from them.

Counts and forecasts are per clock hour: a row's `starts_at` is the aware start of the hour
(local time, Asia/Shanghai for the demo park). A missing row is a gap, never a zero.
"""

import uuid

from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext, gettext_noop, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from parkos.core.scoping import ScopedQuerySet
from parkos.core.texts import text_render


def _seen(actor, prefix: str = "") -> Q:
    # permissions.py decides; imported when asked, as it reads the park network.
    from parkos.crowd import permissions

    return permissions.park_visibility(actor, prefix=prefix)


class AreaQuerySet(ScopedQuerySet):
    def visible_to(self, actor):
        return self.filter(_seen(actor))


class CounterQuerySet(ScopedQuerySet):
    def visible_to(self, actor):
        return self.filter(_seen(actor))


class HourlyCountQuerySet(ScopedQuerySet):
    def visible_to(self, actor):
        return self.filter(_seen(actor, "counter__"))


class ForecastPointQuerySet(ScopedQuerySet):
    """A point belongs to an area or to a counter, each in a park."""

    def visible_to(self, actor):
        return self.filter(_seen(actor, "area__") | _seen(actor, "counter__"))


class CrowdWarningQuerySet(ScopedQuerySet):
    def visible_to(self, actor):
        return self.filter(_seen(actor, "area__"))


class WarningEventQuerySet(ScopedQuerySet):
    def visible_to(self, actor):
        return self.filter(_seen(actor, "warning__area__"))


class AreaKind(models.TextChoices):
    PLAZA = "plaza", _("Plaza")
    CANTEEN = "canteen", _("Canteen")
    EXHIBITION_HALL = "exhibition_hall", _("Exhibition hall")
    GATE = "gate", _("Gate")
    PARKING_ENTRANCE = "parking_entrance", _("Parking entrance")
    OTHER = "other", _("Other")


class Area(models.Model):
    """A place whose crowd is watched. Capacity and thresholds are people per hour as the
    area's counters count them (the sum of its counters)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    park = models.ForeignKey(
        "parks.Park", verbose_name=_("park"), on_delete=models.CASCADE, related_name="+"
    )
    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(
        pgettext_lazy("crowd area", "kind"), max_length=20, choices=AreaKind.choices
    )
    capacity = models.PositiveIntegerField(_("capacity"), validators=[MinValueValidator(1)])
    warning_threshold = models.PositiveIntegerField(
        _("warning threshold"), validators=[MinValueValidator(1)]
    )
    critical_threshold = models.PositiveIntegerField(
        _("critical threshold"), validators=[MinValueValidator(1)]
    )
    # Position on the schematic park map of the heat map, 0–100 each way.
    map_x = models.FloatField(_("map x"), default=50)
    map_y = models.FloatField(_("map y"), default=50)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = AreaQuerySet.as_manager()

    class Meta:
        ordering = ["park_id", "name"]
        constraints = [
            models.UniqueConstraint(fields=["park", "name"], name="crowd_area_unique_name"),
            models.CheckConstraint(
                condition=Q(warning_threshold__lte=F("critical_threshold")),
                name="crowd_area_warning_below_critical",
            ),
        ]
        verbose_name = _("area")
        verbose_name_plural = _("areas")

    def __str__(self) -> str:
        return self.name


# What the forecasting engine's models are called on the pages.
FORECAST_MODEL_LABELS = {
    "gradient_boosting": _("Gradient boosting (LightGBM)"),
    "seasonal_naive": _("Same hour last week"),
    "recent_weeks_mean": _("Mean of the same hour, last four weeks"),
    "recent_hour_of_day_mean": _("Mean of the same hour, recent days"),
}


class Counter(models.Model):
    """A people counter, named as its counts files name it (`sensor`). `device_id` is the
    IOC device that feeds it live counts (an id, so crowd and iot migrate independently)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    park = models.ForeignKey(
        "parks.Park", verbose_name=_("park"), on_delete=models.CASCADE, related_name="+"
    )
    area = models.ForeignKey(
        Area,
        verbose_name=_("area"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="counters",
    )
    name = models.CharField(_("sensor name"), max_length=100)
    device_id = models.UUIDField(_("IOC device"), null=True, blank=True)
    telemetry_key = models.CharField(_("telemetry key"), max_length=64, default="count")
    # The model the last forecast refresh chose for this counter, and why.
    forecast_model = models.CharField(_("forecast model"), max_length=40, blank=True)
    forecast_is_fallback = models.BooleanField(_("simple fallback model"), default=False)
    forecast_reason = models.CharField(_("why this model"), max_length=300, blank=True)
    forecast_updated_at = models.DateTimeField(_("forecast updated at"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = CounterQuerySet.as_manager()

    class Meta:
        ordering = ["park_id", "name"]
        constraints = [
            models.UniqueConstraint(fields=["park", "name"], name="crowd_counter_unique_name")
        ]
        indexes = [models.Index(fields=["device_id"])]
        verbose_name = _("people counter")
        verbose_name_plural = _("people counters")

    def __str__(self) -> str:
        return self.name

    @property
    def forecast_model_label(self) -> str:
        label = FORECAST_MODEL_LABELS.get(self.forecast_model)
        return str(label) if label else self.forecast_model


class CountSource(models.TextChoices):
    IMPORT = "import", _("Imported file")
    TELEMETRY = "telemetry", _("IOC telemetry")


class HourlyCount(models.Model):
    counter = models.ForeignKey(Counter, on_delete=models.CASCADE, related_name="hourly_counts")
    starts_at = models.DateTimeField(_("hour"))
    count = models.FloatField(
        pgettext_lazy("people count", "count"), validators=[MinValueValidator(0)]
    )
    source = models.CharField(_("source"), max_length=10, choices=CountSource.choices)

    objects = HourlyCountQuerySet.as_manager()

    class Meta:
        ordering = ["counter_id", "starts_at"]
        constraints = [
            models.UniqueConstraint(fields=["counter", "starts_at"], name="crowd_hourly_unique"),
            models.CheckConstraint(condition=Q(count__gte=0), name="crowd_hourly_not_negative"),
        ]
        verbose_name = _("hourly count")
        verbose_name_plural = _("hourly counts")

    def __str__(self) -> str:
        return f"{self.counter_id} {self.starts_at:%Y-%m-%d %H:%M} {self.count:g}"


class ForecastPoint(models.Model):
    """One hour of the latest forecast of a counter or of an area (exactly one is set).
    A refresh replaces the points of what it forecast."""

    counter = models.ForeignKey(
        Counter, null=True, blank=True, on_delete=models.CASCADE, related_name="forecast_points"
    )
    area = models.ForeignKey(
        Area, null=True, blank=True, on_delete=models.CASCADE, related_name="forecast_points"
    )
    issued_at = models.DateTimeField(_("issued at"))
    starts_at = models.DateTimeField(_("hour"))
    step = models.PositiveSmallIntegerField(_("hours ahead"))
    expected = models.FloatField(_("expected"))
    lower_80 = models.FloatField()
    upper_80 = models.FloatField()
    lower_95 = models.FloatField()
    upper_95 = models.FloatField()

    objects = ForecastPointQuerySet.as_manager()

    class Meta:
        ordering = ["starts_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(counter__isnull=True, area__isnull=False)
                | Q(counter__isnull=False, area__isnull=True),
                name="crowd_forecast_one_subject",
            ),
            models.UniqueConstraint(
                fields=["counter", "starts_at"],
                condition=Q(counter__isnull=False),
                name="crowd_forecast_counter_hour",
            ),
            models.UniqueConstraint(
                fields=["area", "starts_at"],
                condition=Q(area__isnull=False),
                name="crowd_forecast_area_hour",
            ),
        ]
        verbose_name = _("forecast hour")
        verbose_name_plural = _("forecast hours")

    def __str__(self) -> str:
        return f"{self.starts_at:%Y-%m-%d %H:%M} {self.expected:.0f}"


class WarningLevel(models.TextChoices):
    WARNING = "warning", pgettext_lazy("crowd warning", "Warning")
    CRITICAL = "critical", pgettext_lazy("crowd warning", "Critical")


class WarningKind(models.TextChoices):
    FORECAST = "forecast", _("Forecast")
    LIVE = "live", _("Live count")


class WarningStatus(models.TextChoices):
    ACTIVE = "active", pgettext_lazy("crowd warning", "Active")
    CLEARED = "cleared", pgettext_lazy("crowd warning", "Cleared")


# What each forecast bound compared with the thresholds is called in a warning.
BOUND_NAMES = {
    "upper_80": gettext_noop("upper end of the interval (80%)"),
    "upper_95": gettext_noop("upper end of the interval (95%)"),
    "lower_80": gettext_noop("lower end of the interval (80%)"),
    "lower_95": gettext_noop("lower end of the interval (95%)"),
}


class CrowdWarning(models.Model):
    """An early warning of an area: at most one active per (area, kind). It is mirrored as
    an IOC alarm (`alarm_id`) so the operations center sees it in its alarm list."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    area = models.ForeignKey(Area, on_delete=models.CASCADE, related_name="warnings")
    kind = models.CharField(
        pgettext_lazy("crowd warning", "kind"), max_length=10, choices=WarningKind.choices
    )
    level = models.CharField(
        pgettext_lazy("crowd warning", "level"), max_length=10, choices=WarningLevel.choices
    )
    status = models.CharField(
        _("status"), max_length=10, choices=WarningStatus.choices, default=WarningStatus.ACTIVE
    )
    expected_at = models.DateTimeField(_("expected at"))
    expected_count = models.PositiveIntegerField(_("expected people"))
    threshold = models.PositiveIntegerField(_("threshold"))
    lead_hours = models.PositiveSmallIntegerField(_("lead time (hours)"))
    message = models.CharField(pgettext_lazy("crowd warning", "message"), max_length=300)
    # The message as a message id and parameters (core.texts), translated when shown;
    # `message` keeps it in the park's language.
    texts = models.JSONField(default=dict, blank=True)
    # The forecast value compared with the thresholds ("upper_80", ...); blank when live.
    bound = models.CharField(_("forecast bound"), max_length=12, blank=True)
    alarm_id = models.UUIDField(_("IOC alarm"), null=True, blank=True)
    raised_at = models.DateTimeField(pgettext_lazy("crowd warning", "raised at"))
    updated_at = models.DateTimeField(_("updated at"))
    cleared_at = models.DateTimeField(
        pgettext_lazy("crowd warning", "cleared at"), null=True, blank=True
    )

    objects = CrowdWarningQuerySet.as_manager()

    class Meta:
        ordering = ["expected_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["area", "kind"],
                condition=Q(status="active"),
                name="crowd_one_active_warning",
            )
        ]
        verbose_name = _("crowd warning")
        verbose_name_plural = _("crowd warnings")

    def __str__(self) -> str:
        return self.message

    @property
    def bound_label(self) -> str:
        """The bound's name when the count is a bound of the interval, not the forecast."""
        name = BOUND_NAMES.get(self.bound)
        return gettext(name) if name else ""

    @property
    def message_text(self) -> str:
        return text_render((self.texts or {}).get("message"), self.message)


class WarningEventKind(models.TextChoices):
    RAISED = "raised", pgettext_lazy("crowd warning", "Raised")
    CHANGED = "changed", _("Changed")
    CLEARED = "cleared", pgettext_lazy("crowd warning", "Cleared")


class WarningEvent(models.Model):
    """Every state change of a warning, kept."""

    warning = models.ForeignKey(CrowdWarning, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=10, choices=WarningEventKind.choices)
    at = models.DateTimeField()
    level = models.CharField(max_length=10, choices=WarningLevel.choices)
    expected_at = models.DateTimeField()
    expected_count = models.PositiveIntegerField()
    note = models.CharField(max_length=300, blank=True)

    objects = WarningEventQuerySet.as_manager()

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.kind} {self.at:%Y-%m-%d %H:%M}"
