"""Every access decision of the re-opening ledger, for the web and the API alike.

- Operators of a park (and of its flagship, whose operators manage the branches too) open
  and close its rounds, see every submission in them, and may file on an enterprise's
  behalf (a return given on paper or by phone), recorded under their own name.
- Reviewers of a park read its rounds and submissions; they change nothing.
- Enterprise admins and members see the rounds that cover their enterprise and file for it;
  they see their own enterprise's submissions only. Anyone else is told a round or a
  submission does not exist.
"""

from uuid import UUID

from django.core.exceptions import PermissionDenied
from django.db.models import Q

from parkos.accounts.models import ENTERPRISE_ROLES, Role
from parkos.accounts.selectors import user_enterprise_ids, user_has_role, user_park_ids
from parkos.parks import selectors as parks

OPERATOR_ROLES = (Role.OPERATOR_ADMIN,)
STAFF_READ_ROLES = (Role.OPERATOR_ADMIN, Role.REVIEWER)


def _cached(user, key: str, compute):
    # Several decisions are taken per request; the user object lives as long as the request.
    cache = user.__dict__.setdefault("_filings_permissions", {})
    if key not in cache:
        cache[key] = compute()
    return cache[key]


def _with_branches(user, ids: set[UUID] | None) -> set[UUID] | None:
    if not ids:
        return ids
    branches = parks.park_list(actor=user).filter(parent_id__in=ids).values_list("id", flat=True)
    return ids | set(branches)


def _park_ids(user, roles) -> set[UUID] | None:
    """Parks (with branches) where `user` holds one of `roles`; None means all."""
    if not getattr(user, "is_authenticated", False) or not user_has_role(user, *roles):
        return set()
    return _cached(user, ",".join(roles), lambda: _with_branches(user, user_park_ids(user, *roles)))


def managed_park_ids(user) -> set[UUID] | None:
    return _park_ids(user, OPERATOR_ROLES)


def staff_park_ids(user) -> set[UUID] | None:
    return _park_ids(user, STAFF_READ_ROLES)


def own_enterprise_ids(user) -> set[UUID]:
    if not getattr(user, "is_authenticated", False):
        return set()
    return user_enterprise_ids(user, roles=ENTERPRISE_ROLES)


def _own_parks(user) -> list[tuple[UUID, UUID | None]]:
    """(park, parent park) of each of the user's enterprises."""

    def compute():
        ids = own_enterprise_ids(user)
        if not ids:
            return []
        return list(
            parks.enterprise_list(actor=user)
            .filter(id__in=ids)
            .values_list("park_id", "park__parent_id")
            .distinct()
        )

    return _cached(user, "own_parks", compute)


def _in(ids: set[UUID] | None, park_id: UUID) -> bool:
    return ids is None or park_id in ids


def can_manage_park(user, park_id: UUID) -> bool:
    return _in(managed_park_ids(user), park_id)


def can_manage_any_park(user) -> bool:
    return managed_park_ids(user) != set()


def require_manage_park(user, park_id: UUID) -> None:
    if not can_manage_park(user, park_id):
        raise PermissionDenied


def is_staff_of(user, filing_round) -> bool:
    return _in(staff_park_ids(user), filing_round.park_id)


def require_staff_of(user, filing_round) -> None:
    if not is_staff_of(user, filing_round):
        raise PermissionDenied


def round_visibility(user) -> Q:
    """The rounds `user` may see, as a filter on FilingRound."""
    visible = Q(pk__in=[])
    staff = staff_park_ids(user)
    if staff is None:
        return Q()
    if staff:
        visible |= Q(park_id__in=staff)
    own = _own_parks(user)
    if own:
        visible |= Q(park_id__in={park for park, _ in own})
        parents = {parent for _, parent in own if parent is not None}
        if parents:
            visible |= Q(include_branches=True, park_id__in=parents)
    return visible


def round_management(user) -> Q:
    """The rounds `user` runs (closes), as a filter on FilingRound."""
    managed = managed_park_ids(user)
    if managed is None:
        return Q()
    return Q(park_id__in=managed) if managed else Q(pk__in=[])


def submission_visibility(user) -> Q:
    """The submissions `user` may see, as a filter on Submission."""
    visible = Q(pk__in=[])
    staff = staff_park_ids(user)
    if staff is None:
        return Q()
    if staff:
        visible |= Q(round__park_id__in=staff)
    own = own_enterprise_ids(user)
    if own:
        visible |= Q(enterprise_id__in=own)
    return visible


def can_file_for(user, enterprise, filing_round) -> bool:
    if enterprise.id in own_enterprise_ids(user):
        return True
    return can_manage_park(user, filing_round.park_id)


def require_file_for(user, enterprise, filing_round) -> None:
    if not can_file_for(user, enterprise, filing_round):
        raise PermissionDenied


def can_file_in(user, filing_round) -> bool:
    """Whether the user files in this round at all: for an enterprise of theirs, or as its
    operator on an enterprise's behalf."""
    return bool(own_enterprise_ids(user)) or can_manage_park(user, filing_round.park_id)
