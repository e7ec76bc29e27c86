"""Web input of the park network, cleaned by Django forms before the services decide."""

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from parkos.core.forms import ServiceForm


class EnterpriseImportForm(ServiceForm):
    park = forms.TypedChoiceField(label=_("Park"), coerce=str)
    file = forms.FileField(
        label=pgettext_lazy("upload", "File"),
        help_text=_("CSV (UTF-8 or GBK) or Excel .xlsx"),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.txt,.xlsx"}),
    )

    def __init__(self, *args, parks, **kwargs):
        super().__init__(*args, **kwargs)
        self.parks = {str(park.id): park for park in parks}
        self.fields["park"].choices = [(str(park.id), park.name) for park in parks]
        self.fields["park"].error_messages["invalid_choice"] = _("Unknown park.")
        self.fields["file"].error_messages["required"] = _("Choose a file.")

    def clean_park(self):
        return self.parks[self.cleaned_data["park"]]
