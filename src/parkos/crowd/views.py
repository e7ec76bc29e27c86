"""Pages of crowd flow: the park heat map with the areas list, an area's actual against
forecast, and the upcoming warnings. Thin: selectors do the work."""

from datetime import datetime, timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from parkos.crowd import charts, forecasting, permissions, selectors
from parkos.crowd.models import WarningStatus
from parkos.crowd.services.counts import current_hour

HISTORY_DAYS = 3
HORIZON_CHOICES = (24, 48, 168)
HEAT_MAP_HOURS = 48


def _parks(request):
    permissions.require_view(request.user)
    parks = selectors.park_choices(actor=request.user)
    wanted = request.GET.get("park")
    chosen = next((p for p in parks if str(p.id) == wanted), None) or (parks[0] if parks else None)
    return parks, chosen


def _chosen_hour(request, now: datetime) -> datetime:
    asked = request.GET.get("at", "") or ""
    try:
        wanted = parse_datetime(asked)
    except ValueError:
        # Well formed but impossible (month 13, hour 99): parse_datetime raises.
        wanted = None
    if wanted is None:
        if asked:
            messages.warning(
                request,
                _("“%(asked)s” is not a valid time; the current hour is shown.") % {"asked": asked},
            )
        return now
    if timezone.is_naive(wanted):
        wanted = timezone.make_aware(wanted)
    return timezone.localtime(wanted).replace(minute=0, second=0, microsecond=0)


@login_required
def home(request):
    parks, park = _parks(request)
    now = current_hour()
    at = _chosen_hour(request, now)
    loads = selectors.area_loads(actor=request.user, park_id=park.id, at=at) if park else []
    active = {
        warning.area_id: warning
        for warning in selectors.warning_list(
            actor=request.user, park_id=park.id if park else None
        ).order_by("kind")
    }
    for row in loads:
        row["warning"] = active.get(row["area"].id)
    hours = [now + timedelta(hours=step) for step in range(HEAT_MAP_HOURS)]
    return render(
        request,
        "crowd/home.html",
        {
            "parks": parks,
            "park": park,
            "at": at,
            "is_past": at < now,
            "hours": hours,
            "loads": loads,
            "warning_count": len(active),
            "heat_map_option": charts.heat_map(loads) if loads else None,
        },
    )


@login_required
def area_detail(request, area_id):
    permissions.require_view(request.user)
    area = selectors.area_get(actor=request.user, area_id=area_id)
    try:
        hours = int(request.GET.get("hours", 48))
    except ValueError:
        hours = 48
    hours = hours if hours in HORIZON_CHOICES else 48
    now = current_hour()
    start = now - timedelta(days=HISTORY_DAYS)
    end = now + timedelta(hours=hours)
    points = selectors.forecast_points(actor=request.user, area=area, hours=hours)
    actual = selectors.actual_counts(
        actor=request.user, area=area, start=start, end=now + timedelta(hours=1)
    )
    holidays = forecasting.holiday_days(
        timezone.localtime(start).date(), timezone.localtime(end).date()
    )
    counters = list(selectors.counter_list(actor=request.user, area_id=area.id))
    return render(
        request,
        "crowd/area.html",
        {
            "area": area,
            "hours": hours,
            "horizon_choices": HORIZON_CHOICES,
            "points": points,
            "counters": counters,
            "holidays": holidays,
            "warnings": list(selectors.warning_list(actor=request.user, area_id=area.id)),
            "issued_at": points[0].issued_at if points else None,
            "chart_option": charts.area_chart(
                area,
                actual=actual,
                points=points,
                start=start,
                end=end,
                holidays=holidays,
                now=timezone.localtime(),
            ),
        },
    )


@login_required
def warning_list(request):
    parks, park = _parks(request)
    active, recent = [], []
    if park is not None:
        active = list(selectors.warning_list(actor=request.user, park_id=park.id))
        recent = list(
            selectors.warning_list(actor=request.user, park_id=park.id, active_only=False).exclude(
                status=WarningStatus.ACTIVE
            )[:20]
        )
    return render(
        request,
        "crowd/warnings.html",
        {"parks": parks, "park": park, "active": active, "recent": recent},
    )
