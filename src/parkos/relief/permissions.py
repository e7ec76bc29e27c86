"""Who may do what with rent relief, decided in one place.

- Operators (operator_admin) create, publish and close programmes for the parks they manage
  (a network-wide operator for network-wide programmes), flag rent arrears, and read every
  application and adjustment of their parks; reviewers read them as well.
- Enterprise admins apply for their own enterprise's leases under published programmes that
  cover its park; its members read its applications. Anyone else is told nothing exists.
"""

from uuid import UUID

from django.db.models import Q

from parkos.accounts.models import Role
from parkos.accounts.selectors import user_enterprise_ids, user_has_role, user_park_ids
from parkos.parks.selectors import park_list

NOTHING = Q(pk__in=[])


def _with_branches(ids: set[UUID]) -> set[UUID]:
    if not ids:
        return set()
    branches = park_list(actor=None).filter(parent_id__in=ids).values_list("id", flat=True)
    return set(ids) | set(branches)


def operator_park_ids(user) -> set[UUID] | None:
    if not user_has_role(user, Role.OPERATOR_ADMIN):
        return set()
    ids = user_park_ids(user, Role.OPERATOR_ADMIN)
    return None if ids is None else _with_branches(ids)


def staff_park_ids(user) -> set[UUID] | None:
    if not user_has_role(user, Role.OPERATOR_ADMIN, Role.REVIEWER):
        return set()
    ids = user_park_ids(user, Role.OPERATOR_ADMIN, Role.REVIEWER)
    return None if ids is None else _with_branches(ids)


def is_staff(user) -> bool:
    return staff_park_ids(user) != set()


def can_manage_park(user, park_id: UUID | None) -> bool:
    ids = operator_park_ids(user)
    if ids is None:
        return True
    return park_id is not None and park_id in ids


def programme_visibility(user) -> Q:
    if not getattr(user, "is_authenticated", False):
        return NOTHING
    staff = staff_park_ids(user)
    if staff is None:
        return Q()
    visible = Q(park_id__in=staff) | (Q(park__isnull=True) if staff else NOTHING)
    enterprise_ids = user_enterprise_ids(user)
    if enterprise_ids:
        parks = park_list(actor=user).filter(enterprises__id__in=enterprise_ids)
        park_ids = set(parks.values_list("id", flat=True)) | {
            pid for pid in parks.values_list("parent_id", flat=True) if pid
        }
        visible |= Q(status="published") & (Q(park__isnull=True) | Q(park_id__in=park_ids))
    return visible


def programme_management(user) -> Q:
    """The programmes `user` publishes and closes: those of the parks they operate, and the
    network-wide ones for a network-wide operator."""
    ids = operator_park_ids(user)
    if ids is None:
        return Q()
    return Q(park_id__in=ids) if ids else NOTHING


def arrears_visibility(user) -> Q:
    """Arrears flags of the enterprises in the parks `user` works for, as a filter."""
    staff = staff_park_ids(user)
    if staff is None:
        return Q()
    return Q(enterprise__park_id__in=staff) if staff else NOTHING


def may_apply(user) -> bool:
    """Whether `user` applies for relief at all: an admin of some enterprise."""
    if getattr(user, "is_superuser", False):
        return True
    return bool(user_enterprise_ids(user, roles=(Role.ENTERPRISE_ADMIN,)))


def application_visibility(user) -> Q:
    if not getattr(user, "is_authenticated", False):
        return NOTHING
    staff = staff_park_ids(user)
    if staff is None:
        return Q()
    return Q(enterprise_id__in=user_enterprise_ids(user)) | Q(park_id__in=staff)


def can_apply_for(user, enterprise_id: UUID) -> bool:
    if getattr(user, "is_superuser", False):
        return True
    return enterprise_id in user_enterprise_ids(user, roles=(Role.ENTERPRISE_ADMIN,))


def programme_covers(programme, park) -> bool:
    return programme.park_id is None or programme.park_id in (park.id, park.parent_id)
