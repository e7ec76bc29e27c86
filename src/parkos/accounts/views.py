from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse, reverse_lazy
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from parkos.accounts.forms import (
    LanguageSwitchForm,
    SignInForm,
    TokenCreateForm,
    TokenRevokeForm,
)
from parkos.accounts.selectors import token_list
from parkos.accounts.services import token_create, token_revoke, user_set_language
from parkos.core.errors import ServiceError


class SignInView(auth_views.LoginView):
    template_name = "accounts/login.html"
    authentication_form = SignInForm
    redirect_authenticated_user = True


class PasswordChangeView(auth_views.PasswordChangeView):
    template_name = "accounts/password_change.html"
    success_url = reverse_lazy("accounts:profile")

    def form_valid(self, form):
        messages.success(self.request, _("Your password has been changed."))
        return super().form_valid(form)


@require_POST
def language_switch(request):
    form = LanguageSwitchForm(request.POST)
    form.is_valid()
    next_url = form.cleaned_data.get("next") or reverse("home")
    if not url_has_allowed_host_and_scheme(next_url, {request.get_host()}):
        next_url = reverse("home")
    response = HttpResponseRedirect(next_url)
    if "language" in form.errors:
        messages.error(request, form.errors["language"][0])
        return response
    language = form.cleaned_data["language"]
    if request.user.is_authenticated:
        try:
            user_set_language(user=request.user, language=language)
        except ServiceError as error:
            messages.error(request, error.message)
            return response
    response.set_cookie("parkos_language", language, samesite="Lax")
    return response


@login_required
def profile(request):
    new_token = None
    create_form = TokenCreateForm()
    if request.method == "POST":
        if "revoke" in request.POST:
            revoke_form = TokenRevokeForm(request.POST)
            if revoke_form.is_valid():
                token_revoke(user=request.user, token_id=revoke_form.cleaned_data["revoke"])
                messages.success(request, _("The token has been revoked."))
        else:
            create_form = TokenCreateForm(request.POST)
            if create_form.is_valid():
                _token, new_token = token_create(
                    user=request.user, name=create_form.cleaned_data["name"]
                )
                create_form = TokenCreateForm()
    tokens = token_list(actor=request.user)
    return render(
        request,
        "accounts/profile.html",
        {"tokens": tokens, "new_token": new_token, "form": create_form},
    )
