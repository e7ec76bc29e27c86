"""How API callers prove who they are: a bearer token, or the browser's session (with CSRF)."""

from django.conf import settings
from ninja.security import HttpBearer, SessionAuth

from parkos.accounts.services import token_authenticate


class BearerToken(HttpBearer):
    def authenticate(self, request, token: str):
        user = token_authenticate(raw=token)
        if user is not None:
            request.user = user
        return user


class ActiveSession(SessionAuth):
    def _get_key(self, request):
        # Without a session cookie there is no session to protect: the caller is simply not
        # signed in (401), not a forged browser request (403 from the CSRF check).
        if settings.SESSION_COOKIE_NAME not in request.COOKIES:
            return None
        return super()._get_key(request)

    def authenticate(self, request, key):
        user = super().authenticate(request, key)
        return user if user is not None and user.is_active else None


api_auth = [BearerToken(), ActiveSession()]
