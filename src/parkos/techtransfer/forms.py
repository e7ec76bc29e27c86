from django import forms
from django.utils.translation import gettext_lazy as _

from parkos.core.forms import ServiceForm
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

# Amounts are cleaned by the services (core.money.parse_money through validation.check_money),
# so that the web and the API refuse the same input with the same words under the same field.


class AchievementForm(ServiceForm):
    institution = forms.ChoiceField(label=_("Institution"))
    title = forms.CharField(label=_("Title"), max_length=200, required=False)
    title_en = forms.CharField(label=_("English title"), max_length=300, required=False)
    description = forms.CharField(
        label=_("Description"), widget=forms.Textarea(attrs={"rows": 5}), required=False
    )
    description_en = forms.CharField(
        label=_("English description"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    field = forms.ChoiceField(label=_("Field"), choices=TechField.choices)
    trl = forms.TypedChoiceField(
        label=_("Technology readiness level"), choices=TRL_CHOICES, coerce=int
    )
    modes = forms.MultipleChoiceField(
        label=_("Modes offered"), choices=Mode.choices, widget=forms.CheckboxSelectMultiple
    )
    price = forms.CharField(
        label=_("Price (CNY)"), required=False, help_text=_("Leave empty for “negotiable”.")
    )
    legal_status = forms.ChoiceField(label=_("Legal status"), choices=LegalStatus.choices)
    patent_type = forms.ChoiceField(
        label=_("Patent type"), choices=[("", "—"), *PatentType.choices], required=False
    )
    patent_number = forms.CharField(
        label=_("Application or patent number"),
        required=False,
        max_length=30,
        help_text=_("For example 202010123456.7 or ZL202010123456.7"),
    )
    ipc = forms.CharField(label=_("IPC class"), required=False, max_length=30)

    def __init__(self, *args, institutions=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["institution"].choices = [(str(i.pk), i.name) for i in institutions]


class DemandForm(ServiceForm):
    title = forms.CharField(label=_("Title"), max_length=200)
    problem = forms.CharField(label=_("Problem"), widget=forms.Textarea(attrs={"rows": 4}))
    outcome = forms.CharField(
        label=_("Desired outcome"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )
    field = forms.ChoiceField(label=_("Field"), choices=TechField.choices)
    trl_required = forms.TypedChoiceField(
        label=_("Required readiness level"), choices=TRL_CHOICES, coerce=int, initial=6
    )
    budget = forms.CharField(
        label=_("Budget (CNY)"), widget=forms.TextInput(attrs={"inputmode": "decimal"})
    )
    deadline = forms.DateField(
        label=_("Closing date"), widget=forms.DateInput(attrs={"type": "date"})
    )
    modes = forms.MultipleChoiceField(
        label=_("Modes accepted"), choices=Mode.choices, widget=forms.CheckboxSelectMultiple
    )
    confidential = forms.BooleanField(
        label=_("Confidential: visible to platform brokers only"), required=False
    )


class CallForm(ServiceForm):
    title = forms.CharField(label=_("Title"), max_length=200)
    challenge = forms.CharField(label=_("Challenge"), widget=forms.Textarea(attrs={"rows": 4}))
    field = forms.ChoiceField(label=_("Field"), choices=TechField.choices)
    reward = forms.CharField(label=_("Reward (CNY)"))
    deadline = forms.DateField(
        label=_("Closing date"), widget=forms.DateInput(attrs={"type": "date"})
    )


class ProposalForm(ServiceForm):
    summary = forms.CharField(label=_("Proposal"), widget=forms.Textarea(attrs={"rows": 4}))
    price = forms.CharField(label=_("Price asked (CNY)"), required=False)


class ActionForm(ServiceForm):
    action = forms.CharField(max_length=20)
    note = forms.CharField(
        label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class DeclineForm(ServiceForm):
    reason = forms.ChoiceField(label=_("Reason"), choices=DeclineReason.choices)
    note = forms.CharField(label=_("Note"), required=False, max_length=1000)


class DropForm(ServiceForm):
    reason = forms.ChoiceField(label=_("Why is it dropped?"), choices=DropReason.choices)
    note = forms.CharField(label=_("Note"), required=False, max_length=1000)


class ContractForm(ServiceForm):
    contract_type = forms.ChoiceField(label=_("Contract type"), choices=ContractType.choices)
    amount = forms.CharField(label=_("Contract amount (CNY)"))
    technology_amount = forms.CharField(label=_("Technology transaction amount (CNY)"))
    ip_type = forms.ChoiceField(label=_("IP type"), choices=IpType.choices)
    signed_on = forms.DateField(
        label=_("Signed on"), widget=forms.DateInput(attrs={"type": "date"})
    )
    branch_id = forms.ChoiceField(label=_("Branch"))
    buyer_region = forms.CharField(label=_("Buyer's region"), required=False, max_length=50)
    service_field_names = {"branch": "branch_id"}

    def __init__(self, *args, branches=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["branch_id"].choices = [(str(p.pk), f"{p.name} · {p.city}") for p in branches]


class AttachmentForm(ServiceForm):
    file = forms.FileField(label=_("Attachment"))
