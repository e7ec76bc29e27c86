"""Every access decision of crowd flow, for the web and the API alike.

- Operations staff (park operator admins and IOC operators) see the areas, counts,
  forecasts and warnings of the parks they hold a membership in, with their branches; a
  network-wide membership covers every park.
- Park operator admins also change areas and import counts.
- Anyone else (tenants, providers, ...) sees nothing: asking for an area is a 404.
"""

from uuid import UUID

from django.core.exceptions import PermissionDenied
from django.db.models import Q

from parkos.accounts.models import Role
from parkos.accounts.selectors import user_has_role, user_park_ids
from parkos.parks import selectors as park_selectors

VIEW_ROLES = (Role.OPERATOR_ADMIN, Role.IOC_OPERATOR)
MANAGE_ROLES = (Role.OPERATOR_ADMIN,)
NOBODY = Q(pk__in=[])


def _park_ids(user, roles) -> set[UUID] | None:
    """Parks (with branches) where the user holds one of `roles`; None means all."""
    if not getattr(user, "is_authenticated", False):
        return set()
    ids = user_park_ids(user, *roles)
    if not ids:
        return ids
    branches = park_selectors.park_list(actor=user).filter(parent_id__in=ids)
    return ids | set(branches.values_list("id", flat=True))


def viewable_park_ids(user) -> set[UUID] | None:
    return _park_ids(user, VIEW_ROLES)


def can_view(user) -> bool:
    return getattr(user, "is_authenticated", False) and user_has_role(user, *VIEW_ROLES)


def require_view(user) -> None:
    if not can_view(user):
        raise PermissionDenied


def park_visibility(user, prefix: str = "") -> Q:
    """What `user` may see, as a filter on a model with a park (or reaching one via `prefix`)."""
    if not can_view(user):
        return NOBODY
    ids = viewable_park_ids(user)
    return Q() if ids is None else Q(**{f"{prefix}park_id__in": ids})


def can_manage(user, park_id: UUID) -> bool:
    if not (getattr(user, "is_authenticated", False) and user_has_role(user, *MANAGE_ROLES)):
        return False
    ids = _park_ids(user, MANAGE_ROLES)
    return ids is None or park_id in ids


def require_manage(user, park_id: UUID) -> None:
    """`user` None is the system itself (the command line, the demo loader, a job)."""
    if user is not None and not can_manage(user, park_id):
        raise PermissionDenied
