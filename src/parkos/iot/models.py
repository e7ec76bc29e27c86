"""Devices, their credentials and readings, and the rules and alarms that watch them."""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from parkos.core.scoping import ScopedQuerySet
from parkos.core.texts import text_render

# What each actor may see is decided in permissions.py (imported when asked: it reads Device).


class DeviceQuerySet(ScopedQuerySet):
    def visible_to(self, actor):
        from parkos.iot import permissions

        return self.filter(permissions.device_visibility(actor))


class ReadingQuerySet(ScopedQuerySet):
    """Readings of the devices the actor sees (readings carry a device id, not a key)."""

    def visible_to(self, actor):
        return self.filter(device_id__in=Device.objects.visible_to(actor).values("id"))


class AlarmRuleQuerySet(ScopedQuerySet):
    def visible_to(self, actor):
        from parkos.iot import permissions

        return self.filter(permissions.rule_visibility(actor))


class AlarmQuerySet(ScopedQuerySet):
    def visible_to(self, actor):
        from parkos.iot import permissions

        return self.filter(permissions.alarm_visibility(actor))


class AlarmEventQuerySet(ScopedQuerySet):
    def visible_to(self, actor):
        from parkos.iot import permissions

        return self.filter(permissions.alarm_visibility(actor, prefix="alarm__"))


class DeviceKind(models.TextChoices):
    CAMERA = "camera", _("Camera")
    CLIMATE = "climate", _("Temperature and humidity sensor")
    AIR_QUALITY = "air_quality", _("Air quality sensor")
    ENERGY_METER = "energy_meter", _("Energy meter")
    WATER_METER = "water_meter", _("Water meter")
    THERMAL_SCANNER = "thermal_scanner", _("Thermal scanner")
    PARKING_SENSOR = "parking_sensor", _("Parking sensor")
    SMOKE_ALARM = "smoke_alarm", _("Smoke and fire alarm")
    PEOPLE_COUNTER = "people_counter", _("People counter")
    ACCESS_GATE = "access_gate", _("Access gate")
    GATEWAY = "gateway", _("Gateway")


class ValueKind(models.TextChoices):
    NUMBER = "number", pgettext_lazy("value kind", "Number")
    BOOLEAN = "boolean", _("Yes / no")
    TEXT = "text", _("Text")


class DeviceType(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    code = models.SlugField(pgettext_lazy("device type", "code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(
        pgettext_lazy("device type", "kind"), max_length=20, choices=DeviceKind.choices
    )
    # A device that has sent nothing for this long is shown offline.
    offline_after = models.PositiveIntegerField(_("offline after (seconds)"), default=900)

    class Meta:
        ordering = ["code"]
        verbose_name = _("device type")
        verbose_name_plural = _("device types")

    def __str__(self) -> str:
        return self.name


class TelemetryKey(models.Model):
    """A key a device type reports, with its unit, value kind and how long raw data is kept."""

    device_type = models.ForeignKey(
        DeviceType, verbose_name=_("device type"), on_delete=models.CASCADE, related_name="keys"
    )
    key = models.CharField(_("key"), max_length=64)
    name = models.CharField(_("name"), max_length=100)
    unit = models.CharField(_("unit of measure"), max_length=20, blank=True)
    value_kind = models.CharField(
        _("value kind"), max_length=10, choices=ValueKind.choices, default=ValueKind.NUMBER
    )
    raw_retention_days = models.PositiveIntegerField(_("raw data kept (days)"), default=90)

    class Meta:
        ordering = ["device_type_id", "key"]
        constraints = [
            models.UniqueConstraint(fields=["device_type", "key"], name="iot_key_unique")
        ]
        verbose_name = _("telemetry key")
        verbose_name_plural = _("telemetry keys")

    def __str__(self) -> str:
        return f"{self.key} ({self.unit})" if self.unit else self.key


class Device(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    park = models.ForeignKey(
        "parks.Park", verbose_name=_("park"), on_delete=models.PROTECT, related_name="+"
    )
    building = models.ForeignKey(
        "parks.Building",
        verbose_name=_("building"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    floor = models.ForeignKey(
        "parks.Floor",
        verbose_name=_("floor"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # A device inside a let unit is visible to that unit's tenant.
    unit = models.ForeignKey(
        "parks.Unit",
        verbose_name=_("unit"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    device_type = models.ForeignKey(
        DeviceType, verbose_name=_("device type"), on_delete=models.PROTECT, related_name="devices"
    )
    gateway = models.ForeignKey(
        "self",
        verbose_name=_("gateway"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="children",
    )
    serial = models.CharField(_("serial number"), max_length=64, unique=True)
    name = models.CharField(_("name"), max_length=100)
    # Position on the schematic park map, 0–100 each way (floor views reuse it).
    map_x = models.FloatField(_("map x"), default=50)
    map_y = models.FloatField(_("map y"), default=50)
    attributes = models.JSONField(_("attributes"), default=dict, blank=True)
    last_seen_at = models.DateTimeField(_("last seen"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = DeviceQuerySet.as_manager()

    class Meta:
        ordering = ["park_id", "serial"]
        indexes = [models.Index(fields=["park", "device_type"])]
        verbose_name = _("device")
        verbose_name_plural = _("devices")

    def __str__(self) -> str:
        return self.name

    def is_online(self, now=None) -> bool:
        if self.last_seen_at is None:
            return False
        now = now or timezone.now()
        return (now - self.last_seen_at).total_seconds() <= self.device_type.offline_after


class DeviceCredential(models.Model):
    """An access token of one device, kept only as a hash; rotating revokes the old one."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    device = models.ForeignKey(
        Device, verbose_name=_("device"), on_delete=models.CASCADE, related_name="credentials"
    )
    token_hash = models.CharField(max_length=64, unique=True)
    token_prefix = models.CharField(_("token starts with"), max_length=8)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("device credential")
        verbose_name_plural = _("device credentials")

    def __str__(self) -> str:
        return f"{self.token_prefix}…"


class Telemetry(models.Model):
    """One reading. The primary key is the de-duplication key: a reading delivered twice is
    stored once. On PostgreSQL the table is partitioned by month (see migrations)."""

    pk = models.CompositePrimaryKey("device_id", "key", "ts")
    device_id = models.UUIDField()
    key = models.CharField(max_length=64)
    ts = models.DateTimeField()
    value = models.FloatField(null=True)
    text = models.TextField(null=True)

    objects = ReadingQuerySet.as_manager()

    class Meta:
        verbose_name = _("reading")
        verbose_name_plural = _("readings")

    def __str__(self) -> str:
        return f"{self.key}@{self.ts:%Y-%m-%d %H:%M:%S}"


class TelemetryHourly(models.Model):
    """Hourly roll-up of numeric readings, kept after the raw data has expired."""

    pk = models.CompositePrimaryKey("device_id", "key", "hour")
    device_id = models.UUIDField()
    key = models.CharField(max_length=64)
    hour = models.DateTimeField()
    avg = models.FloatField()
    min = models.FloatField()
    max = models.FloatField()
    last = models.FloatField()
    count = models.PositiveIntegerField()

    class Meta:
        verbose_name = _("hourly reading")
        verbose_name_plural = _("hourly readings")

    def __str__(self) -> str:
        return f"{self.key}@{self.hour:%Y-%m-%d %H}"


class TelemetryRollup(models.Model):
    """Five-minute roll-up of numeric readings (see rollup.py): what a chart of a day or more
    reads instead of every reading. `bucket` is the start of the five minutes."""

    pk = models.CompositePrimaryKey("device_id", "key", "bucket")
    device_id = models.UUIDField()
    key = models.CharField(max_length=64)
    bucket = models.DateTimeField()
    count = models.PositiveIntegerField()
    sum = models.FloatField()
    min = models.FloatField()
    max = models.FloatField()
    last_ts = models.DateTimeField()
    last = models.FloatField()

    class Meta:
        verbose_name = _("five-minute reading")
        verbose_name_plural = _("five-minute readings")

    def __str__(self) -> str:
        return f"{self.key}@{self.bucket:%Y-%m-%d %H:%M}"


class TelemetryRollupStale(models.Model):
    """A five-minute roll-up that a reading arriving late has made stale; until it is
    computed again, readers take that bucket from the raw readings."""

    pk = models.CompositePrimaryKey("device_id", "key", "bucket")
    device_id = models.UUIDField()
    key = models.CharField(max_length=64)
    bucket = models.DateTimeField()
    marks = models.PositiveIntegerField(default=1)

    class Meta:
        verbose_name = _("stale five-minute reading")
        verbose_name_plural = _("stale five-minute readings")

    def __str__(self) -> str:
        return f"{self.key}@{self.bucket:%Y-%m-%d %H:%M}"


class TelemetryRollupMark(models.Model):
    """Two marks of the roll-up: "closing", before which a reading stored from now on
    counts as late, and "rolled", before which every bucket has been rolled up."""

    name = models.CharField(max_length=16, primary_key=True)
    until = models.DateTimeField()

    class Meta:
        verbose_name = _("roll-up mark")
        verbose_name_plural = _("roll-up marks")

    def __str__(self) -> str:
        return f"{self.name}: {self.until:%Y-%m-%d %H:%M}"


class LatestValue(models.Model):
    pk = models.CompositePrimaryKey("device_id", "key")
    device_id = models.UUIDField()
    key = models.CharField(max_length=64)
    ts = models.DateTimeField()
    value = models.FloatField(null=True)
    text = models.TextField(null=True)

    objects = ReadingQuerySet.as_manager()

    class Meta:
        verbose_name = _("latest value")
        verbose_name_plural = _("latest values")

    def __str__(self) -> str:
        return f"{self.key}={self.value}"


class IngestCount(models.Model):
    """Counters of the ingest pipeline per day, channel and outcome (accepted, duplicate,
    each rejection reason)."""

    pk = models.CompositePrimaryKey("day", "channel", "outcome")
    day = models.DateField()
    channel = models.CharField(max_length=10)
    outcome = models.CharField(max_length=32)
    count = models.BigIntegerField(default=0)

    class Meta:
        verbose_name = _("ingest counter")
        verbose_name_plural = _("ingest counters")

    def __str__(self) -> str:
        return f"{self.day} {self.channel} {self.outcome}"


class Severity(models.TextChoices):
    CRITICAL = "critical", pgettext_lazy("alarm severity", "Critical")
    MAJOR = "major", _("Major")
    MINOR = "minor", _("Minor")
    WARNING = "warning", pgettext_lazy("alarm severity", "Warning")


SEVERITY_ORDER = [Severity.CRITICAL, Severity.MAJOR, Severity.MINOR, Severity.WARNING]


class RuleKind(models.TextChoices):
    THRESHOLD = "threshold", _("Threshold")
    RATE = "rate", _("Rate of change")
    NO_DATA = "no_data", _("No data")
    COMBINATION = "combination", _("Combination of keys")


class Comparison(models.TextChoices):
    ABOVE = "above", _("above")
    BELOW = "below", _("below")
    OUTSIDE = "outside", _("outside range")


class AlarmRule(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    park = models.ForeignKey(
        "parks.Park", verbose_name=_("park"), on_delete=models.CASCADE, related_name="+"
    )
    name = models.CharField(_("name"), max_length=100)
    device_type = models.ForeignKey(
        DeviceType,
        verbose_name=_("device type"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="rules",
    )
    device = models.ForeignKey(
        Device,
        verbose_name=_("device"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="rules",
    )
    kind = models.CharField(
        pgettext_lazy("alarm rule", "kind"), max_length=12, choices=RuleKind.choices
    )
    key = models.CharField(_("key"), max_length=64, blank=True)
    comparison = models.CharField(
        _("comparison"), max_length=8, choices=Comparison.choices, blank=True
    )
    low = models.FloatField(_("lower limit"), null=True, blank=True)
    high = models.FloatField(_("upper limit"), null=True, blank=True)
    # The condition must hold this long before the alarm is raised.
    duration = models.PositiveIntegerField(_("for (seconds)"), default=0)
    # Rate rules: largest allowed change per minute.
    rate_per_minute = models.FloatField(_("change per minute"), null=True, blank=True)
    silence_minutes = models.PositiveIntegerField(_("no data for (minutes)"), null=True, blank=True)
    # Combination rules: every condition `{"key", "comparison", "low", "high"}` must hold.
    conditions = models.JSONField(_("conditions"), default=list, blank=True)
    severity = models.CharField(
        pgettext_lazy("alarm", "severity"), max_length=10, choices=Severity.choices
    )
    opens_ticket = models.BooleanField(_("opens a ticket"), default=False)
    ticket_category = models.CharField(_("ticket category"), max_length=40, blank=True)
    ticket_priority = models.CharField(_("ticket priority"), max_length=20, blank=True)
    # Clear the alarm by itself when the condition stops holding (otherwise an operator does).
    auto_clear = models.BooleanField(_("clears by itself"), default=False)
    enabled = models.BooleanField(_("enabled"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = AlarmRuleQuerySet.as_manager()

    class Meta:
        ordering = ["park_id", "name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(device_type__isnull=False) | Q(device__isnull=False),
                name="iot_rule_has_target",
            )
        ]
        verbose_name = _("alarm rule")
        verbose_name_plural = _("alarm rules")

    def __str__(self) -> str:
        return self.name


class RuleState(models.Model):
    """Since when a rule's condition has held for a device (for 'for N minutes' rules)."""

    pk = models.CompositePrimaryKey("rule_id", "device_id")
    rule = models.ForeignKey(AlarmRule, on_delete=models.CASCADE, related_name="+")
    device = models.ForeignKey(Device, on_delete=models.CASCADE, related_name="+")
    holding_since = models.DateTimeField(null=True)
    # Raised for the current episode: the next raise waits for the condition to lapse first.
    fired = models.BooleanField(default=False)

    def __str__(self) -> str:
        return f"{self.rule_id}:{self.device_id}"


class AlarmStatus(models.TextChoices):
    ACTIVE = "active", pgettext_lazy("alarm status", "Active")
    ACKNOWLEDGED = "acknowledged", _("Acknowledged")
    CLEARED = "cleared", pgettext_lazy("alarm status", "Cleared")


class Alarm(models.Model):
    """One alarm. At most one is open (active or acknowledged) per (source, dedupe key):
    a repeat raises the count of the open one."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    park = models.ForeignKey(
        "parks.Park", verbose_name=_("park"), on_delete=models.CASCADE, related_name="+"
    )
    building = models.ForeignKey(
        "parks.Building",
        verbose_name=_("building"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    device = models.ForeignKey(
        Device,
        verbose_name=_("device"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="alarms",
    )
    rule = models.ForeignKey(
        AlarmRule,
        verbose_name=_("rule"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="alarms",
    )
    source = models.CharField(_("source"), max_length=40)
    dedupe_key = models.CharField(max_length=200)
    severity = models.CharField(
        pgettext_lazy("alarm", "severity"), max_length=10, choices=Severity.choices
    )
    status = models.CharField(
        _("status"), max_length=14, choices=AlarmStatus.choices, default=AlarmStatus.ACTIVE
    )
    title = models.CharField(_("title"), max_length=200)
    message = models.TextField(pgettext_lazy("alarm", "message"), blank=True)
    # The title and message as message ids and parameters (core.texts), translated when
    # shown; `title` and `message` keep them in the park's language for search and export.
    texts = models.JSONField(default=dict, blank=True)
    value = models.FloatField(_("value"), null=True, blank=True)
    count = models.PositiveIntegerField(pgettext_lazy("alarm", "count"), default=1)
    raised_at = models.DateTimeField(pgettext_lazy("alarm", "raised at"), default=timezone.now)
    last_raised_at = models.DateTimeField(_("last raised at"), default=timezone.now)
    acknowledged_at = models.DateTimeField(_("acknowledged at"), null=True, blank=True)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("acknowledged by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    cleared_at = models.DateTimeField(pgettext_lazy("alarm", "cleared at"), null=True, blank=True)
    cleared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("cleared by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("assignee"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # The property ticket opened for this alarm (an id, so the apps migrate independently).
    ticket_id = models.UUIDField(_("ticket"), null=True, blank=True)

    objects = AlarmQuerySet.as_manager()

    class Meta:
        ordering = ["-last_raised_at"]
        indexes = [models.Index(fields=["park", "status", "severity"])]
        constraints = [
            models.UniqueConstraint(
                fields=["source", "dedupe_key"],
                condition=~Q(status="cleared"),
                name="iot_one_open_alarm",
            )
        ]
        verbose_name = _("alarm")
        verbose_name_plural = _("alarms")

    def __str__(self) -> str:
        return self.title

    @property
    def is_open(self) -> bool:
        return self.status != AlarmStatus.CLEARED

    @property
    def title_text(self) -> str:
        return text_render((self.texts or {}).get("title"), self.title)

    @property
    def message_text(self) -> str:
        return text_render((self.texts or {}).get("message"), self.message)


class AlarmEventKind(models.TextChoices):
    RAISED = "raised", pgettext_lazy("alarm event", "Raised")
    REPEATED = "repeated", _("Repeated")
    ACKNOWLEDGED = "acknowledged", _("Acknowledged")
    CLEARED = "cleared", pgettext_lazy("alarm event", "Cleared")
    COMMENTED = "commented", pgettext_lazy("alarm event", "Comment")
    ASSIGNED = "assigned", _("Assigned")
    TICKET_LINKED = "ticket_linked", _("Ticket opened")
    NOTIFIED = "notified", _("Notified")


class AlarmEvent(models.Model):
    alarm = models.ForeignKey(
        Alarm, verbose_name=_("alarm"), on_delete=models.CASCADE, related_name="events"
    )
    kind = models.CharField(
        pgettext_lazy("alarm event", "kind"), max_length=16, choices=AlarmEventKind.choices
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    at = models.DateTimeField(_("at"), default=timezone.now)
    note = models.TextField(pgettext_lazy("alarm event", "note"), blank=True)
    data = models.JSONField(default=dict, blank=True)

    objects = AlarmEventQuerySet.as_manager()

    class Meta:
        ordering = ["at", "id"]
        verbose_name = _("alarm event")
        verbose_name_plural = _("alarm events")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.at:%Y-%m-%d %H:%M}"

    @property
    def note_text(self) -> str:
        """The note in the reader's language when the system wrote it as a text."""
        return text_render((self.data or {}).get("text"), self.note)
