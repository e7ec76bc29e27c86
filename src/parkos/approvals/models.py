"""The approvals engine's data: processes configured by operators, cases moving through
their steps, and every event of a case kept for its timeline."""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from parkos.accounts.models import Role
from parkos.core.scoping import ScopedQuerySet


class Scope(models.TextChoices):
    PARK = "park", _("The case's park")
    APPLICANT_ZONE = "applicant_zone", _("The applicant's zone")
    NETWORK = "network", _("The whole park network")


class SignOff(models.TextChoices):
    ANY = "any", _("Any one of the reviewers")
    ALL = "all", _("All of the reviewers")


class Status(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("In review")
    RETURNED = "returned", _("Returned for changes")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")
    WITHDRAWN = "withdrawn", pgettext_lazy("approval case", "Withdrawn")


FINAL_STATUSES = (Status.APPROVED, Status.REJECTED, Status.WITHDRAWN)
# Steps at this position or beyond were removed from their process but keep their history.
RETIRED = 1000


class EventKind(models.TextChoices):
    OPENED = "opened", pgettext_lazy("approval case event", "Opened")
    SUBMITTED = "submitted", _("Submitted")
    STEP_SIGNED = "step_signed", _("Signed off")
    STEP_APPROVED = "step_approved", _("Step approved")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")
    RETURNED = "returned", _("Returned for changes")
    RESUBMITTED = "resubmitted", _("Resubmitted")
    WITHDRAWN = "withdrawn", pgettext_lazy("approval case", "Withdrawn")
    COMMENTED = "commented", _("Commented")
    OVERDUE = "overdue", _("Overdue")


class ProcessQuerySet(ScopedQuerySet):
    """Processes are the network's configuration, not a tenant's data: every signed-in user
    reads them (an applicant sees which steps their case will take)."""

    def visible_to(self, actor):
        return self.none() if self.anonymous(actor) else self.all()


class CaseQuerySet(ScopedQuerySet):
    """A case is seen by its applicant side, its enterprise, its park's operators and the
    reviewers of its process (permissions.visibility); acting on it depends on the move."""

    def visible_to(self, actor):
        if self.anonymous(actor):
            return self.none()
        from parkos.approvals import permissions

        return self.filter(permissions.visibility(actor))

    def actionable_by(self, actor, action: str):
        """Reviewers decide (approve, return, reject) the cases on a step they review; the
        applicant side submits, resubmits and withdraws; whoever sees a case comments."""
        if self.anonymous(actor):
            return self.none()
        from parkos.approvals import permissions

        if action in ("approve", "return", "reject"):
            return self.filter(permissions.reviewing(actor))
        if action in ("submit", "resubmit", "withdraw"):
            return self.filter(permissions.applicant_side(actor))
        return self.visible_to(actor)


class CasePartQuerySet(ScopedQuerySet):
    """Rows that belong to a case (its events, attachments): seen with the case."""

    def visible_to(self, actor):
        if self.anonymous(actor):
            return self.none()
        return self.filter(case__in=Case.objects.visible_to(actor).values("pk"))


class NotificationQuerySet(ScopedQuerySet):
    """A notification is its recipient's alone."""

    def visible_to(self, actor):
        if self.anonymous(actor):
            return self.none()
        return self.filter(user_id=actor.pk)


class Process(models.Model):
    """An approval process as operators configure it: ordered steps, each reviewed by a role."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    code = models.SlugField(_("code"), max_length=64, unique=True)
    name = models.CharField(_("name"), max_length=100)
    description = models.TextField(pgettext_lazy("approval process", "description"), blank=True)
    # The kind of application (a registered subject type) the process is made for, so an
    # app offers only its own processes; blank for a process any kind may use.
    subject_type = models.CharField(_("kind of application"), max_length=64, blank=True)
    allow_batch = models.BooleanField(_("batch approval allowed"), default=False)
    active = models.BooleanField(pgettext_lazy("approval process", "active"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ProcessQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("approval process")
        verbose_name_plural = _("approval processes")

    def __str__(self) -> str:
        return self.name


class Step(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    process = models.ForeignKey(
        Process, verbose_name=_("process"), on_delete=models.CASCADE, related_name="steps"
    )
    position = models.PositiveSmallIntegerField(_("position"))
    name = models.CharField(_("name"), max_length=100)
    role = models.CharField(_("reviewer role"), max_length=32, choices=Role.choices)
    scope = models.CharField(_("scope"), max_length=32, choices=Scope.choices, default=Scope.PARK)
    deadline_days = models.PositiveSmallIntegerField(_("deadline (working days)"), default=5)
    sign_off = models.CharField(
        _("sign-off"), max_length=8, choices=SignOff.choices, default=SignOff.ANY
    )

    class Meta:
        ordering = ["process_id", "position"]
        constraints = [
            models.UniqueConstraint(fields=["process", "position"], name="step_unique_position")
        ]
        verbose_name = _("step")
        verbose_name_plural = _("steps")

    def __str__(self) -> str:
        return f"{self.position}. {self.name}"


class Case(models.Model):
    """One application going through a process. `round` counts submissions: a step signed
    in an earlier round does not count after the case was returned and resubmitted."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    process = models.ForeignKey(
        Process, verbose_name=_("process"), on_delete=models.PROTECT, related_name="cases"
    )
    subject_type = models.CharField(_("subject type"), max_length=64)
    subject_id = models.CharField(_("subject"), max_length=64)
    title = models.CharField(_("title"), max_length=200)
    applicant = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("applicant"),
        on_delete=models.PROTECT,
        related_name="approval_cases",
    )
    enterprise = models.ForeignKey(
        "parks.Enterprise",
        verbose_name=_("enterprise"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    park = models.ForeignKey(
        "parks.Park",
        verbose_name=_("park"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.DRAFT, db_index=True
    )
    current_step = models.ForeignKey(
        Step,
        verbose_name=_("current step"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    round = models.PositiveIntegerField(default=0)
    deadline = models.DateField(_("deadline"), null=True, blank=True)
    overdue = models.BooleanField(_("overdue"), default=False)
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    closed_at = models.DateTimeField(
        pgettext_lazy("approval case", "closed"), null=True, blank=True
    )
    created_at = models.DateTimeField(pgettext_lazy("approval case", "created"), auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = CaseQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["subject_type", "subject_id"]),
            models.Index(fields=["status", "deadline"]),
        ]
        constraints = [
            # One open case per subject; a closed one may be followed by a new application.
            models.UniqueConstraint(
                fields=["subject_type", "subject_id"],
                condition=~Q(status__in=["approved", "rejected", "withdrawn"]),
                name="case_one_open_per_subject",
            ),
        ]
        verbose_name = _("case")
        verbose_name_plural = _("cases")

    def __str__(self) -> str:
        return self.title

    @property
    def is_final(self) -> bool:
        return self.status in FINAL_STATUSES


class SignOffRecord(models.Model):
    """A reviewer's approval of one step in one round; the unique constraint is what makes
    'no step approved twice' hold even under concurrent requests."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="sign_offs")
    step = models.ForeignKey(Step, on_delete=models.PROTECT, related_name="+")
    round = models.PositiveIntegerField()
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(auto_now_add=True)

    objects = CasePartQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["case", "step", "round", "user"], name="signoff_once_per_reviewer"
            )
        ]

    def __str__(self) -> str:
        return f"{self.case_id} · {self.step_id} · {self.round} · {self.user_id}"


class StepCompletion(models.Model):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="completions")
    step = models.ForeignKey(Step, on_delete=models.PROTECT, related_name="+")
    round = models.PositiveIntegerField()
    at = models.DateTimeField(auto_now_add=True)

    objects = CasePartQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["case", "step", "round"], name="step_completed_once")
        ]

    def __str__(self) -> str:
        return f"{self.case_id} · {self.step_id} · {self.round}"


class CaseEvent(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(_("event"), max_length=16, choices=EventKind.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    step = models.ForeignKey(
        Step, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    from_status = models.CharField(max_length=16, blank=True)
    to_status = models.CharField(max_length=16, blank=True)
    text = models.TextField(pgettext_lazy("approval case", "comment"), blank=True)
    at = models.DateTimeField(_("time"), auto_now_add=True, db_index=True)

    objects = CasePartQuerySet.as_manager()

    class Meta:
        ordering = ["at"]
        verbose_name = _("case event")
        verbose_name_plural = _("case events")

    def __str__(self) -> str:
        return f"{self.case} · {self.get_kind_display()}"


def attachment_path(instance, filename: str) -> str:
    # A random name on disk: the original name is kept in the row, never trusted as a path.
    extension = filename.rsplit(".", 1)[-1].lower() if "." in filename else "bin"
    return f"approvals/{instance.case_id}/{uuid.uuid4().hex}.{extension}"


class Attachment(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="attachments")
    event = models.ForeignKey(
        CaseEvent, null=True, blank=True, on_delete=models.SET_NULL, related_name="attachments"
    )
    file = models.FileField(_("file"), upload_to=attachment_path)
    name = models.CharField(_("name"), max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField(pgettext_lazy("file", "size"))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = CasePartQuerySet.as_manager()

    class Meta:
        ordering = ["created_at"]
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")

    def __str__(self) -> str:
        return self.name


class Notification(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("body"), blank=True)
    url = models.CharField(_("link"), max_length=300, blank=True)
    read_at = models.DateTimeField(_("read"), null=True, blank=True)
    created_at = models.DateTimeField(_("time"), auto_now_add=True)

    objects = NotificationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["user", "read_at"])]
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")

    def __str__(self) -> str:
        return self.title
