"""Pages of the operations center: the IOC dashboard, alarm pages, floor views, energy, and
the live event stream. Thin: selectors and services do the work."""

from datetime import timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy
from django.views.decorators.http import require_POST

from parkos.core.errors import ServiceError, ValidationFailed
from parkos.iot import charts, permissions, selectors, services
from parkos.iot import energy as energy_reports
from parkos.iot.forms import AlarmCommentForm, AlarmNoteForm
from parkos.iot.live_views import live_stream  # noqa: F401  (routed in urls.py)
from parkos.iot.models import Severity
from parkos.iot.workflows import ALARM
from parkos.parks import selectors as park_selectors


def _parks(request):
    """The parks the user may watch, and the one asked for (or the first)."""
    park_ids = permissions.ioc_park_ids(request.user)
    parks = park_selectors.park_list(actor=request.user)
    if park_ids is not None:
        tenant_parks = set(
            selectors.device_list(actor=request.user).values_list("park_id", flat=True)
        )
        parks = parks.filter(pk__in=park_ids | tenant_parks)
    parks = list(parks)
    if not parks:
        raise PermissionDenied
    wanted = request.GET.get("park")
    chosen = next((p for p in parks if str(p.id) == wanted), None) or parks[0]
    return parks, chosen


def _ticket(alarm):
    if not alarm.ticket_id:
        return None
    try:
        from parkos.property.selectors import ticket_summary
    except ImportError:
        return None
    return ticket_summary(ticket_id=alarm.ticket_id)


def _panel_context(request, park) -> dict:
    kpis = selectors.ioc_kpis(actor=request.user, park_id=park.id)
    open_alarms = list(
        selectors.alarm_list(actor=request.user, park_id=park.id, open_only=True)[:30]
    )
    devices = list(selectors.device_list(actor=request.user, park_id=park.id))
    return {
        "park": park,
        "kpis": kpis,
        "severities": [
            (value, label, kpis["alarms"].get(value, 0)) for value, label in Severity.choices
        ],
        "open_alarms": open_alarms,
        "map_option": charts.park_map(devices=devices, alarms=open_alarms),
        "devices": devices,
    }


@login_required
def dashboard(request):
    if not permissions.can_open_dashboard(request.user):
        raise PermissionDenied
    parks, park = _parks(request)
    context = _panel_context(request, park)
    chart_device = charts.default_chart_device(context["devices"], request.GET.get("device"))
    context.update(
        parks=parks,
        buildings=park_selectors.building_list(actor=request.user, park_id=park.id),
        chart_device=chart_device,
        chart_option=charts.device_chart(chart_device) if chart_device else None,
        chart_key=charts.chart_key(chart_device) if chart_device else "",
        chart_label=charts.chart_label(chart_device) if chart_device else "",
    )
    return render(request, "iot/dashboard.html", context)


@login_required
def dashboard_panel(request):
    """KPI tiles, the alarm list and the map's data: what a live event refreshes."""
    if not permissions.can_open_dashboard(request.user):
        raise PermissionDenied
    _, park = _parks(request)
    return render(request, "iot/_panel.html", _panel_context(request, park))


def _alarm_page(request, alarm, *, comment_form=None):
    return render(
        request,
        "iot/alarm_detail.html",
        {
            "alarm": alarm,
            "events": selectors.alarm_events(actor=request.user, alarm=alarm),
            "ticket": _ticket(alarm),
            "can_operate": permissions.can_operate(request.user, alarm.park_id),
            "actions": ALARM.actions_for(alarm, request.user),
            "comment_form": comment_form or AlarmCommentForm(),
        },
    )


@login_required
def alarm_detail(request, alarm_id):
    alarm = selectors.alarm_get(actor=request.user, alarm_id=alarm_id)
    return _alarm_page(request, alarm)


# What each button of the alarm page posts: its form, and the service it calls.
ACTIONS = {
    "acknowledge": (AlarmNoteForm, services.alarm_acknowledge),
    "clear": (AlarmNoteForm, services.alarm_clear),
    "comment": (AlarmCommentForm, services.alarm_comment),
}
DONE = {
    "acknowledge": gettext_lazy("Alarm acknowledged."),
    "clear": gettext_lazy("Alarm cleared."),
    "comment": pgettext_lazy("alarm", "Comment added."),
}


@login_required
@require_POST
def alarm_action(request, alarm_id, action: str):
    if action not in ACTIONS:
        raise Http404
    alarm = selectors.alarm_get(actor=request.user, alarm_id=alarm_id)
    form_class, service = ACTIONS[action]
    form = form_class(request.POST)
    if form.is_valid():
        try:
            service(actor=request.user, alarm=alarm, **form.cleaned_data)
        except ValidationFailed as invalid:
            form.add_service_errors(invalid)
        except ServiceError as refused:
            # Refused as a whole (the alarm moved on meanwhile): said above the page.
            messages.error(request, refused.message)
            return redirect("iot:alarm_detail", alarm_id=alarm.id)
        else:
            messages.success(request, DONE[action])
            return redirect("iot:alarm_detail", alarm_id=alarm.id)
    if action == "comment":
        # The comment stays in its box, the problem under it.
        return _alarm_page(request, alarm, comment_form=form)
    for errors in form.errors.values():
        for error in errors:
            messages.error(request, error)
    return redirect("iot:alarm_detail", alarm_id=alarm.id)


@login_required
def device_series(request, device_id):
    device = selectors.device_get(actor=request.user, device_id=device_id)
    key = request.GET.get("key") or charts.chart_key(device)
    try:
        hours = int(request.GET.get("hours") or 24)
    except ValueError:
        error = ValidationFailed.for_field("hours", _("Give the hours as a whole number."))
        return JsonResponse(error.as_dict(), status=400)
    hours = min(max(hours, 1), 24 * 31)
    end = timezone.now()
    start = end - timedelta(hours=hours)
    bucket = 300 if hours <= 24 else 3600
    series = selectors.telemetry_series(
        device_ids=[device.id], key=key, start=start, end=end, bucket=bucket
    )[device.id]
    return JsonResponse(
        {
            "device": str(device.id),
            "key": key,
            "points": [
                [int(b["ts"].timestamp() * 1000), b["avg"], b["min"], b["max"]] for b in series
            ],
        }
    )


@login_required
def building_floors(request, building_id):
    if not permissions.can_open_dashboard(request.user):
        raise PermissionDenied
    building = park_selectors.building_get(actor=request.user, building_id=building_id)
    watched = permissions.ioc_park_ids(request.user)
    if watched is not None and building.park_id not in watched:
        # Another park's building is not this operations center's to show.
        raise Http404
    devices = list(selectors.device_list(actor=request.user, building_id=building.id))
    alarms = list(
        selectors.alarm_list(actor=request.user, park_id=building.park_id, open_only=True).filter(
            device__building_id=building.id
        )
    )
    floors = charts.floor_maps(building=building, devices=devices, alarms=alarms)
    return render(
        request,
        "iot/building.html",
        {
            "building": building,
            "floors": floors,
            "alarms": alarms,
            "device_count": len(devices),
            "legend": charts.legend(),
        },
    )


@login_required
def energy(request):
    if not permissions.can_open_dashboard(request.user):
        raise PermissionDenied
    parks, park = _parks(request)
    report = energy_reports.energy_report(actor=request.user, park=park)
    return render(
        request,
        "iot/energy.html",
        {"parks": parks, "park": park, "report": report, "chart": charts.energy_chart(report)},
    )
