"""Failed sign-ins slow the guesser down, never lock the account.

Failures are counted per client address (`LOGIN_ADDRESS_RATE`, generous: a campus signs in
through one address) and per username from that address (`LOGIN_RATE`). Past a count's free
attempts each further try waits a pause that doubles, from the window divided by the free
attempts up to the whole window; while the pause runs even the right password is refused
(otherwise the pause would gain nothing). Nothing is counted per username alone, so wrong
passwords from one address never stop the owner signing in from another; a right password
clears its (username, address) count.
"""

import time

from django.conf import settings
from django.core.cache import cache
from django_ratelimit.core import _get_ip

PREFIX = "accounts:sign-in"
UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


def _rate(value: str) -> tuple[int, int]:
    """("5/5m") -> (5 free failures, 300 s window)."""
    count, period = value.split("/")
    unit = period[-1]
    amount = int(period[:-1] or 1)
    return int(count), amount * UNITS[unit]


def _keys(request, username: str) -> list[tuple[str, str]]:
    address = _get_ip(request)
    username = (username or "").strip().lower()
    return [
        (f"{PREFIX}:address:{address}", settings.LOGIN_ADDRESS_RATE),
        (f"{PREFIX}:user:{address}:{username}", settings.LOGIN_RATE),
    ]


def sign_in_wait(request, username: str) -> int:
    """Seconds this caller must wait before trying this username again (0: go ahead)."""
    now = time.time()
    waits = [cache.get(f"{key}:until", 0) - now for key, _rate_value in _keys(request, username)]
    return max(0, int(max(waits) + 0.999))


def sign_in_blocked(request, username: str) -> bool:
    return sign_in_wait(request, username) > 0


def sign_in_failed(request, username: str) -> None:
    now = time.time()
    for key, rate_value in _keys(request, username):
        free, window = _rate(rate_value)
        # The count is forgotten a window after the last failure.
        failures = cache.get(key, 0) + 1
        cache.set(key, failures, window)
        if failures >= free:
            pause = min(window, (window / free) * 2 ** min(failures - free, 16))
            cache.set(f"{key}:until", now + pause, int(pause) + 1)


def sign_in_succeeded(request, username: str) -> None:
    key, _rate_value = _keys(request, username)[1]
    cache.delete_many([key, f"{key}:until"])
