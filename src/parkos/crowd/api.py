"""Crowd flow's JSON door: areas, counters, their forecasts for the next 1–168 hours with
80% and 95% intervals, warnings, and the counts import."""

from uuid import UUID

from django.http import Http404
from django.utils.translation import gettext as _
from ninja import File, Form, Query, Router, Status, UploadedFile
from ninja.pagination import paginate

from parkos.core.errors import NotFound, ValidationFailed
from parkos.core.pagination import Paging
from parkos.crowd import permissions, selectors, services
from parkos.crowd.forecasting import MAX_HORIZON_HOURS
from parkos.crowd.schemas import (
    AreaIn,
    AreaOut,
    CounterOut,
    CrowdImportOut,
    ForecastOut,
    WarningOut,
)
from parkos.parks import selectors as park_selectors

router = Router(tags=["crowd flow"])

MAX_FILE_BYTES = 50 * 1024 * 1024


def _hours(hours: int) -> int:
    if not 1 <= hours <= MAX_HORIZON_HOURS:
        raise ValidationFailed.for_field(
            "hours",
            _("The horizon must be between 1 and %(max)d hours.") % {"max": MAX_HORIZON_HOURS},
        )
    return hours


def _forecast(subject, name: str, points, hours: int, fallback: bool) -> dict:
    return {
        "subject": subject,
        "name": name,
        "hours": hours,
        "issued_at": points[0].issued_at if points else None,
        "simple_model_used": fallback,
        "forecast": [
            {
                "starts_at": point.starts_at,
                "hours_ahead": point.step,
                "expected": round(point.expected, 1),
                "lower_80": round(point.lower_80, 1),
                "upper_80": round(point.upper_80, 1),
                "lower_95": round(point.lower_95, 1),
                "upper_95": round(point.upper_95, 1),
            }
            for point in points
        ],
    }


def _park(request, park_id: UUID):
    try:
        park = park_selectors.park_get(actor=request.user, park_id=park_id)
    except (Http404, NotFound) as missing:
        raise ValidationFailed.for_field("park", _("No such park.")) from missing
    permissions.require_manage(request.user, park.id)
    return park


@router.get("/areas", response=list[AreaOut])
@paginate(Paging)
def area_list(request, park: UUID | None = None):
    permissions.require_view(request.user)
    return selectors.area_list(actor=request.user, park_id=park)


@router.post("/areas", response={201: AreaOut})
def area_create(request, payload: AreaIn):
    data = payload.dict()
    park = _park(request, data.pop("park"))
    area = services.area_create(actor=request.user, park=park, **data)
    return Status(201, selectors.area_get(actor=request.user, area_id=area.id))


@router.get("/areas/{area_id}", response=AreaOut)
def area_detail(request, area_id: UUID):
    permissions.require_view(request.user)
    return selectors.area_get(actor=request.user, area_id=area_id)


@router.get("/areas/{area_id}/forecast", response=ForecastOut)
def area_forecast(request, area_id: UUID, hours: int = Query(24)):
    permissions.require_view(request.user)
    area = selectors.area_get(actor=request.user, area_id=area_id)
    points = selectors.forecast_points(actor=request.user, area=area, hours=_hours(hours))
    return _forecast(area.id, area.name, points, hours, area.fallback_count > 0)


@router.get("/counters", response=list[CounterOut])
@paginate(Paging)
def counter_list(request, park: UUID | None = None, area: UUID | None = None):
    permissions.require_view(request.user)
    return selectors.counter_list(actor=request.user, park_id=park, area_id=area)


@router.get("/counters/{counter_id}/forecast", response=ForecastOut)
def counter_forecast(request, counter_id: UUID, hours: int = Query(24)):
    permissions.require_view(request.user)
    counter = selectors.counter_get(actor=request.user, counter_id=counter_id)
    points = selectors.forecast_points(actor=request.user, counter=counter, hours=_hours(hours))
    return _forecast(counter.id, counter.name, points, hours, counter.forecast_is_fallback)


@router.get("/warnings", response=list[WarningOut])
@paginate(Paging)
def warning_list(request, park: UUID | None = None, active: bool = True):
    permissions.require_view(request.user)
    return selectors.warning_list(actor=request.user, park_id=park, active_only=active)


@router.post("/counts/import", response={201: CrowdImportOut})
def counts_import(
    request,
    park: Form[UUID],
    file: File[UploadedFile],
    create_counters: Form[bool] = False,
):
    park = _park(request, park)
    if file.size > MAX_FILE_BYTES:
        raise ValidationFailed.for_field("file", _("The file is larger than 50 MB."))
    return Status(
        201,
        services.counts_import(
            actor=request.user, park=park, source=file, create_counters=create_counters
        ),
    )
