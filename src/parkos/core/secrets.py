"""The signing key. A deployment sets SECRET_KEY; a laptop (the demo, the tests, a developer's
commands) gets a random key of its own, kept in var/ so that sessions survive a restart. A key
published anywhere (the old default in this repository) signs nothing in production: the
server, the workers and `parkos check --deploy` refuse to start with it, or without one."""

import os
import secrets
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured

# Keys that have appeared in this repository: whoever read the source can forge sessions,
# password-reset links and signed passes with them.
PUBLISHED_KEYS = frozenset(
    {
        "parkos-insecure-development-key-change-me-" + "x" * 20,
    }
)


def local_key(path: Path) -> str:
    """This checkout's own development key, created on first use, readable by its owner only."""
    try:
        return path.read_text().strip()
    except FileNotFoundError:
        pass
    path.parent.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(50)
    try:
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        # Another process of the same checkout (a test worker) wrote it first.
        return path.read_text().strip()
    with os.fdopen(descriptor, "w") as handle:
        handle.write(key)
    return key


def deployment_key_problem(*, key: str, from_environment: bool) -> str:
    if key in PUBLISHED_KEYS:
        return (
            "SECRET_KEY is a key published in the ParkOS source. Set SECRET_KEY to a new random "
            "value (for example: python -c 'import secrets; print(secrets.token_urlsafe(50))')."
        )
    if not from_environment:
        return (
            "SECRET_KEY is not set. A production server (DEBUG=false) needs its own key in the "
            "environment; the demo (`make demo`) and the tests make one for themselves."
        )
    if len(key) < 50 or len(set(key)) < 5:
        return "SECRET_KEY is too short or too simple: use at least 50 random characters."
    return ""


def require_deployment_key() -> None:
    """Stop a production start (DEBUG=false) that has no key of its own or a published one."""
    from django.conf import settings

    if settings.DEBUG or settings.LOCAL_KEY_ALLOWED:
        return
    problem = deployment_key_problem(
        key=settings.SECRET_KEY, from_environment=settings.SECRET_KEY_FROM_ENVIRONMENT
    )
    if problem:
        raise ImproperlyConfigured(problem)
