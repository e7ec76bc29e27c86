"""Web input of the re-opening ledger. Counts are taken as typed and checked by the services,
so that a wrong one gets the same words on the page and in the API; the forms read the input,
and each refusal lands under its field with the input kept."""

from django import forms
from django.utils.translation import gettext_lazy as _

from parkos.core.forms import ServiceForm
from parkos.filings.workflows import ROUND_WORKFLOW

DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class RoundActionForm(forms.Form):
    action = forms.ChoiceField(choices=[(code, code) for code in ROUND_WORKFLOW.actions])


class RoundForm(ServiceForm):
    park = forms.ChoiceField(
        label=_("Park"), choices=(), error_messages={"required": _("Choose a park.")}
    )
    title = forms.CharField(label=_("Title"), required=False)
    period_start = forms.DateField(label=_("Period start"), required=False, widget=DATE_INPUT)
    period_end = forms.DateField(label=_("Period end"), required=False, widget=DATE_INPUT)
    due_on = forms.DateField(label=_("Due on"), required=False, widget=DATE_INPUT)
    change_threshold = forms.CharField(label=_("Change threshold (%)"), required=False)
    min_supplies_days = forms.CharField(
        label=_("Minimum protective supplies (days)"), required=False
    )
    include_branches = forms.BooleanField(
        label=_("Include the enterprises of the park's branches"), required=False
    )

    def __init__(self, *args, parks=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.parks = {str(park.id): park for park in parks}
        self.fields["park"].choices = [(key, park.name) for key, park in self.parks.items()]
        self.fields["park"].error_messages["invalid_choice"] = _("Choose a park.")

    def clean_park(self):
        return self.parks[self.cleaned_data["park"]]


class EnterpriseChoiceForm(forms.Form):
    """Which of the user's enterprises a filing is for (a link may name it)."""

    enterprise = forms.UUIDField(required=False)


class FilingForm(ServiceForm):
    total_staff = forms.CharField(label=_("Total staff"), required=False)
    returned_staff = forms.CharField(label=_("Staff returned"), required=False)
    risk_area_staff = forms.CharField(label=_("Staff from risk areas"), required=False)
    observation_staff = forms.CharField(label=_("Staff under observation"), required=False)
    supplies_days = forms.CharField(label=_("Protective supplies (days)"), required=False)
    compliance_declared = forms.BooleanField(required=False)
