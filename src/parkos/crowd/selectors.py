"""Reads of crowd flow, each scoped to the acting user (see permissions.py)."""

from datetime import datetime, timedelta

from django.db.models import Count, Q, QuerySet, Sum
from django.utils import timezone

from parkos.core.selectors import get_or_404
from parkos.crowd.models import (
    Area,
    Counter,
    CrowdWarning,
    ForecastPoint,
    HourlyCount,
    WarningStatus,
)
from parkos.crowd.services.counts import current_hour
from parkos.parks import selectors as park_selectors


def park_choices(*, actor) -> list:
    """Parks with areas the user may see, for the park switcher."""
    ids = Area.objects.visible_to(actor).values("park_id")
    return list(park_selectors.park_list(actor=actor).filter(id__in=ids))


def area_list(*, actor, park_id=None) -> QuerySet[Area]:
    areas = (
        Area.objects.visible_to(actor)
        .select_related("park")
        .annotate(
            counter_count=Count("counters", distinct=True),
            fallback_count=Count(
                "counters", filter=Q(counters__forecast_is_fallback=True), distinct=True
            ),
        )
        .order_by("park_id", "name")
    )
    if park_id:
        areas = areas.filter(park_id=park_id)
    return areas


def area_get(*, actor, area_id) -> Area:
    return get_or_404(area_list(actor=actor), pk=area_id)


def counter_list(*, actor, park_id=None, area_id=None) -> QuerySet[Counter]:
    counters = Counter.objects.visible_to(actor).select_related("area").order_by("park_id", "name")
    if park_id:
        counters = counters.filter(park_id=park_id)
    if area_id:
        counters = counters.filter(area_id=area_id)
    return counters


def counter_get(*, actor, counter_id) -> Counter:
    return get_or_404(counter_list(actor=actor), pk=counter_id)


def forecast_points(*, actor, area=None, counter=None, hours: int, now=None) -> list[ForecastPoint]:
    """The stored forecast of an area or a counter the actor sees, from the current hour for
    `hours` hours."""
    start = current_hour(now)
    subject = {"area": area} if area is not None else {"counter": counter}
    return list(
        ForecastPoint.objects.visible_to(actor)
        .filter(**subject, starts_at__gte=start, starts_at__lt=start + timedelta(hours=hours))
        .order_by("starts_at")
    )


def actual_counts(*, actor, area=None, counter=None, start: datetime, end: datetime) -> dict:
    """{hour: count} of a counter, or of an area summed over its counters. Hours without a
    count are absent, so gaps stay gaps; an area's hour is a gap unless every counter that
    counted in the period counted it, since a partial sum would look like a drop."""
    counts = HourlyCount.objects.visible_to(actor).filter(starts_at__gte=start, starts_at__lt=end)
    counts = (
        counts.filter(counter__area=area) if area is not None else counts.filter(counter=counter)
    )
    rows = list(
        counts.values("starts_at")
        .annotate(total=Sum("count"), counters=Count("counter_id"))
        .order_by("starts_at")
    )
    reporting = counts.values("counter_id").distinct().count() if area is not None else 1
    return {row["starts_at"]: row["total"] for row in rows if row["counters"] == reporting}


def warning_list(*, actor, park_id=None, area_id=None, active_only: bool = True) -> QuerySet:
    warnings = (
        CrowdWarning.objects.visible_to(actor)
        .select_related("area", "area__park")
        .order_by("expected_at", "area__name")
    )
    if active_only:
        warnings = warnings.filter(status=WarningStatus.ACTIVE)
    else:
        warnings = warnings.order_by("-raised_at")
    if park_id:
        warnings = warnings.filter(area__park_id=park_id)
    if area_id:
        warnings = warnings.filter(area_id=area_id)
    return warnings


def warning_get(*, actor, warning_id) -> CrowdWarning:
    return get_or_404(warning_list(actor=actor, active_only=False), pk=warning_id)


def area_loads(*, actor, park_id, at: datetime) -> list[dict]:
    """Each visible area of the park with its expected count at the hour `at` (the
    forecast; for a past hour, what was counted) and its load against capacity."""
    areas = list(area_list(actor=actor, park_id=park_id))
    hour = timezone.localtime(at).replace(minute=0, second=0, microsecond=0)
    if hour < current_hour():
        counted = (
            HourlyCount.objects.visible_to(actor)
            .filter(counter__area__in=areas, starts_at=hour)
            .values("counter__area_id")
            .annotate(total=Sum("count"))
        )
        values = {row["counter__area_id"]: row["total"] for row in counted}
    else:
        values = dict(
            ForecastPoint.objects.visible_to(actor)
            .filter(area__in=areas, starts_at=hour)
            .values_list("area_id", "expected")
        )
    result = []
    for area in areas:
        value = values.get(area.id)
        result.append(
            {
                "area": area,
                "expected": None if value is None else round(value),
                "load": None if value is None else value / area.capacity,
            }
        )
    return result
