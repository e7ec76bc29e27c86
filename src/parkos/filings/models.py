"""The re-opening ledger (复工台账): reporting rounds, one submission per enterprise and
round, and every version of it.

A round belongs to one park and, when `include_branches` is set, covers the enterprises of
its branches too (the flagship's operators run one ledger for the whole network of 一园多点).
"""

import uuid

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from parkos.core.scoping import ScopedQuerySet


class RoundStatus(models.TextChoices):
    OPEN = "open", pgettext_lazy("reporting round", "Open")
    CLOSED = "closed", pgettext_lazy("reporting round", "Closed")


class RoundQuerySet(ScopedQuerySet):
    """Staff of the round's park and the enterprises it covers see a round
    (permissions.round_visibility); every move of a round (close) is its park's operators'."""

    def visible_to(self, actor):
        if self.anonymous(actor):
            return self.none()
        from parkos.filings import permissions

        return self.filter(permissions.round_visibility(actor))

    def actionable_by(self, actor, action: str):
        if self.anonymous(actor):
            return self.none()
        from parkos.filings import permissions

        return self.visible_to(actor).filter(permissions.round_management(actor))


class SubmissionQuerySet(ScopedQuerySet):
    """The round's park staff and the filing enterprise (permissions.submission_visibility)."""

    def visible_to(self, actor):
        if self.anonymous(actor):
            return self.none()
        from parkos.filings import permissions

        return self.filter(permissions.submission_visibility(actor))


class RevisionQuerySet(ScopedQuerySet):
    """Every version of a submission is seen with the submission."""

    def visible_to(self, actor):
        if self.anonymous(actor):
            return self.none()
        return self.filter(submission__in=Submission.objects.visible_to(actor).values("pk"))


class FilingRound(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    park = models.ForeignKey(
        "parks.Park", verbose_name=_("park"), on_delete=models.PROTECT, related_name="+"
    )
    include_branches = models.BooleanField(_("include branches"), default=True)
    title = models.CharField(_("title"), max_length=100)
    period_start = models.DateField(pgettext_lazy("reporting period", "period start"))
    period_end = models.DateField(pgettext_lazy("reporting period", "period end"))
    due_on = models.DateField(_("due on"))
    # A change between two filings of one enterprise beyond this share of the earlier value,
    # or a total this far from the registered headcount, is flagged.
    change_threshold = models.PositiveSmallIntegerField(
        _("change threshold (%)"),
        default=30,
        validators=[MinValueValidator(1), MaxValueValidator(100)],
    )
    min_supplies_days = models.PositiveSmallIntegerField(
        _("minimum protective supplies (days)"), default=7
    )
    status = models.CharField(
        _("status"), max_length=10, choices=RoundStatus.choices, default=RoundStatus.OPEN
    )
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    opened_at = models.DateTimeField(_("opened at"), auto_now_add=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)

    objects = RoundQuerySet.as_manager()

    class Meta:
        ordering = ["-period_start", "-opened_at"]
        indexes = [models.Index(fields=["park", "period_start"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(period_end__gte=F("period_start")), name="filing_round_period_order"
            ),
            models.CheckConstraint(
                condition=Q(change_threshold__gte=1, change_threshold__lte=100),
                name="filing_round_threshold_range",
            ),
        ]
        verbose_name = _("filing round")
        verbose_name_plural = _("filing rounds")

    def __str__(self) -> str:
        return self.title

    @property
    def is_open(self) -> bool:
        return self.status == RoundStatus.OPEN


COUNT_FIELDS = [
    "total_staff",
    "returned_staff",
    "risk_area_staff",
    "observation_staff",
    "supplies_days",
]
VALUE_FIELDS = [*COUNT_FIELDS, "compliance_declared"]


class FilingValues(models.Model):
    """The figures an enterprise reports, shared by a submission and its versions."""

    total_staff = models.PositiveIntegerField(_("total staff"))
    returned_staff = models.PositiveIntegerField(_("staff returned"))
    risk_area_staff = models.PositiveIntegerField(_("staff from risk areas"))
    observation_staff = models.PositiveIntegerField(_("staff under observation"))
    supplies_days = models.PositiveIntegerField(_("protective supplies (days)"))
    compliance_declared = models.BooleanField(_("declaration of compliance"), default=False)
    # [{"code": ..., "params": {...}}]: worded in the reader's language when shown.
    flags = models.JSONField(_("flags"), default=list, blank=True)

    class Meta:
        abstract = True

    def values(self) -> dict:
        return {name: getattr(self, name) for name in VALUE_FIELDS}


class Submission(FilingValues):
    """The current figures of one enterprise in one round. Filing again corrects it; every
    version stays in `revisions`."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    round = models.ForeignKey(
        FilingRound, verbose_name=_("round"), on_delete=models.CASCADE, related_name="submissions"
    )
    enterprise = models.ForeignKey(
        "parks.Enterprise", verbose_name=_("enterprise"), on_delete=models.PROTECT, related_name="+"
    )
    version = models.PositiveIntegerField(_("version"), default=1)
    flag_count = models.PositiveSmallIntegerField(_("flags"), default=0)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    first_submitted_at = models.DateTimeField(_("first filed at"))
    submitted_at = models.DateTimeField(_("filed at"))

    objects = SubmissionQuerySet.as_manager()

    class Meta:
        ordering = ["round_id", "enterprise_id"]
        indexes = [models.Index(fields=["enterprise", "round"])]
        constraints = [
            models.UniqueConstraint(
                fields=["round", "enterprise"], name="filing_one_submission_per_round"
            ),
            models.CheckConstraint(
                condition=Q(returned_staff__lte=F("total_staff"))
                & Q(risk_area_staff__lte=F("total_staff"))
                & Q(observation_staff__lte=F("total_staff")),
                name="filing_parts_within_total",
            ),
        ]
        verbose_name = _("submission")
        verbose_name_plural = _("submissions")

    def __str__(self) -> str:
        return f"{self.round} · {self.enterprise}"

    @property
    def is_flagged(self) -> bool:
        return bool(self.flags)


class SubmissionRevision(FilingValues):
    """One version of a submission as it was filed; never changed afterwards."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    submission = models.ForeignKey(Submission, on_delete=models.CASCADE, related_name="revisions")
    version = models.PositiveIntegerField(_("version"))
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    submitted_at = models.DateTimeField(_("filed at"))

    objects = RevisionQuerySet.as_manager()

    class Meta:
        ordering = ["submission_id", "-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["submission", "version"], name="filing_revision_unique_version"
            )
        ]
        verbose_name = _("submission version")
        verbose_name_plural = _("submission versions")

    def __str__(self) -> str:
        return f"{self.submission} v{self.version}"
