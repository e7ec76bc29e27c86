from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse, reverse_lazy
from django.utils import translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from parkos.accounts.forms import SignInForm
from parkos.accounts.models import ApiToken
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
    language = request.POST.get("language", "")
    next_url = request.POST.get("next") or reverse("home")
    if not url_has_allowed_host_and_scheme(next_url, {request.get_host()}):
        next_url = reverse("home")
    response = HttpResponseRedirect(next_url)
    if request.user.is_authenticated:
        try:
            user_set_language(user=request.user, language=language)
        except ServiceError as error:
            messages.error(request, error.message)
            return response
    if language in dict(translation.trans_real.settings.LANGUAGES):
        response.set_cookie("parkos_language", language, samesite="Lax")
    return response


@login_required
def profile(request):
    new_token = None
    if request.method == "POST":
        if "revoke" in request.POST:
            token_revoke(user=request.user, token_id=request.POST["revoke"])
            messages.success(request, _("The token has been revoked."))
        else:
            name = (request.POST.get("name") or "api").strip()[:100]
            _token, new_token = token_create(user=request.user, name=name)
    tokens = ApiToken.objects.filter(user=request.user, revoked_at__isnull=True).order_by(
        "-created_at"
    )
    return render(request, "accounts/profile.html", {"tokens": tokens, "new_token": new_token})
