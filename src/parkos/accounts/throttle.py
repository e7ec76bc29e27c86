"""Failed sign-ins are counted per username and per client address (django-ratelimit's
cache counters); past the limit, sign-in pauses for the rest of the window, even with the
right password, so guessing gains nothing."""

from django.conf import settings
from django_ratelimit.core import get_usage

GROUP = "parkos.sign-in"


def _keys(username: str):
    username = (username or "").strip().lower()
    return (lambda group, request: f"user:{username}", "ip")


def sign_in_blocked(request, username: str) -> bool:
    for key in _keys(username):
        usage = get_usage(request, group=GROUP, key=key, rate=settings.LOGIN_RATE, increment=False)
        if usage is not None and usage["count"] >= usage["limit"]:
            return True
    return False


def sign_in_failed(request, username: str) -> None:
    for key in _keys(username):
        get_usage(request, group=GROUP, key=key, rate=settings.LOGIN_RATE, increment=True)
