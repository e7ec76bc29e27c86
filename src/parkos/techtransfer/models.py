"""Technology transfer: institutions offer achievements, enterprises post demands and calls,
the engine proposes matches, brokers run deals, contracts are registered.

Who sees what is decided in permissions.py; each queryset's `visible_to` applies it."""

import uuid

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from parkos.core.money import MoneyField
from parkos.core.scoping import ScopedQuerySet
from parkos.techtransfer import permissions
from parkos.techtransfer.taxonomy import (
    TRL_CHOICES,
    ContractType,
    DeclineReason,
    DropReason,
    IpType,
    LegalStatus,
    Mode,
    PatentType,
    TechField,
)

TRL_VALIDATORS = [MinValueValidator(1), MaxValueValidator(9)]


class Institution(models.Model):
    """A university, research institute or technology-transfer office; its people hold a
    membership with the role 'institution' on it."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    name = models.CharField(_("name"), max_length=200, unique=True)
    name_en = models.CharField(_("English name"), max_length=200, blank=True)
    region = models.CharField(_("region"), max_length=50)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("institution")
        verbose_name_plural = _("institutions")

    def __str__(self) -> str:
        return self.name


class AchievementStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Awaiting review")
    PUBLISHED = "published", _("Published")
    REJECTED = "rejected", _("Returned for changes")
    EXPIRED = "expired", _("Expired")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class AchievementQuerySet(ScopedQuerySet):
    def visible_to(self, actor):
        if self.anonymous(actor):
            return self.filter(status=AchievementStatus.PUBLISHED)
        return self.filter(permissions.achievement_visibility(actor))


class Achievement(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    institution = models.ForeignKey(
        Institution,
        verbose_name=_("institution"),
        on_delete=models.PROTECT,
        related_name="achievements",
    )
    title = models.CharField(_("title"), max_length=200)
    title_en = models.CharField(_("English title"), max_length=300, blank=True)
    description = models.TextField(_("description"), blank=True)
    description_en = models.TextField(_("English description"), blank=True)
    field = models.CharField(_("field"), max_length=32, choices=TechField.choices)
    trl = models.PositiveSmallIntegerField(
        _("technology readiness level"), choices=TRL_CHOICES, validators=TRL_VALIDATORS
    )
    patent_type = models.CharField(
        _("patent type"), max_length=20, choices=PatentType.choices, blank=True
    )
    patent_number = models.CharField(_("application or patent number"), max_length=20, blank=True)
    ipc = models.CharField(_("IPC class"), max_length=30, blank=True)
    legal_status = models.CharField(
        _("legal status"), max_length=10, choices=LegalStatus.choices, default=LegalStatus.NONE
    )
    modes = models.JSONField(_("modes offered"), default=list)
    price = MoneyField(_("price (CNY)"), null=True, blank=True)  # null: negotiable
    status = models.CharField(
        _("status"),
        max_length=12,
        choices=AchievementStatus.choices,
        default=AchievementStatus.DRAFT,
        db_index=True,
    )
    review_note = models.TextField(_("review note"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    submitted_at = models.DateTimeField(null=True, blank=True)
    published_at = models.DateTimeField(null=True, blank=True)
    expires_on = models.DateField(_("expires on"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = AchievementQuerySet.as_manager()

    class Meta:
        ordering = ["-published_at", "-created_at"]
        verbose_name = _("achievement")
        verbose_name_plural = _("achievements")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(trl__gte=1, trl__lte=9), name="techtransfer_achievement_trl"
            )
        ]

    def __str__(self) -> str:
        return self.title or self.title_en

    def get_absolute_url(self) -> str:
        return reverse("techtransfer:achievement_detail", args=[self.pk])

    @property
    def mode_labels(self) -> list[str]:
        return [Mode(m).label for m in self.modes if m in Mode.values]

    @property
    def match_text(self) -> str:
        return "\n".join(
            t for t in (self.title, self.title_en, self.description, self.description_en) if t
        )


class DemandStatus(models.TextChoices):
    OPEN = "open", _("Open")
    CLOSED = "closed", _("Closed")


class DemandQuerySet(ScopedQuerySet):
    def visible_to(self, actor):
        if self.anonymous(actor):
            return self.none()
        return self.filter(permissions.demand_visibility(actor))


class Demand(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    enterprise = models.ForeignKey(
        "parks.Enterprise", verbose_name=_("enterprise"), on_delete=models.PROTECT, related_name="+"
    )
    title = models.CharField(_("title"), max_length=200)
    problem = models.TextField(_("problem"))
    outcome = models.TextField(_("desired outcome"), blank=True)
    field = models.CharField(_("field"), max_length=32, choices=TechField.choices)
    trl_required = models.PositiveSmallIntegerField(
        _("required readiness level"), choices=TRL_CHOICES, validators=TRL_VALIDATORS
    )
    budget = MoneyField(_("budget (CNY)"))
    deadline = models.DateField(_("closing date"))
    modes = models.JSONField(_("modes accepted"), default=list)
    confidential = models.BooleanField(
        _("confidential (brokers only)"),
        default=False,
        help_text=_(
            "A confidential demand is seen by platform brokers only, never by institutions."
        ),
    )
    status = models.CharField(
        _("status"), max_length=10, choices=DemandStatus.choices, default=DemandStatus.OPEN
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    closed_at = models.DateTimeField(null=True, blank=True)

    objects = DemandQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("demand")
        verbose_name_plural = _("demands")

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("techtransfer:demand_detail", args=[self.pk])

    @property
    def mode_labels(self) -> list[str]:
        return [Mode(m).label for m in self.modes if m in Mode.values]

    @property
    def match_text(self) -> str:
        return "\n".join(t for t in (self.title, self.problem, self.outcome) if t)


class CallStatus(models.TextChoices):
    OPEN = "open", _("Open for proposals")
    REVIEWING = "reviewing", _("Reviewing proposals")
    AWARDED = "awarded", _("Awarded to a proposal")
    CLOSED = "closed", _("Closed without award")


class CallQuerySet(ScopedQuerySet):
    def visible_to(self, actor):
        if self.anonymous(actor):
            return self.none()
        return self.filter(permissions.call_visibility(actor))


class Call(models.Model):
    """A company call (企业出题 / 揭榜挂帅): a challenge with a reward and a deadline."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    enterprise = models.ForeignKey(
        "parks.Enterprise", verbose_name=_("enterprise"), on_delete=models.PROTECT, related_name="+"
    )
    title = models.CharField(_("title"), max_length=200)
    challenge = models.TextField(_("challenge"))
    field = models.CharField(_("field"), max_length=32, choices=TechField.choices)
    reward = MoneyField(_("reward (CNY)"))
    deadline = models.DateField(_("closing date"))
    status = models.CharField(
        _("status"), max_length=10, choices=CallStatus.choices, default=CallStatus.OPEN
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    awarded_at = models.DateTimeField(null=True, blank=True)

    objects = CallQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("company call")
        verbose_name_plural = _("company calls")

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("techtransfer:call_detail", args=[self.pk])


class ProposalStatus(models.TextChoices):
    SUBMITTED = "submitted", _("Submitted")
    SHORTLISTED = "shortlisted", _("Shortlisted")
    PICKED = "picked", _("Picked")
    NOT_SELECTED = "not_selected", _("Not selected")


class ProposalQuerySet(ScopedQuerySet):
    def visible_to(self, actor):
        if self.anonymous(actor):
            return self.none()
        return self.filter(permissions.proposal_visibility(actor))


class Proposal(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    call = models.ForeignKey(Call, on_delete=models.CASCADE, related_name="proposals")
    institution = models.ForeignKey(Institution, on_delete=models.PROTECT, related_name="+")
    summary = models.TextField(_("proposal"))
    price = MoneyField(_("price asked (CNY)"), null=True, blank=True)
    status = models.CharField(
        _("status"),
        max_length=12,
        choices=ProposalStatus.choices,
        default=ProposalStatus.SUBMITTED,
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ProposalQuerySet.as_manager()

    class Meta:
        ordering = ["created_at"]
        verbose_name = _("proposal")
        verbose_name_plural = _("proposals")
        constraints = [
            models.UniqueConstraint(
                fields=["call", "institution"], name="techtransfer_one_proposal_per_institution"
            )
        ]

    def __str__(self) -> str:
        return f"{self.institution} → {self.call}"


class MatchStatus(models.TextChoices):
    SUGGESTED = "suggested", _("Suggested")
    DECLINED = "declined", _("Declined")
    IN_DEAL = "in_deal", _("Taken up by a broker")


class MatchQuerySet(ScopedQuerySet):
    def visible_to(self, actor):
        if self.anonymous(actor):
            return self.none()
        return self.filter(permissions.match_visibility(actor))


class Match(models.Model):
    """A demand and an achievement the engine put together, with the score and its reasons
    (core.texts specs, worded in the reader's language) and the hard checks."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    demand = models.ForeignKey(Demand, on_delete=models.CASCADE, related_name="matches")
    achievement = models.ForeignKey(Achievement, on_delete=models.CASCADE, related_name="matches")
    score = models.DecimalField(_("score"), max_digits=5, decimal_places=4)
    text_score = models.DecimalField(max_digits=5, decimal_places=4)
    reasons = models.JSONField(default=list)
    checks = models.JSONField(default=list)  # [{"ok": bool, "text": spec}]
    strong = models.BooleanField(default=False)
    status = models.CharField(
        _("status"), max_length=10, choices=MatchStatus.choices, default=MatchStatus.SUGGESTED
    )
    declined_by = models.CharField(max_length=12, blank=True)  # "enterprise" or "institution"
    decline_reason = models.CharField(
        _("reason"), max_length=20, choices=DeclineReason.choices, blank=True
    )
    decline_note = models.TextField(blank=True)
    notified_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = MatchQuerySet.as_manager()

    class Meta:
        ordering = ["-score"]
        verbose_name = _("match")
        verbose_name_plural = _("matches")
        constraints = [
            models.UniqueConstraint(
                fields=["demand", "achievement"], name="techtransfer_one_match_per_pair"
            )
        ]

    def __str__(self) -> str:
        return f"{self.demand} ↔ {self.achievement}"


class DealStage(models.TextChoices):
    MATCHED = "matched", _("Matched")
    CONTACTED = "contacted", _("Contacted")
    NDA_SIGNED = "nda_signed", _("NDA signed")
    NEGOTIATING = "negotiating", _("Negotiating")
    CONTRACTED = "contracted", _("Contracted")
    DROPPED = "dropped", _("Dropped")


class DealQuerySet(ScopedQuerySet):
    def visible_to(self, actor):
        if self.anonymous(actor):
            return self.none()
        return self.filter(permissions.deal_visibility(actor))


class Deal(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    match = models.OneToOneField(Match, on_delete=models.PROTECT, related_name="deal")
    broker = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("broker"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    stage = models.CharField(
        _("stage"), max_length=12, choices=DealStage.choices, default=DealStage.MATCHED
    )
    stage_due = models.DateField(_("stage due"), null=True, blank=True)
    reminded_at = models.DateTimeField(null=True, blank=True)
    drop_reason = models.CharField(
        _("reason dropped"), max_length=16, choices=DropReason.choices, blank=True
    )
    contacted_at = models.DateTimeField(null=True, blank=True)
    nda_signed_at = models.DateTimeField(null=True, blank=True)
    negotiating_at = models.DateTimeField(null=True, blank=True)
    contracted_at = models.DateTimeField(null=True, blank=True)
    dropped_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = DealQuerySet.as_manager()

    class Meta:
        ordering = ["stage_due", "-created_at"]
        verbose_name = _("deal")
        verbose_name_plural = _("deals")

    def __str__(self) -> str:
        return f"{self.match.demand} ↔ {self.match.achievement}"

    def get_absolute_url(self) -> str:
        return reverse("techtransfer:deal_detail", args=[self.pk])


class DealEvent(models.Model):
    id = models.BigAutoField(primary_key=True)
    deal = models.ForeignKey(Deal, on_delete=models.CASCADE, related_name="events")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    action = models.CharField(max_length=20)
    before = models.CharField(max_length=12, blank=True)
    after = models.CharField(max_length=12)
    note = models.TextField(blank=True)
    at = models.DateTimeField()

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.action} {self.at:%Y-%m-%d}"


class AchievementEvent(models.Model):
    id = models.BigAutoField(primary_key=True)
    achievement = models.ForeignKey(Achievement, on_delete=models.CASCADE, related_name="events")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    action = models.CharField(max_length=20)
    before = models.CharField(max_length=12, blank=True)
    after = models.CharField(max_length=12)
    note = models.TextField(blank=True)
    at = models.DateTimeField()

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.action} {self.at:%Y-%m-%d}"


class ContractQuerySet(ScopedQuerySet):
    def visible_to(self, actor):
        if self.anonymous(actor):
            return self.none()
        return self.filter(permissions.contract_visibility(actor))


class Contract(models.Model):
    """A registered technology contract (技术合同认定登记)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    number = models.CharField(_("registration number"), max_length=30, unique=True)
    deal = models.OneToOneField(
        Deal, on_delete=models.PROTECT, null=True, blank=True, related_name="contract"
    )
    contract_type = models.CharField(
        _("contract type"), max_length=12, choices=ContractType.choices
    )
    title = models.CharField(_("title"), max_length=200)
    field = models.CharField(_("field"), max_length=32, choices=TechField.choices)
    amount = MoneyField(_("contract amount (CNY)"))
    technology_amount = MoneyField(_("technology transaction amount (CNY)"))
    ip_type = models.CharField(_("IP type"), max_length=16, choices=IpType.choices)
    seller = models.ForeignKey(
        Institution, verbose_name=_("seller"), on_delete=models.PROTECT, related_name="+"
    )
    buyer = models.ForeignKey(
        "parks.Enterprise", verbose_name=_("buyer"), on_delete=models.PROTECT, related_name="+"
    )
    seller_region = models.CharField(_("seller's region"), max_length=50)
    buyer_region = models.CharField(_("buyer's region"), max_length=50)
    branch = models.ForeignKey(
        "parks.Park", verbose_name=_("branch"), on_delete=models.PROTECT, related_name="+"
    )
    signed_on = models.DateField(_("signed on"))
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ContractQuerySet.as_manager()

    class Meta:
        ordering = ["-signed_on", "-created_at"]
        verbose_name = _("technology contract")
        verbose_name_plural = _("technology contracts")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(technology_amount__lte=models.F("amount")),
                name="techtransfer_contract_technology_within_amount",
            )
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.title}"

    def get_absolute_url(self) -> str:
        return reverse("techtransfer:contract_detail", args=[self.pk])


class ContractAttachment(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    contract = models.ForeignKey(Contract, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(upload_to="techtransfer/contracts/%Y/%m/")
    name = models.CharField(max_length=200)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return self.name
