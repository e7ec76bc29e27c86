"""Every access decision of property management, for the web and the API alike.

- A tenant (enterprise admin or member) sees its own enterprise's tickets only, raises
  tickets on units its enterprise leases now, and confirms, rates or reopens them.
- Staff of a property company (manager, dispatcher, technician: memberships whose
  organisation is the company) see the company's tickets; dispatchers and managers dispatch,
  override and raise tickets for phone calls; technicians act on tickets assigned to them.
- Park operators see every company of their parks, set the score weights, record spot
  checks, send surveys, compute and close months.
- The operations center (IOC operators of a park) reads, but never acts on, the tickets its
  park's alarms opened: it follows the response it is watching.
- A company sees its own score breakdown only; the operator sees the whole ranking.
- Patrol inspections (checklists and their schedules) are planned by the company's property
  manager and by the operator of its park; dispatchers see the rounds, technicians walk
  the rounds assigned to them.
Someone asking for an object outside what they may see is told it does not exist.
"""

from django.db.models import Q

from parkos.accounts.selectors import (
    Role,
    user_enterprise_ids,
    user_has_role,
    user_organization_ids,
    user_park_ids,
)
from parkos.core.errors import Forbidden
from parkos.property.models import PropertyCompany, TicketSource

STAFF_ROLES = (Role.PROPERTY_MANAGER, Role.DISPATCHER, Role.TECHNICIAN)
DESK_ROLES = (Role.PROPERTY_MANAGER, Role.DISPATCHER)
OPERATOR_ROLES = (Role.OPERATOR_ADMIN,)
IOC_ROLES = (Role.IOC_OPERATOR,)


def company_ids(user, *roles) -> set[str]:
    return user_organization_ids(user, PropertyCompany, *(roles or STAFF_ROLES))


def operator_park_ids(user) -> set | None:
    """Parks the user operates (with their branches); None means all, empty means none.
    Read once per user object, as the memberships are: a page asks for each row."""
    if not user_has_role(user, *OPERATOR_ROLES):
        return set()
    ids = user_park_ids(user, *OPERATOR_ROLES)
    if ids is None:
        return None
    cached = getattr(user, "_property_operator_parks", None)
    if cached is None:
        cached = _with_branches(user, ids)
        user._property_operator_parks = cached
    return set(cached)


def _with_branches(user, ids: set) -> set:
    from parkos.parks.selectors import park_list

    branches = park_list(actor=user).filter(parent_id__in=ids).values_list("id", flat=True)
    return set(ids) | set(branches)


def ioc_park_ids(user) -> set | None:
    """Parks whose operations center the user staffs (with their branches); None means all,
    empty means none."""
    if not user_has_role(user, *IOC_ROLES):
        return set()
    ids = user_park_ids(user, *IOC_ROLES)
    if ids is None:
        return None
    return _with_branches(user, ids)


def is_operator(user) -> bool:
    return operator_park_ids(user) != set()


def company_visibility(user) -> Q:
    """Companies whose operations the user may see, as a filter on PropertyCompany."""
    parks = operator_park_ids(user)
    if parks is None:
        return Q()
    return Q(park_id__in=parks) | Q(id__in=company_ids(user))


def ticket_visibility(user) -> Q:
    """The tickets `user` may see, as a filter on Ticket."""
    if not getattr(user, "is_authenticated", False):
        return Q(pk__in=[])
    parks = operator_park_ids(user)
    if parks is None:
        return Q()
    visible = Q(enterprise_id__in=user_enterprise_ids(user)) | Q(company__park_id__in=parks)
    ioc = ioc_park_ids(user)
    if ioc is None:
        visible |= Q(source=TicketSource.ALARM)
    elif ioc:
        visible |= Q(source=TicketSource.ALARM, company__park_id__in=ioc)
    desk = company_ids(user, *DESK_ROLES)
    if desk:
        visible |= Q(company_id__in=desk)
    technician_only = company_ids(user, Role.TECHNICIAN) - desk
    if technician_only:
        visible |= Q(company_id__in=technician_only, assignee__user=user)
    return visible


def is_tenant_of(user, ticket) -> bool:
    return ticket.enterprise_id is not None and ticket.enterprise_id in user_enterprise_ids(user)


def can_desk(user, company_id) -> bool:
    """Dispatch, override, correct and raise tickets for callers: the company's desk."""
    if getattr(user, "is_superuser", False):
        return True
    return str(company_id) in company_ids(user, *DESK_ROLES)


def require_desk(user, company_id) -> None:
    if not can_desk(user, company_id):
        raise Forbidden(_message())


def is_assignee(user, ticket) -> bool:
    return ticket.assignee_id is not None and ticket.assignee.user_id == user.pk


def can_manage_park(user, park_id) -> bool:
    parks = operator_park_ids(user)
    return parks is None or park_id in parks


def require_operator(user, park_id=None) -> None:
    parks = operator_park_ids(user)
    if parks is None:
        return
    if not parks or (park_id is not None and park_id not in parks):
        raise Forbidden(_message())


def inspection_planner_filter(user) -> Q | None:
    """Companies whose checklists and schedules the user plans, as a filter on
    PropertyCompany; None when none."""
    if not getattr(user, "is_authenticated", False):
        return None
    parks = operator_park_ids(user)
    if parks is None:
        return Q()
    managed = company_ids(user, Role.PROPERTY_MANAGER)
    if not parks and not managed:
        return None
    return Q(park_id__in=parks) | Q(id__in=managed)


def can_plan_inspections(user, company) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    return can_manage_park(user, company.park_id) or str(company.id) in company_ids(
        user, Role.PROPERTY_MANAGER
    )


def require_inspection_planner(user, company) -> None:
    if not can_plan_inspections(user, company):
        raise Forbidden(_message())


def score_company_filter(user) -> Q | None:
    """Scores the user may read: all of an operated park, or the user's own company's;
    None when the user may read none."""
    parks = operator_park_ids(user)
    if parks is None:
        return Q()
    own = company_ids(user, Role.PROPERTY_MANAGER, Role.DISPATCHER)
    if not parks and not own:
        return None
    return Q(company__park_id__in=parks) | Q(company_id__in=own)


def _message():
    from django.utils.translation import gettext as _

    return _("You are not allowed to do this.")
