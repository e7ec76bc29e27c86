from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from parkos.property.models import Category, Frequency, Priority, TicketKind


class TicketForm(forms.Form):
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


class InspectionTemplateForm(forms.Form):
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


class InspectionScheduleForm(forms.Form):
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
