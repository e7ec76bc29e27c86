import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class AuditEntry(models.Model):
    """Who changed what, when: kept for money, approvals and scores, never edited."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    at = models.DateTimeField(_("time"), auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("actor"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    action = models.CharField(_("action"), max_length=64)
    object_type = models.CharField(_("object type"), max_length=100)
    object_id = models.CharField(_("object id"), max_length=64)
    object_repr = models.CharField(_("object"), max_length=200)
    changes = models.JSONField(_("changes"), default=dict, blank=True)
    # The park whose operators may read this entry; empty for network-wide changes.
    park_id = models.UUIDField(_("park"), null=True, blank=True, db_index=True)

    class Meta:
        ordering = ["-at"]
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit log")
        indexes = [models.Index(fields=["object_type", "object_id"])]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.action} {self.object_repr}"


class ImportStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Running")
    DONE = "done", _("Done")
    # Rows were refused: nothing of the file was written; the row report says why.
    REFUSED = "refused", _("Refused")
    # The file itself could not be read, or the import broke: nothing was written.
    FAILED = "failed", _("Failed")


class ImportJob(models.Model):
    """One uploaded file for one importer (`kind`), checked and written in the background."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    kind = models.CharField(_("kind"), max_length=64, db_index=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uploaded by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # The park the file was uploaded for (a plain id: core knows no parks).
    park_id = models.UUIDField(_("park"), null=True, blank=True, db_index=True)
    # The language the row report is worded in: the uploader's at upload time.
    language = models.CharField(_("language"), max_length=10, blank=True)
    options = models.JSONField(_("options"), default=dict, blank=True)
    file_name = models.CharField(_("file"), max_length=200)
    content = models.BinaryField()
    status = models.CharField(
        _("status"), max_length=10, choices=ImportStatus.choices, default=ImportStatus.QUEUED
    )
    total_rows = models.PositiveIntegerField(_("rows"), default=0)
    processed_rows = models.PositiveIntegerField(_("checked"), default=0)
    created_count = models.PositiveIntegerField(_("created"), default=0)
    updated_count = models.PositiveIntegerField(_("updated"), default=0)
    # Every refused row is counted; only the first IMPORT_MAX_ERRORS are kept as rows.
    error_count = models.PositiveIntegerField(_("refused rows"), default=0)
    error = models.TextField(_("error"), blank=True)
    created_at = models.DateTimeField(_("uploaded"), auto_now_add=True)
    started_at = models.DateTimeField(_("started"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("import")
        verbose_name_plural = _("imports")

    def __str__(self) -> str:
        return self.file_name

    @property
    def is_running(self) -> bool:
        return self.status in (ImportStatus.QUEUED, ImportStatus.RUNNING)

    @property
    def percent(self) -> int:
        if not self.is_running:
            return 100
        if not self.total_rows:
            return 0
        return min(100, int(100 * self.processed_rows / self.total_rows))

    @property
    def errors_not_listed(self) -> int:
        return max(0, self.error_count - self.row_errors.count())


class ImportRowError(models.Model):
    """One problem of one refused row: the row number as the spreadsheet shows it, the
    column (its key; the page shows the importer's label), what was there and why not."""

    job = models.ForeignKey(ImportJob, on_delete=models.CASCADE, related_name="row_errors")
    row = models.PositiveIntegerField(_("row"))
    column = models.CharField(_("column"), max_length=64, blank=True)
    value = models.CharField(_("cell"), max_length=200, blank=True)
    title = models.CharField(_("name"), max_length=200, blank=True)
    message = models.TextField(_("problem"))

    class Meta:
        ordering = ["job_id", "row", "id"]
        verbose_name = _("refused row")
        verbose_name_plural = _("refused rows")

    def __str__(self) -> str:
        return f"{self.row}: {self.message}"
