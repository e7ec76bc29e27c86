"""Reads about who may act where. Other apps ask these instead of reading memberships."""

from collections.abc import Iterable
from uuid import UUID

from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone

from parkos.accounts.models import ENTERPRISE_ROLES, ApiToken, Membership, Role, User


def _memberships(user: User) -> list[Membership]:
    """The user's memberships, read once per request object."""
    if not getattr(user, "is_authenticated", False):
        return []
    cached = getattr(user, "_parkos_memberships", None)
    if cached is None:
        cached = list(Membership.objects.visible_to(user))
        user._parkos_memberships = cached
    return cached


def user_roles(user: User) -> set[str]:
    return {m.role for m in _memberships(user)}


def user_has_role(user: User, *roles: str) -> bool:
    if getattr(user, "is_superuser", False):
        return True
    return bool(user_roles(user) & set(roles))


def user_park_ids(user: User, *roles: str) -> set[UUID] | None:
    """Parks the user holds one of `roles` in; None means every park (a network-wide
    membership, or a superuser); an empty set means none."""
    if getattr(user, "is_superuser", False):
        return None
    ids: set[UUID] = set()
    for membership in _memberships(user):
        if membership.role in roles:
            if membership.park_id is None and membership.enterprise_id is None:
                return None
            if membership.park_id is not None:
                ids.add(membership.park_id)
    return ids


def user_enterprise_ids(user: User, roles: Iterable[str] = ENTERPRISE_ROLES) -> set[UUID]:
    roles = set(roles)
    return {
        m.enterprise_id
        for m in _memberships(user)
        if m.role in roles and m.enterprise_id is not None
    }


def user_organization_ids(user: User, model: type[models.Model], *roles: str) -> set[str]:
    """Ids of the organisations of `model` (a property company, a provider) the user
    belongs to with one of `roles`."""
    content_type = ContentType.objects.get_for_model(model)
    return {
        m.organization_id
        for m in _memberships(user)
        if m.organization_type_id == content_type.id and (not roles or m.role in roles)
    }


def token_list(*, actor: User) -> models.QuerySet[ApiToken]:
    """The actor's own tokens still working (not revoked, not expired), newest first."""
    return (
        ApiToken.objects.visible_to(actor)
        .filter(revoked_at__isnull=True, expires_at__gt=timezone.now())
        .order_by("-created_at")
    )


def users_with_role(role: str, *, park_id: UUID | None = None) -> models.QuerySet[User]:
    """Active users holding `role` for `park_id` (or network-wide)."""
    filters = models.Q(memberships__role=role)
    if park_id is not None:
        filters &= models.Q(memberships__park_id=park_id) | models.Q(memberships__park__isnull=True)
    return User.objects.filter(filters, is_active=True).distinct()


def organization_members(obj: models.Model, *roles: str) -> models.QuerySet[User]:
    content_type = ContentType.objects.get_for_model(obj)
    filters = models.Q(
        memberships__organization_type=content_type, memberships__organization_id=str(obj.pk)
    )
    if roles:
        filters &= models.Q(memberships__role__in=roles)
    return User.objects.filter(filters, is_active=True).distinct()


__all__ = [
    "Role",
    "organization_members",
    "token_list",
    "user_enterprise_ids",
    "user_has_role",
    "user_organization_ids",
    "user_park_ids",
    "user_roles",
    "users_with_role",
]
