"""Every access decision of the park network, for the web and the API alike.

- Structure (parks, zones, buildings, units) and the enterprise directory are visible to
  every signed-in user: they are the park's public face inside the platform.
- Leases and rents are private: visible to the enterprise's own members and to the
  operators of its park; anyone else is told they do not exist.
- Operators manage the parks they hold a membership in, with their branches; a
  network-wide operator manages them all.
- An enterprise admin may edit its own enterprise's profile, not its lease or code.
"""

from uuid import UUID

from django.core.exceptions import PermissionDenied
from django.db.models import Q

from parkos.accounts.models import Role
from parkos.accounts.selectors import user_enterprise_ids, user_has_role, user_park_ids
from parkos.parks.models import Enterprise, Park

OPERATOR_ROLES = (Role.OPERATOR_ADMIN,)
# Roles that read network-wide park figures and private data of every tenant of their parks.
STAFF_READ_ROLES = (Role.OPERATOR_ADMIN, Role.REVIEWER)


def _with_branches(park_ids: set[UUID]) -> set[UUID]:
    if not park_ids:
        return park_ids
    branches = Park.objects.filter(parent_id__in=park_ids).values_list("id", flat=True)
    return park_ids | set(branches)


def managed_park_ids(user) -> set[UUID] | None:
    """Parks the user may change; None means all."""
    ids = user_park_ids(user, *OPERATOR_ROLES)
    return None if ids is None else _with_branches(ids)


def private_park_ids(user) -> set[UUID] | None:
    """Parks whose tenants' private data the user may read as staff; None means all."""
    ids = user_park_ids(user, *STAFF_READ_ROLES)
    return None if ids is None else _with_branches(ids)


def can_manage_park(user, park_id: UUID) -> bool:
    if not user_has_role(user, *OPERATOR_ROLES):
        return False
    ids = managed_park_ids(user)
    return ids is None or park_id in ids


def require_manage_park(user, park_id: UUID) -> None:
    if not can_manage_park(user, park_id):
        raise PermissionDenied


def require_operator(user) -> None:
    if not user_has_role(user, *OPERATOR_ROLES):
        raise PermissionDenied


def lease_visibility(user) -> Q:
    """The leases `user` may see, as a filter on Lease."""
    visible = Q(enterprise_id__in=user_enterprise_ids(user))
    if user_has_role(user, *STAFF_READ_ROLES):
        park_ids = private_park_ids(user)
        if park_ids is None:
            return Q()
        visible |= Q(enterprise__park_id__in=park_ids)
    return visible


def can_see_private(user, enterprise: Enterprise) -> bool:
    if enterprise.id in user_enterprise_ids(user):
        return True
    if not user_has_role(user, *STAFF_READ_ROLES):
        return False
    ids = private_park_ids(user)
    return ids is None or enterprise.park_id in ids


def can_edit_enterprise_profile(user, enterprise: Enterprise) -> bool:
    if can_manage_park(user, enterprise.park_id):
        return True
    return enterprise.id in user_enterprise_ids(user, roles=(Role.ENTERPRISE_ADMIN,))


def can_read_audit(user) -> bool:
    return user_has_role(user, *STAFF_READ_ROLES)
