"""Reads of the park network, each scoped to the acting user (see permissions.py)."""

from decimal import Decimal
from uuid import UUID

from django.core.cache import cache
from django.db.models import Count, Q, QuerySet, Sum
from django.http import Http404
from django.utils import timezone

from parkos.core.errors import NotFound
from parkos.core.selectors import get_or_404
from parkos.parks import permissions
from parkos.parks.models import Building, Enterprise, Lease, Park, ParkKPI, Unit, Zone


def park_list(*, actor) -> QuerySet[Park]:
    return Park.objects.visible_to(actor).select_related("parent").order_by("parent_id", "code")


def park_get(*, actor, park_id) -> Park:
    return _get_or_404(park_list(actor=actor), park_id)


OVERVIEW_CACHE_SECONDS = 60


def park_overview(*, actor, park: Park) -> dict:
    """KPI tiles and chart series for one park, with its branches' totals. The same for
    every reader and slow to change (yearly KPIs, daily occupancy), so it is computed at
    most once a minute per park and shared through the cache."""
    return cache.get_or_set(
        f"parks:overview:{park.id}",
        lambda: _park_overview(park),
        OVERVIEW_CACHE_SECONDS,
    )


def _park_overview(park: Park) -> dict:
    # Totals only, the same for every reader who may see the park (the caller got `park`
    # through park_get with its actor): no tenant's own lease or rent is shown.
    kpis = list(ParkKPI.objects.filter(park=park).order_by("year"))
    latest = kpis[-1] if kpis else None
    network_ids = [park.id, *park.branches.values_list("id", flat=True)]
    by_industry = (
        Enterprise.objects.filter(park_id__in=network_ids)
        .values("industry")
        .annotate(count=Count("id"))
        .order_by("-count")
    )
    today = timezone.localdate()
    occupied = (
        Lease.objects.filter(unit__floor__building__park=park, start__lte=today, end__gte=today)
        .values("unit_id")
        .distinct()
        .count()
    )
    units = Unit.objects.filter(floor__building__park=park).aggregate(
        total=Count("id"), area=Sum("area")
    )
    branches = list(park.branches.annotate(enterprise_count=Count("enterprises")).order_by("code"))
    return {
        "park": park,
        "latest": latest,
        "kpis": kpis,
        "by_industry": list(by_industry),
        "enterprise_count": Enterprise.objects.filter(park=park).count(),
        "network_enterprise_count": Enterprise.objects.filter(park_id__in=network_ids).count(),
        "unit_count": units["total"] or 0,
        "unit_area": units["area"] or Decimal("0"),
        "occupied_units": occupied,
        "branches": branches,
    }


def zone_list(*, actor, park_id: UUID | None = None) -> QuerySet[Zone]:
    zones = Zone.objects.visible_to(actor).select_related("park")
    return zones.filter(park_id=park_id) if park_id else zones


def building_list(*, actor, park_id: UUID | None = None) -> QuerySet[Building]:
    buildings = (
        Building.objects.visible_to(actor)
        .select_related("park", "zone")
        .order_by("park_id", "name")
    )
    return buildings.filter(park_id=park_id) if park_id else buildings


def building_get(*, actor, building_id) -> Building:
    return _get_or_404(building_list(actor=actor), building_id)


def unit_list(
    *, actor, building_id: UUID | None = None, park_id: UUID | None = None
) -> QuerySet[Unit]:
    units = (
        Unit.objects.visible_to(actor)
        .select_related("floor__building__park")
        .order_by("floor__building_id", "floor__level", "number")
    )
    if building_id:
        units = units.filter(floor__building_id=building_id)
    if park_id:
        units = units.filter(floor__building__park_id=park_id)
    return units


def unit_get(*, actor, unit_id) -> Unit:
    return _get_or_404(unit_list(actor=actor), unit_id)


def enterprise_list(
    *,
    actor,
    q: str = "",
    industry: str = "",
    park_id: UUID | None = None,
) -> QuerySet[Enterprise]:
    enterprises = Enterprise.objects.visible_to(actor).order_by("name", "id")
    q = (q or "").strip()[:100].lower()
    if q:
        enterprises = enterprises.filter(search_text__contains=q)
    if industry:
        enterprises = enterprises.filter(industry=industry)
    if park_id:
        enterprises = enterprises.filter(Q(park_id=park_id) | Q(park__parent_id=park_id))
    return enterprises


def enterprise_get(*, actor, enterprise_id) -> Enterprise:
    return _get_or_404(Enterprise.objects.visible_to(actor).select_related("park"), enterprise_id)


def lease_list(*, actor, enterprise_id: UUID | None = None) -> QuerySet[Lease]:
    leases = (
        Lease.objects.visible_to(actor)
        .select_related("unit__floor__building", "enterprise")
        .order_by("-start", "id")
    )
    if enterprise_id:
        leases = leases.filter(enterprise_id=enterprise_id)
    return leases


def lease_get(*, actor, lease_id) -> Lease:
    return _get_or_404(lease_list(actor=actor), lease_id)


def active_leases(*, actor, enterprise_id: UUID, on=None) -> QuerySet[Lease]:
    on = on or timezone.localdate()
    return lease_list(actor=actor, enterprise_id=enterprise_id).filter(start__lte=on, end__gte=on)


def zone_get(*, actor, zone_id) -> Zone:
    return _get_or_404(zone_list(actor=actor), zone_id)


def park_exists(*, actor, park_id) -> bool:
    return park_list(actor=actor).filter(pk=park_id).exists()


def _get_or_404(queryset: QuerySet, pk):
    """The kernel's lookup; its NotFound is given as Http404, which other apps' callers
    (core.api_errors.existing among them) catch to turn an unknown id into a field error."""
    try:
        return get_or_404(queryset, pk=pk)
    except NotFound as missing:
        raise Http404 from missing


def staff_park_ids(*, actor) -> set[UUID] | None:
    """The parks (with their branches) whose tenants' private data the actor reads as staff;
    None for the whole network. The door other apps use to scope their staff readers."""
    return permissions.private_park_ids(actor)


def managed_park_ids(*, actor) -> set[UUID] | None:
    """The parks (with their branches) the actor operates; None for the whole network."""
    return permissions.managed_park_ids(actor)
