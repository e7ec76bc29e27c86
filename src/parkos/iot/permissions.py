"""Every access decision of the operations center, for the web, the API and the live stream.

- Operations staff (park operator admins and IOC operators) see and act on the devices,
  rules and alarms of the parks they hold a membership in, with their branches; a
  network-wide membership covers every park.
- An enterprise's members see only the devices placed in units their enterprise leases now,
  and those devices' alarms, read-only; never the park's own devices.
- Anyone else sees nothing: asking for an object they cannot see is a 404.
"""

from uuid import UUID

from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.utils import timezone

from parkos.accounts.models import Role
from parkos.accounts.selectors import user_enterprise_ids, user_has_role, user_park_ids
from parkos.iot.models import Device
from parkos.parks import selectors as park_selectors

IOC_ROLES = (Role.OPERATOR_ADMIN, Role.IOC_OPERATOR)
NOBODY = Q(pk__in=[])


def ioc_park_ids(user) -> set[UUID] | None:
    """Parks whose operations the user runs; None means all, empty means none."""
    if not getattr(user, "is_authenticated", False):
        return set()
    ids = user_park_ids(user, *IOC_ROLES)
    if ids is None or not ids:
        return ids
    branches = park_selectors.park_list(actor=user).filter(parent_id__in=ids)
    return ids | set(branches.values_list("id", flat=True))


def is_ioc_staff(user) -> bool:
    return getattr(user, "is_authenticated", False) and user_has_role(user, *IOC_ROLES)


def tenant_unit_ids(user) -> set[UUID]:
    """Units the user's enterprises lease today."""
    if not user_enterprise_ids(user):
        return set()
    today = timezone.localdate()
    leases = park_selectors.lease_list(actor=user).filter(
        enterprise_id__in=user_enterprise_ids(user), start__lte=today, end__gte=today
    )
    return set(leases.values_list("unit_id", flat=True))


def device_visibility(user, prefix: str = "") -> Q:
    """The devices `user` may see, as a filter on Device (or on a model reaching a device
    through `prefix`, e.g. "device__")."""
    if not getattr(user, "is_authenticated", False):
        return NOBODY
    visible = NOBODY
    if is_ioc_staff(user):
        park_ids = ioc_park_ids(user)
        if park_ids is None:
            return Q()
        visible = Q(**{f"{prefix}park_id__in": park_ids})
    units = tenant_unit_ids(user)
    if units:
        visible |= Q(**{f"{prefix}unit_id__in": units})
    return visible


def alarm_visibility(user, prefix: str = "") -> Q:
    """The alarms `user` may see, as a filter on Alarm (or on a model reaching an alarm
    through `prefix`, e.g. "alarm__")."""
    if not getattr(user, "is_authenticated", False):
        return NOBODY
    visible = NOBODY
    if is_ioc_staff(user):
        park_ids = ioc_park_ids(user)
        if park_ids is None:
            return Q()
        visible = Q(**{f"{prefix}park_id__in": park_ids})
    units = tenant_unit_ids(user)
    if units:
        visible |= Q(**{f"{prefix}device__unit_id__in": units})
    return visible


def rule_visibility(user) -> Q:
    if not is_ioc_staff(user):
        return NOBODY
    park_ids = ioc_park_ids(user)
    return Q() if park_ids is None else Q(park_id__in=park_ids)


def can_operate(user, park_id: UUID) -> bool:
    """Acknowledge and clear alarms, register devices, write rules in this park."""
    if not is_ioc_staff(user):
        return False
    park_ids = ioc_park_ids(user)
    return park_ids is None or park_id in park_ids


def require_operate(user, park_id: UUID) -> None:
    if not can_operate(user, park_id):
        raise PermissionDenied


def require_ioc_staff(user) -> None:
    if not is_ioc_staff(user):
        raise PermissionDenied


def can_open_dashboard(user) -> bool:
    """Operations staff, and members of an enterprise with devices in the units it leases:
    a tenant without any has nothing to watch there, and the dashboard refuses it."""
    if is_ioc_staff(user):
        return True
    units = tenant_unit_ids(user)
    return bool(units) and Device.objects.filter(unit_id__in=units).exists()
