"""Every input of property's pages goes through one of these forms: the form reads what was
typed, the service decides, and a service's field errors come back under their fields
(core.forms.ServiceErrorsMixin) with the input kept. The forms check types only; the rules
live in the services, shared with the API."""

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from parkos.core.forms import ServiceErrorsMixin, ServiceForm
from parkos.property.models import Category, FindingStatus, Frequency, Priority, TicketKind


class TicketForm(ServiceErrorsMixin, forms.Form):
    unit = forms.ChoiceField(label=_("Place"), required=False)
    kind = forms.ChoiceField(label=_("Type"), choices=TicketKind.choices, initial=TicketKind.REPAIR)
    category = forms.ChoiceField(
        label=pgettext_lazy("ticket", "Category"),
        required=False,
        choices=[("", _("Let smart dispatch decide")), *Category.choices],
    )
    priority = forms.ChoiceField(
        label=_("Priority"), choices=Priority.choices, initial=Priority.NORMAL
    )
    title = forms.CharField(label=_("Title"), required=False, max_length=200)
    description = forms.CharField(
        label=pgettext_lazy("ticket", "Description"), widget=forms.Textarea(attrs={"rows": 4})
    )
    preferred_time = forms.DateTimeField(
        label=_("Preferred time"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
    )

    def __init__(self, *args, units=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].choices = [
            (str(u.id), f"{u.floor.building.name} · {u.floor} · {u.number}") for u in units
        ]
        for field in self.fields.values():
            css = "form-select" if isinstance(field, forms.ChoiceField) else "form-control"
            field.widget.attrs["class"] = css


def _styled(form: forms.Form) -> None:
    for field in form.fields.values():
        if isinstance(field.widget, forms.CheckboxSelectMultiple | forms.CheckboxInput):
            field.widget.attrs["class"] = "form-check-input"
        elif isinstance(field, forms.ChoiceField):
            field.widget.attrs["class"] = "form-select"
        else:
            field.widget.attrs["class"] = "form-control"


class InspectionTemplateForm(ServiceErrorsMixin, forms.Form):
    """The checklist's name and company; its items come as rows (ITEM_FIELDS) edited on the
    page and checked by the service."""

    company = forms.ModelChoiceField(label=_("Property company"), queryset=None, empty_label=None)
    name = forms.CharField(label=_("Name"), max_length=100)

    def __init__(self, *args, companies, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["company"].queryset = companies
        _styled(self)


ITEM_FIELDS = ("key", "label", "kind", "min", "max", "unit", "category")


def checklist_rows(data) -> list[dict]:
    """The item rows of a posted checklist form, in order; rows left entirely blank are
    dropped, as a row added and not filled in."""
    columns = {name: data.getlist(f"item_{name}") for name in ITEM_FIELDS}
    count = max((len(values) for values in columns.values()), default=0)
    rows = []
    for index in range(count):
        row = {
            name: (values[index] if index < len(values) else "").strip()
            for name, values in columns.items()
        }
        if any(row[name] for name in ("label", "min", "max", "unit")):
            rows.append(row)
    return rows


class InspectionScheduleForm(ServiceErrorsMixin, forms.Form):
    template = forms.ModelChoiceField(label=_("Checklist"), queryset=None)
    frequency = forms.ChoiceField(label=_("Frequency"), choices=Frequency.choices)
    technicians = forms.ModelMultipleChoiceField(
        label=_("Technicians"),
        queryset=None,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("With several technicians, they take the rounds in turn."),
    )
    building = forms.ModelChoiceField(
        label=_("Place"),
        queryset=None,
        required=False,
        empty_label=_("The whole zone"),
    )
    active = forms.BooleanField(
        label=pgettext_lazy("schedule", "Active"), required=False, initial=True
    )

    def __init__(self, *args, templates, technicians, buildings, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["template"].queryset = templates
        self.fields["template"].label_from_instance = lambda t: f"{t.company.name} · {t.name}"
        self.fields["technicians"].queryset = technicians
        self.fields["technicians"].label_from_instance = lambda t: f"{t.user} · {t.company.name}"
        self.fields["building"].queryset = buildings
        self.fields["building"].label_from_instance = lambda b: (
            f"{b.zone.name} · {b.name}" if b.zone_id else b.name
        )
        _styled(self)


# The ticket page: one small form per action.


class DispatchForm(ServiceForm):
    category = forms.ChoiceField(
        label=pgettext_lazy("ticket", "Category"),
        required=False,
        choices=[("", _("Keep category")), *Category.choices],
    )
    technician = forms.ModelChoiceField(
        label=_("Technician"),
        queryset=None,
        required=False,
        empty_label=_("Best technician (automatic)"),
    )

    def __init__(self, *args, technicians, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["technician"].queryset = technicians
        self.fields["technician"].error_messages["invalid_choice"] = _("Unknown technician.")


class ResolveForm(ServiceForm):
    note = forms.CharField(label=_("What was done"), required=False)


class ConfirmForm(ServiceForm):
    # The service names a rating outside 1..5; the form passes what was chosen.
    rating = forms.CharField(label=_("Your rating"), required=False)
    comment = forms.CharField(
        label=pgettext_lazy("rating", "Comment"), required=False, widget=forms.Textarea
    )


class ReasonForm(ServiceForm):
    reason = forms.CharField(label=_("Reason"), required=False)


# Patrol rounds, spot checks, surveys, scores and profiles.

PASS, FAIL = "pass", "fail"


class RoundForm(ServiceForm):
    """One field per checklist item (a reading, or pass/fail) and one for its finding note,
    named by the item's key as the service names its errors."""

    def __init__(self, *args, items, **kwargs):
        super().__init__(*args, **kwargs)
        self.items = list(items or ())
        for item in self.items:
            key, label = item["key"], item.get("label", item["key"])
            if item.get("kind") == "value":
                self.fields[key] = forms.CharField(label=label, required=False)
            else:
                self.fields[key] = forms.ChoiceField(
                    label=label,
                    required=False,
                    choices=[(PASS, _("Pass")), (FAIL, _("Fail"))],
                    widget=forms.RadioSelect,
                )
            self.fields[f"{key}_note"] = forms.CharField(label=_("Finding"), required=False)

    def answers(self) -> dict:
        data = self.cleaned_data
        answers = {}
        for item in self.items:
            key = item["key"]
            note = data.get(f"{key}_note", "")
            if item.get("kind") == "value":
                answers[key] = {"value": data.get(key, ""), "note": note}
            else:
                # A box left unticked is a failed item, as on the paper round.
                answers[key] = {"passed": data.get(key) == PASS, "note": note}
        return answers

    def rows(self) -> list[dict]:
        """The items with what was entered and their errors, for the page."""
        rows = []
        for item in self.items:
            key = item["key"]
            rows.append(
                {
                    **item,
                    "entered": {
                        "value": self[key].value() or "",
                        "note": self[f"{key}_note"].value() or "",
                    },
                    "errors": [*self[key].errors, *self[f"{key}_note"].errors],
                }
            )
        return rows


class FindingFollowUpForm(ServiceForm):
    status = forms.ChoiceField(label=_("Status"), choices=FindingStatus.choices)
    note = forms.CharField(label=pgettext_lazy("follow-up", "Note"), required=False)


class SurveyAnswerForm(ServiceForm):
    """One field per question; a rating out of range is named by the service."""

    def __init__(self, *args, questions, **kwargs):
        super().__init__(*args, **kwargs)
        for question in questions or ():
            if question.get("kind") == "rating":
                field = forms.CharField(label=question["label"], required=False)
            else:
                field = forms.CharField(
                    label=question["label"], required=False, widget=forms.Textarea
                )
            self.fields[question["key"]] = field


class ScoreActionForm(ServiceForm):
    action = forms.ChoiceField(
        choices=[("compute", "compute"), ("close", "close"), ("weights", "weights")]
    )


class WeightsForm(ServiceForm):
    # Numbers as typed: the service says which one is not a number or out of range.
    safety = forms.CharField(label=_("Safety"), required=False)
    service = forms.CharField(label=_("Service"), required=False)
    satisfaction = forms.CharField(label=_("Satisfaction"), required=False)
    inspection = forms.CharField(label=_("Inspections"), required=False)


class ProfileForm(ServiceForm):
    consent = forms.BooleanField(
        label=_("I agree to share this with the service desk"), required=False
    )
    vehicles = forms.CharField(label=_("Vehicles (plates, comma separated)"), required=False)
    parking_spaces = forms.CharField(label=_("Parking spaces"), required=False)
    usual_hours = forms.CharField(label=_("Usual hours"), required=False)
    preferences = forms.CharField(
        label=_("Preferences"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def profile_values(self) -> dict:
        data = self.cleaned_data
        return {
            "consent": data["consent"],
            "vehicles": data["vehicles"].replace("，", ",").split(","),
            "parking_spaces": data["parking_spaces"],
            "usual_hours": data["usual_hours"],
            "preferences": data["preferences"],
        }
