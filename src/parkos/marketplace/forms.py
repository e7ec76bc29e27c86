"""What people type on the supermarket's pages, cleaned by Django forms. A form checks the
shape (a number, an amount, a choice); the service decides the rest, and its refusals land
under the fields they name (core.forms.ServiceErrorsMixin). Field names are the services'
keywords, so that the same names serve the page and the service's errors."""

import uuid
from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from parkos.core.forms import MoneyFormField, ServiceForm
from parkos.marketplace.models import BillingPeriod, DeliveryModel
from parkos.marketplace.services.subscriptions import EFFECTIVE, PERIOD_END

CENT = Decimal("0.01")


def _compact(form: forms.Form) -> None:
    """The order page's forms sit several to a card: small widgets, the label as a
    placeholder and as the accessible name."""
    for field in form.fields.values():
        widget = field.widget
        css = widget.attrs.get("class", "")
        if "form-control" in css or "form-select" in css:
            size = " form-select-sm" if "form-select" in css else " form-control-sm"
            widget.attrs["class"] = css + size
        if field.label and not isinstance(widget, forms.CheckboxInput | forms.RadioSelect):
            widget.attrs.setdefault("placeholder", field.label)
            widget.attrs.setdefault("aria-label", field.label)


class CompactForm(ServiceForm):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", f"id_{self.action}_%s")
        super().__init__(*args, **kwargs)
        _compact(self)

    action = ""


# The order page: one form per action (views/orders.ACTIONS)


class QuoteForm(CompactForm):
    action = "quote"
    amount = MoneyFormField(label=_("Amount (CNY)"), minimum=CENT)
    note = forms.CharField(label=_("Note"), required=False, max_length=2000)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["amount"].widget.attrs["data-testid"] = "quote-amount"


class DeclineForm(CompactForm):
    action = "decline"
    reason = forms.CharField(label=_("Reason for declining"), max_length=500)


class CancelForm(CompactForm):
    action = "cancel"
    reason = forms.CharField(label=pgettext_lazy("cancel", "Reason"), max_length=500)


class PlaceForm(CompactForm):
    action = "place"
    use_voucher = forms.BooleanField(
        label=_("Use my innovation voucher"),
        required=False,
        widget=forms.CheckboxInput(attrs={"data-testid": "use-voucher"}),
    )
    voucher_amount = MoneyFormField(label=_("Paid by voucher"), minimum=CENT, required=False)
    invoice_title = forms.CharField(
        label=_("Invoice title (发票抬头)"), required=False, max_length=200
    )
    invoice_tax_id = forms.CharField(label=_("Taxpayer id"), required=False, max_length=20)
    invoice_email = forms.CharField(label=_("Invoice email"), required=False, max_length=254)

    def invoice(self) -> dict:
        data = self.cleaned_data
        return {
            "title": data["invoice_title"],
            "tax_id": data["invoice_tax_id"],
            "email": data["invoice_email"],
        }


class DeliverForm(CompactForm):
    action = "deliver"
    note = forms.CharField(label=_("Note"), required=False, max_length=500)


class ConfirmForm(CompactForm):
    """A step that asks for nothing but the click (accept, claim)."""


class RenewForm(CompactForm):
    action = "renew"
    use_voucher = forms.BooleanField(required=False, widget=forms.HiddenInput)


class ReviewForm(CompactForm):
    action = "review"
    stars = forms.TypedChoiceField(
        label=_("Stars"),
        choices=[(n, f"{n}★") for n in range(1, 6)],
        coerce=int,
        initial=5,
        widget=forms.RadioSelect,
        error_messages={"invalid_choice": _("Give from 1 to 5 stars.")},
    )
    text = forms.CharField(
        label=_("How was it?"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 2, "data-testid": "review-text"}),
    )


class ComplaintForm(CompactForm):
    action = "complain"
    text = forms.CharField(
        label=_("Complaint"), max_length=4000, widget=forms.Textarea(attrs={"rows": 2})
    )


class SubscriptionCancelForm(CompactForm):
    action = "cancel_subscription"
    reason = forms.CharField(label=pgettext_lazy("cancel", "Reason"), max_length=500)
    effective = forms.ChoiceField(
        label=_("When"),
        choices=[
            ("period_end", _("At the end of the period")),
            ("immediately", _("Immediately, refunding the unused days")),
        ],
        required=False,
    )

    def clean_effective(self) -> str:
        effective = self.cleaned_data["effective"] or PERIOD_END
        assert effective in EFFECTIVE
        return effective


class ResolveForm(CompactForm):
    action = "resolve"
    complaint = forms.UUIDField(widget=forms.HiddenInput)
    decision = forms.ChoiceField(choices=[("uphold", "uphold"), ("dismiss", "dismiss")])
    resolution = forms.CharField(
        label=_("Resolution"), max_length=4000, widget=forms.Textarea(attrs={"rows": 2})
    )
    # Empty refunds everything left; a malformed amount is refused, never read as "all".
    refund_amount = MoneyFormField(
        label=_("Refund (CNY); empty refunds everything left"), required=False
    )


# The product page


class _PlanChoice(ServiceForm):
    plan = forms.ChoiceField(label=_("Plan"))
    quantity = forms.IntegerField(
        label=_("Quantity"),
        initial=1,
        min_value=1,
        max_value=10000,
        error_messages={
            "invalid": _("Enter a whole number from 1 to 10000."),
            "min_value": _("Enter a whole number from 1 to 10000."),
            "max_value": _("Enter a whole number from 1 to 10000."),
        },
    )

    def __init__(self, *args, plans=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.plans = {str(plan.id): plan for plan in plans}
        self.fields["plan"].choices = [(key, plan.name) for key, plan in self.plans.items()]
        _compact(self)

    def clean_plan(self):
        return self.plans[self.cleaned_data["plan"]]


class EnquiryForm(_PlanChoice):
    message = forms.CharField(
        label=_("What do you need? Users, period, integration…"),
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3, "data-testid": "enquiry-message"}),
    )

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", "id_enquiry_%s")
        super().__init__(*args, **kwargs)


class DirectOrderForm(_PlanChoice, PlaceForm):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", "id_direct_%s")
        super().__init__(*args, **kwargs)
        del self.fields["voucher_amount"]
        self.fields["use_voucher"].label = _("Pay part with my innovation voucher")


# The catalogue


class ProviderApplyForm(ServiceForm):
    name = forms.CharField(label=_("Company name"), max_length=200)
    name_en = forms.CharField(label=_("English name"), max_length=200, required=False)
    credit_code = forms.CharField(label=_("Unified social credit code"), max_length=18)
    city = forms.CharField(label=_("City"), max_length=50, required=False)
    contact_name = forms.CharField(label=_("Contact"), max_length=60)
    contact_phone = forms.CharField(label=_("Contact phone"), max_length=30, required=False)
    contact_email = forms.CharField(label=_("Contact email"), max_length=254, required=False)
    website = forms.CharField(label=_("Website"), max_length=200, required=False)
    credentials = forms.CharField(
        label=_("Credentials (licences, certifications, one a line)"),
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    description = forms.CharField(
        label=_("Description"),
        max_length=4000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class ProductReviewForm(ServiceForm):
    decision = forms.ChoiceField(choices=[("approve", "approve"), ("reject", "reject")])
    note = forms.CharField(label=_("Note"), max_length=500, required=False)


class ProductNewForm(ServiceForm):
    """A product with its first plan. The plan's service names its fields `name`, `price`
    and `billing_period`; a refusal of the plan lands under the plan's fields."""

    provider = forms.ChoiceField(label=_("Provider"))
    category = forms.ChoiceField(label=pgettext_lazy("service category", "Category"))
    name = forms.CharField(label=_("Name"), max_length=200)
    name_en = forms.CharField(label=_("English name"), max_length=200, required=False)
    summary = forms.CharField(label=_("Summary"), max_length=300, required=False)
    description = forms.CharField(
        label=_("Description"),
        max_length=8000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    delivery_model = forms.ChoiceField(label=_("Delivery model"), choices=DeliveryModel.choices)
    sla_response_hours = forms.IntegerField(
        label=_("First response within (hours)"), initial=24, min_value=1, max_value=720
    )
    sla_delivery_days = forms.IntegerField(
        label=_("Delivery within (days)"), initial=7, min_value=1, max_value=365
    )
    plan_name = forms.CharField(label=_("Plan"), max_length=100, initial="标准版")
    plan_price = MoneyFormField(label=_("Price (CNY)"), minimum=CENT)
    plan_billing_period = forms.ChoiceField(
        label=_("Billing period"), choices=BillingPeriod.choices
    )
    voucher_eligible = forms.BooleanField(
        label=_("Eligible for innovation vouchers"), required=False
    )
    service_field_names = {"price": "plan_price", "billing_period": "plan_billing_period"}

    def __init__(self, *args, providers=(), tree=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.providers = {str(provider.id): provider for provider in providers}
        self.fields["provider"].choices = [(k, p.name) for k, p in self.providers.items()]
        self.categories = {child.code: child for parent in tree for child in parent.children.all()}
        self.fields["category"].choices = [
            (parent.label, [(child.code, child.label) for child in parent.children.all()])
            for parent in tree
        ]

    def clean_provider(self):
        return self.providers[self.cleaned_data["provider"]]

    def clean_category(self):
        return self.categories[self.cleaned_data["category"]]

    def product(self) -> dict:
        data = dict(self.cleaned_data)
        plan = {
            "name": data.pop("plan_name"),
            "price": data.pop("plan_price"),
            "billing_period": data.pop("plan_billing_period"),
        }
        return {**data, "plans": [plan]}


# Vouchers


class VoucherApplyForm(ServiceForm):
    programme = forms.ChoiceField(label=pgettext_lazy("voucher programme", "Programme"))
    amount = MoneyFormField(label=_("Amount (CNY)"), minimum=CENT)
    purpose = forms.CharField(
        label=_("What will you buy with it?"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, programmes=(), **kwargs):
        kwargs.setdefault("auto_id", "id_apply_%s")
        super().__init__(*args, **kwargs)
        self.programmes = {str(programme.id): programme for programme in programmes}
        self.fields["programme"].choices = [(k, p.name) for k, p in self.programmes.items()]

    def clean_programme(self):
        return self.programmes[self.cleaned_data["programme"]]


class _ClaimIds(forms.Field):
    """The ticked claims: their ids, each a UUID."""

    widget = forms.MultipleHiddenInput

    def to_python(self, value):
        try:
            return [uuid.UUID(str(item)) for item in value or []]
        except ValueError:
            raise forms.ValidationError(self.error_messages["required"]) from None


class ClaimsDecideForm(ServiceForm):
    claims = _ClaimIds(error_messages={"required": _("Choose the claims to decide.")})
    decision = forms.ChoiceField(
        choices=[("approve", "approve"), ("reject", "reject")], required=False
    )

    def approved(self) -> bool:
        return self.cleaned_data["decision"] in ("", "approve")


class ClawbacksSettleForm(ServiceForm):
    claims = _ClaimIds(error_messages={"required": _("Choose the clawbacks paid back.")})
