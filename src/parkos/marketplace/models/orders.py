"""An order's life from enquiry to acceptance, its events, reviews, complaints and scores."""

import uuid

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from parkos.core.money import MoneyField
from parkos.core.scoping import ScopedQuerySet


class OrderQuerySet(ScopedQuerySet):
    def visible_to(self, actor):
        """Orders of the actor's enterprises and providers; staff readers see all."""
        from parkos.marketplace import permissions

        if self.anonymous(actor):
            return self.none()
        return self.filter(permissions.order_visibility(actor))


class OrderPartQuerySet(ScopedQuerySet):
    """Rows that belong to an order (its events, refunds, complaints): visible with it."""

    def visible_to(self, actor):
        if self.anonymous(actor):
            return self.none()
        return self.filter(order__in=Order.objects.visible_to(actor))


class PublicQuerySet(ScopedQuerySet):
    """Rows every signed-in user reads: reviews, scores (the catalogue shows them)."""

    def visible_to(self, actor):
        return self.none() if self.anonymous(actor) else self.all()


class OrderStatus(models.TextChoices):
    ENQUIRY = "enquiry", _("Enquiry")
    QUOTED = "quoted", _("Quoted")
    ORDERED = "ordered", _("Ordered")
    DELIVERED = "delivered", _("Delivered")
    ACCEPTED = "accepted", pgettext_lazy("order status", "Accepted")
    COMPLAINED = "complained", _("Under complaint")
    CANCELLED = "cancelled", _("Cancelled")
    DECLINED = "declined", _("Declined")
    REFUNDED = "refunded", _("Refunded")


class Order(models.Model):
    """One purchase: it starts as an enquiry (or straight as an order at the list price)
    and keeps its whole life, each step timestamped, in this row and in OrderEvent."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    number = models.CharField(_("number"), max_length=24, unique=True)
    enterprise = models.ForeignKey(
        "parks.Enterprise",
        verbose_name=_("enterprise"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    provider = models.ForeignKey(
        "marketplace.Provider",
        verbose_name=_("provider"),
        on_delete=models.PROTECT,
        related_name="orders",
    )
    product = models.ForeignKey(
        "marketplace.Product",
        verbose_name=_("product"),
        on_delete=models.PROTECT,
        related_name="orders",
    )
    plan = models.ForeignKey(
        "marketplace.Plan", verbose_name=_("plan"), on_delete=models.PROTECT, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    status = models.CharField(_("status"), max_length=12, choices=OrderStatus.choices)
    message = models.TextField(pgettext_lazy("enquiry", "message"), blank=True)
    quantity = models.PositiveIntegerField(_("quantity"), default=1)
    quoted_amount = MoneyField(_("quoted amount (CNY)"), null=True, blank=True)
    quote_note = models.TextField(_("quote note"), blank=True)
    quote_valid_until = models.DateField(_("quote valid until"), null=True, blank=True)
    amount = MoneyField(_("amount (CNY)"), null=True, blank=True)
    voucher_amount = MoneyField(_("paid by voucher (CNY)"), default=0)
    enterprise_amount = MoneyField(_("paid by the enterprise (CNY)"), default=0)
    voucher_grant = models.ForeignKey(
        "marketplace.VoucherGrant",
        verbose_name=_("voucher grant"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="orders",
    )
    period_start = models.DateField(
        pgettext_lazy("service period", "period start"), null=True, blank=True
    )
    period_end = models.DateField(
        pgettext_lazy("service period", "period end"), null=True, blank=True
    )
    renewal_of = models.ForeignKey(
        "self",
        verbose_name=_("renewal of"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="renewals",
    )
    invoice_title = models.CharField(_("invoice title (发票抬头)"), max_length=200, blank=True)
    invoice_tax_id = models.CharField(_("taxpayer id"), max_length=20, blank=True)
    invoice_email = models.EmailField(_("invoice email"), blank=True)
    enquired_at = models.DateTimeField(_("enquired at"), null=True, blank=True)
    quoted_at = models.DateTimeField(_("quoted at"), null=True, blank=True)
    ordered_at = models.DateTimeField(_("ordered at"), null=True, blank=True)
    delivered_at = models.DateTimeField(_("delivered at"), null=True, blank=True)
    accepted_at = models.DateTimeField(_("accepted at"), null=True, blank=True)
    complained_at = models.DateTimeField(_("complained at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    # A cancelled subscription is not renewed; its service runs to `service_ends_on`.
    subscription_cancelled_at = models.DateTimeField(
        _("subscription cancelled at"), null=True, blank=True
    )
    service_ends_on = models.DateField(_("service ends on"), null=True, blank=True)
    # What refunds have given back so far (see services/refunds.py), kept beside the split
    # they reverse so that revenue and claims read the net figures without a join.
    voucher_refunded = MoneyField(_("voucher refunded (CNY)"), default=0)
    enterprise_refunded = MoneyField(_("refund due to the enterprise (CNY)"), default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    objects = OrderQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["provider", "status"]),
            models.Index(fields=["enterprise", "status"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(voucher_amount__gte=0) & Q(enterprise_amount__gte=0),
                name="marketplace_order_split_not_negative",
            ),
            models.CheckConstraint(
                condition=Q(amount__isnull=True) | Q(amount__gt=0),
                name="marketplace_order_amount_positive",
            ),
            models.CheckConstraint(
                condition=Q(voucher_refunded__gte=0)
                & Q(enterprise_refunded__gte=0)
                & Q(voucher_refunded__lte=F("voucher_amount"))
                & Q(enterprise_refunded__lte=F("enterprise_amount")),
                name="marketplace_order_refund_within_paid",
            ),
        ]
        verbose_name = _("order")
        verbose_name_plural = _("orders")

    def __str__(self) -> str:
        return self.number


class OrderAction(models.TextChoices):
    """What an OrderEvent records, named as the order's history reads."""

    ENQUIRE = "enquire", pgettext_lazy("order event", "Enquiry sent")
    QUOTE = "quote", pgettext_lazy("order event", "Quote sent")
    DECLINE = "decline", pgettext_lazy("order event", "Enquiry declined")
    PLACE = "place", pgettext_lazy("order event", "Order placed")
    DELIVER = "deliver", pgettext_lazy("order event", "Delivered")
    ACCEPT = "accept", pgettext_lazy("order event", "Delivery accepted")
    COMPLAIN = "complain", pgettext_lazy("order event", "Complaint filed")
    UPHOLD = "uphold", pgettext_lazy("order event", "Complaint upheld")
    DISMISS = "dismiss", pgettext_lazy("order event", "Complaint dismissed")
    CANCEL = "cancel", pgettext_lazy("order event", "Cancelled")
    CANCEL_AT_END = (
        "cancel_at_end",
        pgettext_lazy("order event", "Subscription cancelled at the end of its period"),
    )
    CANCEL_NOW = "cancel_now", pgettext_lazy("order event", "Subscription cancelled at once")
    REFUND = "refund", pgettext_lazy("order event", "Refunded in full")
    REFUND_PART = "refund_part", pgettext_lazy("order event", "Partly refunded")


class OrderEvent(models.Model):
    """A state change of an order: who, when, from what to what, and the amount it set
    (a quote, an order, a refund) as a value, so the history formats it for the reader."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField(_("time"))
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    action = models.CharField(_("action"), max_length=20, choices=OrderAction.choices)
    from_status = models.CharField(max_length=12, blank=True, choices=OrderStatus.choices)
    to_status = models.CharField(max_length=12, choices=OrderStatus.choices)
    amount = MoneyField(_("amount (CNY)"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=500, blank=True)
    objects = OrderPartQuerySet.as_manager()

    class Meta:
        ordering = ["at"]
        verbose_name = _("order event")
        verbose_name_plural = _("order events")

    def __str__(self) -> str:
        return f"{self.order} {self.from_status}→{self.to_status}"


class RefundReason(models.TextChoices):
    COMPLAINT = "complaint", _("Complaint upheld")
    CANCELLATION = "cancellation", _("Subscription cancelled")


class OrderRefund(models.Model):
    """Money an accepted order gives back, never edited: the voucher part returned to the
    enterprise's grant, the enterprise's part due from the provider, and the part of the
    voucher reimbursement the provider had been paid already and now owes back."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    order = models.ForeignKey(Order, on_delete=models.PROTECT, related_name="refunds")
    reason = models.CharField(
        pgettext_lazy("refund", "reason"), max_length=12, choices=RefundReason.choices
    )
    complaint = models.ForeignKey(
        "marketplace.Complaint",
        verbose_name=_("complaint"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="refunds",
    )
    voucher_amount = MoneyField(_("back to the voucher grant (CNY)"))
    enterprise_amount = MoneyField(_("due to the enterprise (CNY)"))
    clawback_amount = MoneyField(_("clawed back from the provider (CNY)"), default=0)
    note = models.CharField(_("note"), max_length=500, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    at = models.DateTimeField(_("time"))
    objects = OrderPartQuerySet.as_manager()

    class Meta:
        ordering = ["at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(voucher_amount__gte=0)
                & Q(enterprise_amount__gte=0)
                & Q(clawback_amount__gte=0)
                & Q(clawback_amount__lte=F("voucher_amount")),
                name="marketplace_refund_amounts_sane",
            )
        ]
        verbose_name = _("refund")
        verbose_name_plural = _("refunds")

    def __str__(self) -> str:
        return f"{self.order} −{self.voucher_amount + self.enterprise_amount}"


class Review(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    order = models.OneToOneField(Order, on_delete=models.CASCADE, related_name="review")
    product = models.ForeignKey(
        "marketplace.Product", on_delete=models.CASCADE, related_name="reviews"
    )
    provider = models.ForeignKey(
        "marketplace.Provider", on_delete=models.CASCADE, related_name="reviews"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    stars = models.PositiveSmallIntegerField(
        _("stars"), validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    text = models.TextField(_("review"), blank=True)
    created_at = models.DateTimeField(_("written at"))
    objects = PublicQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(stars__gte=1) & Q(stars__lte=5), name="marketplace_review_stars_1_5"
            )
        ]
        verbose_name = _("review")
        verbose_name_plural = _("reviews")

    def __str__(self) -> str:
        return f"{self.order} ★{self.stars}"


class ComplaintStatus(models.TextChoices):
    OPEN = "open", pgettext_lazy("complaint status", "Open")
    UPHELD = "upheld", _("Upheld")
    DISMISSED = "dismissed", _("Dismissed")


class Complaint(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="complaints")
    provider = models.ForeignKey(
        "marketplace.Provider", on_delete=models.CASCADE, related_name="complaints"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    text = models.TextField(_("complaint"))
    status = models.CharField(
        _("status"), max_length=10, choices=ComplaintStatus.choices, default=ComplaintStatus.OPEN
    )
    resolution = models.TextField(_("resolution"), blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(pgettext_lazy("complaint", "raised at"))
    resolved_at = models.DateTimeField(_("resolved at"), null=True, blank=True)
    objects = OrderPartQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("complaint")
        verbose_name_plural = _("complaints")

    def __str__(self) -> str:
        return f"{self.order} · {self.get_status_display()}"


class ProviderScore(models.Model):
    """One computation of a provider's quality score, kept so the history can be shown."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    provider = models.ForeignKey(
        "marketplace.Provider", on_delete=models.CASCADE, related_name="scores"
    )
    computed_at = models.DateTimeField(_("computed at"))
    score = models.DecimalField(
        pgettext_lazy("quality score", "score"), max_digits=5, decimal_places=2
    )
    rating = models.DecimalField(_("smoothed rating"), max_digits=4, decimal_places=2)
    sla_compliance = models.DecimalField(_("SLA compliance"), max_digits=5, decimal_places=4)
    complaint_rate = models.DecimalField(_("complaint rate"), max_digits=5, decimal_places=4)
    response_hours = models.DecimalField(
        _("median first response (hours)"), max_digits=8, decimal_places=2, null=True
    )
    review_count = models.PositiveIntegerField(default=0)
    order_count = models.PositiveIntegerField(default=0)
    flagged = models.BooleanField(default=False)
    objects = PublicQuerySet.as_manager()

    class Meta:
        ordering = ["-computed_at"]
        verbose_name = _("provider score")
        verbose_name_plural = _("provider scores")

    def __str__(self) -> str:
        return f"{self.provider} {self.score}"
