"""Cloud recruitment (云招聘): positions, candidates, online job fairs with booths and interview
slots, applications through their pipeline, consents (PIPL), and surveys."""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from parkos.core.money import MoneyField
from parkos.core.scoping import ScopedQuerySet


class Field(models.TextChoices):
    SOFTWARE = "software", _("Software development")
    DATA = "data", _("Data and AI")
    CHIPS = "chips", _("Integrated circuits")
    BIOMED = "biomed", _("Biomedicine")
    FINANCE = "finance", _("Finance and accounting")
    DESIGN = "design", _("Design and media")
    SALES = "sales", _("Sales and marketing")
    MANUFACTURING = "manufacturing", _("Intelligent manufacturing")
    OPERATIONS = "operations", _("Operations and administration")


class Level(models.TextChoices):
    INTERN = "intern", _("Intern")
    GRADUATE = "graduate", _("New graduate")
    JUNIOR = "junior", _("Junior (1–3 years)")
    SENIOR = "senior", _("Senior (3–8 years)")
    EXPERT = "expert", _("Expert (8+ years)")
    LEADER = "leader", _("Leader")


LEVEL_ORDER = {code: index for index, code in enumerate(Level.values)}


class PositionStatus(models.TextChoices):
    DRAFT = "draft", pgettext_lazy("position", "Draft")
    PENDING = "pending", _("Awaiting review")
    PUBLISHED = "published", _("Published")
    REJECTED = "rejected", pgettext_lazy("position", "Not approved")
    CLOSED = "closed", pgettext_lazy("position", "Closed")


class PositionQuerySet(ScopedQuerySet):
    def open(self, today=None):
        today = today or timezone.localdate()
        return self.filter(status=PositionStatus.PUBLISHED, closes_on__gte=today)

    def visible_to(self, actor):
        if self.anonymous(actor):
            return self.open()
        from parkos.talent import permissions

        return self.filter(permissions.position_visibility(actor))


class Position(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    enterprise = models.ForeignKey(
        "parks.Enterprise",
        verbose_name=_("enterprise"),
        on_delete=models.PROTECT,
        related_name="talent_positions",
    )
    park = models.ForeignKey(
        "parks.Park", verbose_name=_("park"), on_delete=models.PROTECT, related_name="+"
    )
    booth = models.ForeignKey(
        "talent.Booth",
        verbose_name=_("booth"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="positions",
    )
    title = models.CharField(_("title"), max_length=100)
    field = models.CharField(_("field"), max_length=20, choices=Field.choices)
    level = models.CharField(_("level"), max_length=20, choices=Level.choices)
    city = models.CharField(_("city"), max_length=50)
    salary_min = MoneyField(_("lowest monthly salary (CNY)"))
    salary_max = MoneyField(_("highest monthly salary (CNY)"))
    headcount = models.PositiveIntegerField(_("headcount"), default=1)
    requirements = models.TextField(_("requirements"), blank=True)
    skills = models.JSONField(_("skills"), default=list, blank=True)
    closes_on = models.DateField(_("closing date"))
    status = models.CharField(
        _("status"),
        max_length=16,
        choices=PositionStatus.choices,
        default=PositionStatus.DRAFT,
        db_index=True,
    )
    review_note = models.CharField(_("review note"), max_length=500, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    published_at = models.DateTimeField(_("published"), null=True, blank=True)
    closed_at = models.DateTimeField(pgettext_lazy("position", "closed"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = PositionQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["status", "closes_on"]),
            models.Index(fields=["field", "status"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(salary_min__lte=models.F("salary_max")),
                name="talent_position_salary_range",
            )
        ]
        verbose_name = _("position")
        verbose_name_plural = _("positions")

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("talent:position_detail", kwargs={"position_id": self.id})


class CandidateQuerySet(ScopedQuerySet):
    def visible_to(self, actor):
        if self.anonymous(actor):
            return self.none()
        from parkos.talent import permissions

        return self.filter(permissions.candidate_visibility(actor)).distinct()

    def active(self):
        return self.filter(deleted_at__isnull=True, merged_into__isnull=True)


class Candidate(models.Model):
    """A person looking for work. Their phone number and ID number identify them across sources:
    a second profile of the same person is merged into the first (`merged_into`)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="talent_candidate",
    )
    name = models.CharField(_("name"), max_length=50)
    phone = models.CharField(_("phone"), max_length=20, blank=True, db_index=True)
    email = models.EmailField(_("email"), blank=True)
    id_number_encrypted = models.TextField(blank=True, editable=False)
    id_hmac = models.CharField(max_length=64, blank=True, db_index=True, editable=False)
    birth_year = models.PositiveSmallIntegerField(_("year of birth"), null=True, blank=True)
    city = models.CharField(_("city"), max_length=50, blank=True)
    expected_cities = models.JSONField(_("cities wanted"), default=list, blank=True)
    expected_salary = MoneyField(_("expected monthly salary (CNY)"), null=True, blank=True)
    field = models.CharField(
        _("field"), max_length=20, choices=Field.choices, blank=True, db_index=True
    )
    level = models.CharField(_("level"), max_length=20, choices=Level.choices, blank=True)
    university = models.CharField(_("university"), max_length=20, blank=True, db_index=True)
    degree = models.CharField(_("degree"), max_length=20, blank=True)
    major = models.CharField(_("major"), max_length=100, blank=True)
    graduation_year = models.PositiveSmallIntegerField(_("graduation year"), null=True, blank=True)
    skills = models.JSONField(_("skills"), default=list, blank=True)
    summary = models.TextField(_("summary"), blank=True)
    resume_file = models.FileField(_("résumé"), upload_to="talent/resumes/", blank=True)
    resume_name = models.CharField(max_length=200, blank=True)
    resume_text = models.TextField(blank=True, editable=False)
    discoverable = models.BooleanField(
        _("recommend me to enterprises of the park (name hidden until I apply)"), default=True
    )
    merged_into = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="duplicates"
    )
    source = models.CharField(_("source"), max_length=30, default="self")
    deleted_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = CandidateQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("candidate")
        verbose_name_plural = _("candidates")

    def __str__(self) -> str:
        return self.name


class ConsentQuerySet(ScopedQuerySet):
    def visible_to(self, actor):
        if self.anonymous(actor):
            return self.none()
        from parkos.talent import permissions

        return self.filter(permissions.consent_visibility(actor))

    def active(self):
        return self.filter(withdrawn_at__isnull=True)


class Consent(models.Model):
    """A candidate's explicit consent (PIPL art. 23) to share their résumé with one enterprise."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    candidate = models.ForeignKey(Candidate, on_delete=models.CASCADE, related_name="consents")
    enterprise = models.ForeignKey(
        "parks.Enterprise", verbose_name=_("enterprise"), on_delete=models.CASCADE, related_name="+"
    )
    granted_at = models.DateTimeField(_("granted"))
    withdrawn_at = models.DateTimeField(_("withdrawn"), null=True, blank=True)

    objects = ConsentQuerySet.as_manager()

    class Meta:
        ordering = ["-granted_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["candidate", "enterprise"],
                condition=Q(withdrawn_at__isnull=True),
                name="talent_consent_one_active",
            )
        ]
        verbose_name = _("consent")
        verbose_name_plural = _("consents")

    def __str__(self) -> str:
        return f"{self.candidate_id} → {self.enterprise_id}"


class Theme(models.TextChoices):
    FIELD = "field", _("Field")
    CAMPUS = "campus", _("Campus")
    BRANCH = "branch", _("Branch")


class JobFairQuerySet(ScopedQuerySet):
    def visible_to(self, actor):
        from parkos.talent import permissions

        if self.anonymous(actor):
            return self.filter(published=True)
        return self.filter(permissions.fair_visibility(actor))


class JobFair(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    park = models.ForeignKey(
        "parks.Park", verbose_name=_("park"), on_delete=models.PROTECT, related_name="+"
    )
    title = models.CharField(_("title"), max_length=120)
    theme = models.CharField(_("theme"), max_length=10, choices=Theme.choices)
    field = models.CharField(_("field"), max_length=20, choices=Field.choices, blank=True)
    university = models.CharField(_("university"), max_length=20, blank=True)
    description = models.TextField(pgettext_lazy("fair", "description"), blank=True)
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))
    published = models.BooleanField(_("published"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = JobFairQuerySet.as_manager()

    class Meta:
        ordering = ["-starts_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(starts_at__lt=models.F("ends_at")), name="talent_fair_window"
            )
        ]
        verbose_name = _("job fair")
        verbose_name_plural = _("job fairs")

    def __str__(self) -> str:
        return self.title

    def phase(self, now=None) -> str:
        now = now or timezone.now()
        if now < self.starts_at:
            return "upcoming"
        if now >= self.ends_at:
            return "past"
        return "running"


class BoothStatus(models.TextChoices):
    REQUESTED = "requested", _("Awaiting approval")
    APPROVED = "approved", pgettext_lazy("booth", "Approved")
    REJECTED = "rejected", pgettext_lazy("booth", "Declined")
    WITHDRAWN = "withdrawn", pgettext_lazy("booth", "Withdrawn")


class BoothQuerySet(ScopedQuerySet):
    def visible_to(self, actor):
        from parkos.talent import permissions

        if self.anonymous(actor):
            return self.filter(status=BoothStatus.APPROVED, fair__published=True)
        return self.filter(permissions.booth_visibility(actor))


class Booth(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    fair = models.ForeignKey(JobFair, on_delete=models.CASCADE, related_name="booths")
    enterprise = models.ForeignKey(
        "parks.Enterprise", verbose_name=_("enterprise"), on_delete=models.PROTECT, related_name="+"
    )
    intro = models.CharField(_("introduction"), max_length=500, blank=True)
    status = models.CharField(
        _("status"), max_length=16, choices=BoothStatus.choices, default=BoothStatus.REQUESTED
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = BoothQuerySet.as_manager()

    class Meta:
        ordering = ["created_at"]
        constraints = [
            models.UniqueConstraint(fields=["fair", "enterprise"], name="talent_booth_once")
        ]
        verbose_name = _("booth")
        verbose_name_plural = _("booths")

    def __str__(self) -> str:
        return str(self.enterprise_id)


class InterviewSlotQuerySet(ScopedQuerySet):
    def visible_to(self, actor):
        from parkos.talent import permissions

        if self.anonymous(actor):
            return self.none()
        return self.filter(permissions.slot_visibility(actor))


class InterviewSlot(models.Model):
    """A time an enterprise offers for interviews (a video link; one-to-one or a group)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    enterprise = models.ForeignKey(
        "parks.Enterprise", verbose_name=_("enterprise"), on_delete=models.CASCADE, related_name="+"
    )
    booth = models.ForeignKey(
        Booth, null=True, blank=True, on_delete=models.CASCADE, related_name="slots"
    )
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))
    video_link = models.URLField(_("video link"), blank=True)
    capacity = models.PositiveSmallIntegerField(_("places"), default=1)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = InterviewSlotQuerySet.as_manager()

    class Meta:
        ordering = ["starts_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(starts_at__lt=models.F("ends_at")), name="talent_slot_window"
            )
        ]
        verbose_name = _("interview slot")
        verbose_name_plural = _("interview slots")

    def __str__(self) -> str:
        return self.starts_at.isoformat()


class ApplicationStatus(models.TextChoices):
    APPLIED = "applied", _("Applied")
    SCREENED = "screened", _("Screened")
    INTERVIEW = "interview", _("Interviewing")
    INTENT = "intent", _("Preliminary intent reached")
    OFFER = "offer", _("Offer made")
    HIRED = "hired", _("Hired")
    REJECTED = "rejected", pgettext_lazy("application", "Not taken forward")
    WITHDRAWN = "withdrawn", pgettext_lazy("application", "Withdrawn")
    MERGED = "merged", _("Merged into another application")


PIPELINE = (
    ApplicationStatus.APPLIED,
    ApplicationStatus.SCREENED,
    ApplicationStatus.INTERVIEW,
    ApplicationStatus.INTENT,
    ApplicationStatus.OFFER,
    ApplicationStatus.HIRED,
)
OPEN_STATUSES = PIPELINE[:-1]


class ReasonCode(models.TextChoices):
    SKILLS = "skills", _("Skills do not fit")
    EXPERIENCE = "experience", _("Not enough experience")
    SALARY = "salary", _("Salary expectations differ")
    LOCATION = "location", _("Location does not suit")
    FILLED = "filled", _("Position filled")
    NO_SHOW = "no_show", _("Did not attend the interview")
    OTHER_OFFER = "other_offer", _("Accepted another offer")
    CHANGED_MIND = "changed_mind", _("No longer interested")
    OTHER = "other", pgettext_lazy("reason", "Other")


REJECT_REASONS = (
    ReasonCode.SKILLS,
    ReasonCode.EXPERIENCE,
    ReasonCode.SALARY,
    ReasonCode.LOCATION,
    ReasonCode.FILLED,
    ReasonCode.NO_SHOW,
    ReasonCode.OTHER,
)
WITHDRAW_REASONS = (
    ReasonCode.OTHER_OFFER,
    ReasonCode.CHANGED_MIND,
    ReasonCode.SALARY,
    ReasonCode.LOCATION,
    ReasonCode.OTHER,
)


class ApplicationQuerySet(ScopedQuerySet):
    def visible_to(self, actor):
        if self.anonymous(actor):
            return self.none()
        from parkos.talent import permissions

        return self.filter(permissions.application_visibility(actor))

    def counted(self):
        """Applications that count in statistics: one per person and position."""
        return self.exclude(status=ApplicationStatus.MERGED)


class Application(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    candidate = models.ForeignKey(Candidate, on_delete=models.PROTECT, related_name="applications")
    position = models.ForeignKey(Position, on_delete=models.PROTECT, related_name="applications")
    enterprise = models.ForeignKey(
        "parks.Enterprise", on_delete=models.PROTECT, related_name="+", editable=False
    )
    fair = models.ForeignKey(
        JobFair, null=True, blank=True, on_delete=models.SET_NULL, related_name="applications"
    )
    status = models.CharField(
        _("status"),
        max_length=16,
        choices=ApplicationStatus.choices,
        default=ApplicationStatus.APPLIED,
        db_index=True,
    )
    rounds = models.PositiveSmallIntegerField(_("interview rounds"), default=0)
    reason_code = models.CharField(
        _("reason"), max_length=20, choices=ReasonCode.choices, blank=True
    )
    reason_note = models.CharField(_("note"), max_length=500, blank=True)
    cover_note = models.CharField(_("note to the enterprise"), max_length=500, blank=True)
    duplicate_of = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    anonymised = models.BooleanField(default=False)
    applied_at = models.DateTimeField(_("applied"), default=timezone.now)
    screened_at = models.DateTimeField(null=True, blank=True)
    intent_at = models.DateTimeField(null=True, blank=True)
    offered_at = models.DateTimeField(null=True, blank=True)
    hired_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)

    objects = ApplicationQuerySet.as_manager()

    class Meta:
        ordering = ["-applied_at"]
        indexes = [
            models.Index(fields=["enterprise", "status"]),
            models.Index(fields=["fair", "status"]),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["candidate", "position"],
                condition=~Q(status="merged"),
                name="talent_application_once",
            )
        ]
        verbose_name = _("application")
        verbose_name_plural = _("applications")

    def __str__(self) -> str:
        return f"{self.candidate_id} → {self.position_id}"


class ApplicationEvent(models.Model):
    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="events")
    action = models.CharField(max_length=32)
    before = models.CharField(max_length=16, blank=True)
    after = models.CharField(max_length=16, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    note = models.CharField(max_length=500, blank=True)
    data = models.JSONField(default=dict, blank=True)
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["at", "id"]
        verbose_name = _("application event")
        verbose_name_plural = _("application events")

    def __str__(self) -> str:
        return self.action


class InterviewQuerySet(ScopedQuerySet):
    def visible_to(self, actor):
        if self.anonymous(actor):
            return self.none()
        from parkos.talent import permissions

        return self.filter(
            application__in=Application.objects.filter(permissions.application_visibility(actor))
        )


class Interview(models.Model):
    """One interview round of an application, with its scorecard once held."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="interviews"
    )
    slot = models.ForeignKey(
        InterviewSlot, null=True, blank=True, on_delete=models.PROTECT, related_name="interviews"
    )
    round = models.PositiveSmallIntegerField(_("round"))
    scores = models.JSONField(_("scores"), default=dict, blank=True)
    overall = models.PositiveSmallIntegerField(_("overall score"), null=True, blank=True)
    recommendation = models.CharField(_("recommendation"), max_length=10, blank=True)
    feedback = models.TextField(_("feedback"), blank=True)
    scored_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    scored_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = InterviewQuerySet.as_manager()

    class Meta:
        ordering = ["round"]
        constraints = [
            models.UniqueConstraint(fields=["application", "round"], name="talent_round_once")
        ]
        verbose_name = _("interview")
        verbose_name_plural = _("interviews")

    def __str__(self) -> str:
        return f"{self.application_id} #{self.round}"


class SurveyQuerySet(ScopedQuerySet):
    def visible_to(self, actor):
        if self.anonymous(actor):
            return self.none()
        from parkos.talent import permissions

        return self.filter(permissions.survey_visibility(actor))


class FairSurvey(models.Model):
    """A post-fair survey answer, from an enterprise or a candidate."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    fair = models.ForeignKey(JobFair, on_delete=models.CASCADE, related_name="surveys")
    respondent = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    enterprise = models.ForeignKey(
        "parks.Enterprise", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    satisfaction = models.PositiveSmallIntegerField(_("satisfaction (1–5)"))
    expected_hires = models.PositiveIntegerField(_("hires expected"), default=0)
    comment = models.CharField(_("comment"), max_length=1000, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = SurveyQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["fair", "respondent"], name="talent_survey_once")
        ]
        verbose_name = _("fair survey answer")
        verbose_name_plural = _("fair survey answers")

    def __str__(self) -> str:
        return f"{self.fair_id}: {self.satisfaction}"


class DemandQuerySet(ScopedQuerySet):
    def visible_to(self, actor):
        if self.anonymous(actor):
            return self.none()
        from parkos.talent import permissions

        return self.filter(permissions.demand_visibility(actor))


class DemandSurvey(models.Model):
    """An enterprise's talent demand for one field and level in one year."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    enterprise = models.ForeignKey(
        "parks.Enterprise", verbose_name=_("enterprise"), on_delete=models.CASCADE, related_name="+"
    )
    park = models.ForeignKey("parks.Park", on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField(_("year"))
    field = models.CharField(_("field"), max_length=20, choices=Field.choices)
    level = models.CharField(_("level"), max_length=20, choices=Level.choices)
    headcount = models.PositiveIntegerField(_("headcount"))
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = DemandQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["enterprise", "year", "field", "level"], name="talent_demand_once"
            )
        ]
        verbose_name = _("talent demand")
        verbose_name_plural = _("talent demands")

    def __str__(self) -> str:
        return f"{self.field}/{self.level}: {self.headcount}"


class ParkPolicy(models.Model):
    """What an operator decides for the talent services of one park."""

    park = models.OneToOneField(
        "parks.Park", primary_key=True, on_delete=models.CASCADE, related_name="+"
    )
    review_positions = models.BooleanField(
        _("positions are reviewed by the operator before they are published"), default=False
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("talent policy of a park")
        verbose_name_plural = _("talent policies of parks")

    def __str__(self) -> str:
        return str(self.park_id)
