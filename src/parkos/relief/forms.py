"""Web input of rent relief. Amounts go through the one money parser (so "23,500,000" is
read as it is typed); the services check the rules, and every problem of a programme is
shown at once, each under its field, with the input kept."""

from django import forms
from django.utils.translation import gettext_lazy as _

from parkos.core.forms import MoneyFormField, ServiceForm
from parkos.relief.models import ReliefKind
from parkos.relief.workflows import PROGRAMME_WORKFLOW

DATE_ERRORS = {"invalid": _("Enter a date as YYYY-MM-DD.")}


class ProgrammeForm(ServiceForm):
    name = forms.CharField(required=False)
    description = forms.CharField(required=False)
    park = forms.ChoiceField(
        required=False, choices=(), error_messages={"invalid_choice": _("Unknown park.")}
    )
    period_start = forms.DateField(required=False, error_messages=DATE_ERRORS)
    period_end = forms.DateField(required=False, error_messages=DATE_ERRORS)
    apply_until = forms.DateField(required=False, error_messages=DATE_ERRORS)
    max_headcount = forms.CharField(required=False)
    # Negative amounts are refused by the service in its own words; the field reads them.
    max_revenue = MoneyFormField(required=False, minimum=None)
    require_no_arrears = forms.BooleanField(required=False)
    kind = forms.CharField(required=False)
    months = forms.CharField(required=False)
    percent = forms.CharField(required=False)
    cap_per_enterprise = MoneyFormField(required=False, minimum=None)
    process_code = forms.CharField(required=False)
    publish = forms.BooleanField(required=False)

    def __init__(self, *args, parks=(), default_process: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        self.parks = {str(park.id): park for park in parks}
        self.fields["park"].choices = [("", ""), *((key, "") for key in self.parks)]
        self.default_process = default_process

    def clean_park(self):
        return self.parks.get(self.cleaned_data["park"])

    def clean_max_headcount(self):
        headcount = self.cleaned_data["max_headcount"].strip()
        if not headcount:
            return None
        if not headcount.isdigit():
            raise forms.ValidationError(_("Enter a whole number of people."))
        return int(headcount)

    def clean_kind(self):
        return self.cleaned_data["kind"] or ""

    def clean_process_code(self):
        return self.cleaned_data["process_code"] or self.default_process

    def service_input(self) -> dict:
        """What the service takes: every field, None where the form could not read it (the
        form's own errors are passed along, so all problems are shown together)."""
        data = getattr(self, "cleaned_data", {})
        values = {name: data.get(name) for name in self.fields}
        for name in ("months", "percent"):
            values[name] = values[name] or None
        values["name"] = values["name"] or ""
        values["description"] = values["description"] or ""
        values["kind"] = values["kind"] or ""
        values["process_code"] = values["process_code"] or self.default_process
        values["require_no_arrears"] = bool(values["require_no_arrears"])
        values["publish"] = bool(values["publish"])
        return values


KINDS = ReliefKind.choices


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class EvidenceField(forms.FileField):
    """Any number of files; the service checks each one's type and size."""

    def __init__(self, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput)
        super().__init__(**kwargs)

    def clean(self, data, initial=None):
        files = data if isinstance(data, list | tuple) else [data] if data else []
        return [super(EvidenceField, self).clean(item, initial) for item in files]


class ApplicationForm(ServiceForm):
    """An application (and the live quote under it): the lease and the revenue declared."""

    lease = forms.ChoiceField(
        choices=(),
        required=False,
        error_messages={"invalid_choice": _("This lease is not one of your enterprise's.")},
    )
    declared_revenue = MoneyFormField(required=False, minimum=None)
    evidence = EvidenceField(required=False)

    def __init__(self, *args, leases=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.leases = {str(lease.id): lease for lease in leases}
        self.fields["lease"].choices = [("", ""), *((key, "") for key in self.leases)]

    def clean_lease(self):
        return self.leases.get(self.cleaned_data["lease"])

    def add_service_errors(self, error) -> None:
        # The service names each of several files `evidence.<n>`: all go under the one input.
        for name in [name for name in error.fields if name.startswith("evidence.")]:
            error.fields.setdefault("evidence", []).extend(error.fields.pop(name))
        super().add_service_errors(error)


class ProgrammeActionForm(forms.Form):
    action = forms.ChoiceField(choices=[(code, code) for code in PROGRAMME_WORKFLOW.actions])
