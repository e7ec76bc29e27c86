"""Writes on accounts: users, memberships, API tokens."""

import secrets

from django.conf import settings
from django.contrib.auth import authenticate
from django.contrib.contenttypes.models import ContentType
from django.core.cache import cache
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from parkos.accounts.errors import AccountsError
from parkos.accounts.models import ApiToken, Membership, Role, User, hash_token
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
    """A new token; the raw key is returned once and never stored."""
    raw = "pk_" + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=user, name=name, key_hash=hash_token(raw), prefix=raw[3:11]
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


def _token_cache_key(key_hash: str) -> str:
    return f"accounts:token:{key_hash}"


def token_authenticate(*, raw: str) -> User | None:
    """The user behind a bearer token, or None.

    With `API_TOKEN_CACHE_SECONDS` set (on by default when a shared cache is configured) a
    verified token's user is kept in the cache, which saves a query on every API call.
    Revoking a token, or changing the user through ParkOS or the admin, drops the entry at
    once; `user_tokens_forget` is the door for any other change to a user.
    """
    key_hash = hash_token(raw)
    lifetime = settings.API_TOKEN_CACHE_SECONDS
    if lifetime:
        user = cache.get(_token_cache_key(key_hash))
        if user is not None:
            return user
    token = (
        ApiToken.objects.select_related("user")
        .filter(key_hash=key_hash, revoked_at__isnull=True)
        .first()
    )
    if token is None or not token.user.is_active:
        return None
    now = timezone.now()
    # Touch last use at most once a minute: a token used in a loop must not write every call.
    if token.last_used_at is None or (now - token.last_used_at).total_seconds() > 60:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    if lifetime:
        cache.set(_token_cache_key(key_hash), token.user, lifetime)
    return token.user


def user_tokens_forget(*, user: User) -> None:
    """Drop the cached sign-ins of a user's tokens, so a change to the user applies at once."""
    hashes = ApiToken.objects.filter(user=user).values_list("key_hash", flat=True)
    cache.delete_many([_token_cache_key(key_hash) for key_hash in hashes])


@transaction.atomic
def token_revoke(*, user: User, token_id) -> None:
    ApiToken.objects.filter(user=user, pk=token_id, revoked_at__isnull=True).update(
        revoked_at=timezone.now()
    )
    user_tokens_forget(user=user)
