"""Web input of the approvals engine: what a person types is cleaned here, the services
decide, and each refusal lands under the field it concerns with the input kept."""

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from parkos.accounts.models import Role
from parkos.approvals.models import Scope, SignOff
from parkos.approvals.workflows import CASE_WORKFLOW
from parkos.core.forms import ServiceForm


class CaseActionForm(ServiceForm):
    """One move on a case: the button pressed and the comment or reason typed with it."""

    # The services name the text by what it is for; on the page it is one box.
    service_field_names = {"comment": "text", "reason": "text"}

    action = forms.ChoiceField(
        choices=[(code, code) for code in CASE_WORKFLOW.actions],
        error_messages={"invalid_choice": _("Unknown action.")},
    )
    # Not limited here: the service refuses an over-long text naming the limit and the length.
    text = forms.CharField(
        label=_("Comment or reason"),
        required=False,
        strip=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class CaseCommentForm(ServiceForm):
    text = forms.CharField(
        label=pgettext_lazy("approval case", "Add a comment"),
        required=False,
        strip=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    attachment = forms.FileField(label=_("Attachment"), required=False)


class BatchApproveForm(ServiceForm):
    """The cases ticked in the inbox; `choices` are the inbox's cases that allow it."""

    case = forms.MultipleChoiceField(required=False, choices=())
    comment = forms.CharField(required=False, strip=False)

    def __init__(self, *args, case_ids=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["case"].choices = [(str(pk), str(pk)) for pk in case_ids]


class NotificationsReadForm(forms.Form):
    next = forms.CharField(required=False)


class ProcessForm(ServiceForm):
    name = forms.CharField(label=_("Name"))
    allow_batch = forms.BooleanField(label=_("Batch approval allowed"), required=False)
    active = forms.BooleanField(label=pgettext_lazy("approval process", "Active"), required=False)


class StepCountForm(forms.Form):
    """How many step rows the page posted (the rows are StepForms prefixed `step-<n>`)."""

    step_count = forms.IntegerField(min_value=0, max_value=100)


class StepForm(ServiceForm):
    """One row of a process's steps; a row left without a name, or ticked for removal, is
    not a step. The service checks the rest and names the row's field."""

    name = forms.CharField(label=_("Step"), required=False, max_length=100)
    role = forms.ChoiceField(label=_("Reviewer role"), choices=Role.choices, required=False)
    scope = forms.CharField(label=_("Scope"), required=False)
    deadline_days = forms.CharField(label=_("Deadline (working days)"), required=False)
    sign_off = forms.ChoiceField(label=_("Sign-off"), choices=SignOff.choices, required=False)
    delete = forms.BooleanField(label=_("Remove"), required=False)

    @property
    def is_step(self) -> bool:
        data = getattr(self, "cleaned_data", None) or {}
        return bool(data.get("name", "").strip()) and not data.get("delete")

    def step(self) -> dict:
        data = self.cleaned_data
        return {
            "name": data["name"],
            "role": data["role"],
            "scope": data["scope"] or Scope.PARK,
            "deadline_days": data["deadline_days"],
            "sign_off": data["sign_off"] or SignOff.ANY,
        }
