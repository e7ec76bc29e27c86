"""Writes on accounts: users, memberships, API tokens."""

import secrets
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import authenticate
from django.contrib.contenttypes.models import ContentType
from django.core.cache import cache
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from parkos.accounts.errors import AccountsError
from parkos.accounts.models import (
    ApiToken,
    Membership,
    Role,
    User,
    api_tokens_revoke,
    hash_token,
    token_cache_key,
)
from parkos.core.errors import ValidationFailed


def user_create(
    *,
    username: str,
    password: str | None,
    display_name: str = "",
    email: str = "",
    language: str = "zh-hans",
    is_staff: bool = False,
    is_superuser: bool = False,
) -> User:
    if User.objects.filter(username=username).exists():
        raise ValidationFailed.for_field(
            "username", _("This username is taken."), code=AccountsError.USERNAME_TAKEN
        )
    user = User(
        username=username,
        display_name=display_name,
        email=email,
        language=language,
        is_staff=is_staff,
        is_superuser=is_superuser,
    )
    if password:
        user.set_password(password)
    else:
        user.set_unusable_password()
    user.save()
    return user


def membership_grant(
    *,
    user: User,
    role: str,
    park=None,
    enterprise=None,
    organization: models.Model | None = None,
) -> Membership:
    if role not in Role.values:
        raise ValidationFailed.for_field("role", _("Unknown role."))
    # A park or enterprise may be given as the row or as its id: memberships keep the id.
    lookup = {
        "user": user,
        "role": role,
        "park_id": getattr(park, "pk", park),
        "enterprise_id": getattr(enterprise, "pk", enterprise),
    }
    if organization is not None:
        lookup["organization_type"] = ContentType.objects.get_for_model(organization)
        lookup["organization_id"] = str(organization.pk)
    membership, _created = Membership.objects.get_or_create(**lookup)
    return membership


def user_set_language(*, user: User, language: str) -> None:
    from django.conf import settings

    if language not in dict(settings.LANGUAGES):
        raise ValidationFailed.for_field("language", _("Unknown language."))
    user.language = language
    user.save(update_fields=["language"])
    user_tokens_forget(user=user)


def token_create(*, user: User, name: str = "api") -> tuple[ApiToken, str]:
    """A new token, working for `API_TOKEN_DAYS`; the raw key is returned once and never stored."""
    raw = "pk_" + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=user,
        name=name,
        key_hash=hash_token(raw),
        prefix=raw[3:11],
        expires_at=timezone.now() + timedelta(days=settings.API_TOKEN_DAYS),
    )
    return token, raw


def token_issue_for_credentials(*, request, username: str, password: str) -> str:
    user = authenticate(request, username=username, password=password)
    if user is None or not user.is_active:
        raise ValidationFailed(
            _("The username or password is wrong."),
            code=AccountsError.INVALID_CREDENTIALS,
            fields={"password": [_("The username or password is wrong.")]},
        )
    _token, raw = token_create(user=user, name="api")
    return raw


# A token's last use is written at most this often: a token used in a loop must not write
# on every call.
LAST_USE_SECONDS = 60


def token_authenticate(*, raw: str) -> User | None:
    """The user behind a live bearer token (not revoked, not expired), or None.

    With `API_TOKEN_CACHE_SECONDS` set (on by default when a shared cache is configured) a
    verified token is kept in the cache with its expiry and last write of its use, which saves
    a query on every API call; the entry never outlives the token. Revoking a token (by hand,
    by a password change or by deactivation), or changing the user through ParkOS or the admin,
    drops the entry at once; `user_tokens_forget` is the door for any other change to a user.
    """
    key_hash = hash_token(raw)
    lifetime = settings.API_TOKEN_CACHE_SECONDS
    now = timezone.now()
    if lifetime:
        entry = cache.get(token_cache_key(key_hash))
        if entry is not None:
            user, token_id, expires_at, used_at = entry
            if expires_at <= now:
                cache.delete(token_cache_key(key_hash))
                return None
            if (now - used_at).total_seconds() >= LAST_USE_SECONDS:
                ApiToken.objects.filter(pk=token_id).update(last_used_at=now)
                _token_remember(key_hash, user, token_id, expires_at, now, lifetime)
            return user
    token = (
        ApiToken.objects.select_related("user")
        .filter(key_hash=key_hash, revoked_at__isnull=True, expires_at__gt=now)
        .first()
    )
    if token is None or not token.user.is_active:
        return None
    used_at = token.last_used_at
    if used_at is None or (now - used_at).total_seconds() >= LAST_USE_SECONDS:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        used_at = now
    if lifetime:
        _token_remember(key_hash, token.user, token.pk, token.expires_at, used_at, lifetime)
    return token.user


def _token_remember(key_hash, user, token_id, expires_at, used_at, lifetime) -> None:
    seconds = min(lifetime, int((expires_at - timezone.now()).total_seconds()))
    if seconds > 0:
        cache.set(token_cache_key(key_hash), (user, token_id, expires_at, used_at), seconds)


def user_tokens_forget(*, user: User) -> None:
    """Drop the cached sign-ins of a user's tokens, so a change to the user applies at once."""
    hashes = ApiToken.objects.filter(user=user).values_list("key_hash", flat=True)
    cache.delete_many([token_cache_key(key_hash) for key_hash in hashes])


@transaction.atomic
def token_revoke(*, user: User, token_id) -> None:
    """Revoke one of the user's own tokens; it stops working at once."""
    api_tokens_revoke(user=user, pk=token_id)
