from django import forms
from django.utils.translation import gettext_lazy as _

from parkos.property.models import Category, Priority, TicketKind


class TicketForm(forms.Form):
    unit = forms.ChoiceField(label=_("Place"), required=False)
    kind = forms.ChoiceField(label=_("Type"), choices=TicketKind.choices, initial=TicketKind.REPAIR)
    category = forms.ChoiceField(
        label=_("Category"),
        required=False,
        choices=[("", _("Let smart dispatch decide")), *Category.choices],
    )
    priority = forms.ChoiceField(
        label=_("Priority"), choices=Priority.choices, initial=Priority.NORMAL
    )
    title = forms.CharField(label=_("Title"), required=False, max_length=200)
    description = forms.CharField(label=_("Description"), widget=forms.Textarea(attrs={"rows": 4}))
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
