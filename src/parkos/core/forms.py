"""Web input goes through Django forms: the form cleans what a person typed, the service decides,
and every problem lands under the field it concerns with the input kept. A service's
`ValidationFailed` names fields by the service's keywords; the form shows each under its own
field, and the rest above the form."""

from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from parkos.core.errors import ValidationFailed
from parkos.core.money import parse_money


class ServiceErrorsMixin:
    # A service keyword that differs from the form's field name: {"service_name": "field"}.
    service_field_names: dict[str, str] = {}

    def add_service_errors(self, error: ValidationFailed) -> None:
        if not error.fields:
            self.add_error(None, str(error.message))
            return
        for name, messages in error.fields.items():
            field = self.service_field_names.get(name, name)
            for message in messages:
                self.add_error(field if field in self.fields else None, str(message))


class ServiceForm(ServiceErrorsMixin, forms.Form):
    """A plain form styled for the house (Bootstrap classes on every widget)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        style(self)


def style(form: forms.BaseForm) -> None:
    for field in form.fields.values():
        widget = field.widget
        if isinstance(
            widget, forms.CheckboxSelectMultiple | forms.CheckboxInput | forms.RadioSelect
        ):
            widget.attrs.setdefault("class", "form-check-input")
        elif isinstance(widget, forms.Select):
            widget.attrs.setdefault("class", "form-select")
        else:
            widget.attrs.setdefault("class", "form-control")


class MoneyFormField(forms.CharField):
    """An amount in yuan as a person types it ("23,500,000", "1234.5", "¥80,000"), cleaned by
    the one money parser: a Decimal with two places, or an error naming the field."""

    default_error_messages = {"required": _("Enter an amount.")}

    def __init__(self, *, minimum: Decimal | None = Decimal("0"), maximum=None, **kwargs):
        self.minimum, self.maximum = minimum, maximum
        kwargs.setdefault("widget", forms.TextInput(attrs={"inputmode": "decimal"}))
        super().__init__(**kwargs)

    def to_python(self, value):
        value = super().to_python(value)
        if value in self.empty_values:
            return None
        try:
            return parse_money(
                value, field="amount", minimum=self.minimum, maximum=self.maximum, required=False
            )
        except ValidationFailed as invalid:
            raise forms.ValidationError(str(invalid.message), code=invalid.code) from invalid
