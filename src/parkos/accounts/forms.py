from django import forms
from django.conf import settings
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _

from parkos.accounts import throttle
from parkos.accounts.errors import AccountsError


class SignInForm(AuthenticationForm):
    error_messages = {
        **AuthenticationForm.error_messages,
        "throttled": _("Too many failed sign-ins. Wait a few minutes and try again."),
    }

    def clean(self):
        username = self.data.get("username", "")
        if throttle.sign_in_blocked(self.request, username):
            raise forms.ValidationError(
                self.error_messages["throttled"], code=AccountsError.THROTTLED
            )
        try:
            cleaned = super().clean()
        except forms.ValidationError:
            throttle.sign_in_failed(self.request, username)
            raise
        throttle.sign_in_succeeded(self.request, username)
        return cleaned


class LanguageSwitchForm(forms.Form):
    language = forms.ChoiceField(
        choices=settings.LANGUAGES, error_messages={"invalid_choice": _("Unknown language.")}
    )
    next = forms.CharField(required=False)


class TokenCreateForm(forms.Form):
    name = forms.CharField(label=_("Token name"), max_length=100, required=False, strip=True)

    def clean_name(self):
        return self.cleaned_data["name"] or "api"


class TokenRevokeForm(forms.Form):
    revoke = forms.UUIDField()
