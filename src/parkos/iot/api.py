"""The operations center's JSON door for people and systems (devices use /api/v1/, see
device_views.py): devices, telemetry queries, rules and alarms."""

from datetime import datetime, timedelta
from uuid import UUID

from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import File, Form, Router, Status, UploadedFile
from ninja.pagination import paginate

from parkos.core.api_errors import existing
from parkos.core.errors import NotFound, ValidationFailed
from parkos.core.pagination import Paging
from parkos.iot import permissions, selectors, services
from parkos.iot.schemas import (
    AlarmDetailOut,
    AlarmOut,
    AssignIn,
    CommentIn,
    CredentialOut,
    DeviceDetailOut,
    DeviceIn,
    DeviceOut,
    IotImportOut,
    IotNoteIn,
    IotRuleIn,
    IotRuleOut,
    RulePatch,
    SeriesOut,
)
from parkos.iot.workflows import ALARM
from parkos.parks import selectors as park_selectors

router = Router(tags=["operations center"])

MAX_RANGE = timedelta(days=400)


def _known(getter, field: str, **lookup):
    """An id named in a request body: an unknown one is a field error, not a 404."""
    try:
        return existing(getter, field, **lookup)
    except NotFound as missing:
        raise ValidationFailed.for_field(field, _("Nothing with this id exists.")) from missing


def _operated_park(request, park_id: UUID):
    park = _known(park_selectors.park_get, "park", actor=request.user, park_id=park_id)
    permissions.require_operate(request.user, park.id)
    return park


@router.get("/devices", response=list[DeviceOut])
@paginate(Paging)
def device_list(
    request, park: UUID | None = None, building: UUID | None = None, kind: str = "", q: str = ""
):
    return selectors.device_list(
        actor=request.user, park_id=park, building_id=building, kind=kind, q=q
    )


@router.post("/devices/import", response={201: IotImportOut})
def devices_import(request, park: Form[UUID], file: File[UploadedFile]):
    park = _operated_park(request, park)
    if file.size > 2 * 1024 * 1024:
        raise ValidationFailed.for_field("file", _("The file is larger than 2 MB."))
    return Status(
        201, services.devices_import_csv(actor=request.user, park=park, content=file.read())
    )


@router.get("/devices/{device_id}", response=DeviceDetailOut)
def device_detail(request, device_id: UUID):
    device = selectors.device_get(actor=request.user, device_id=device_id)
    latest = selectors.latest_values(actor=request.user, device_ids=[device.id]).get(device.id, {})
    device.latest = sorted(latest.values(), key=lambda row: row["key"])
    return device


@router.post("/devices", response={201: DeviceOut})
def device_create(request, payload: DeviceIn):
    park = _operated_park(request, payload.park)
    device_type = selectors.device_type_get(code=payload.type)
    if device_type is None:
        raise ValidationFailed.for_field("type", _("Unknown device type."))
    building = floor = unit = gateway = None
    if payload.building:
        building = _known(
            park_selectors.building_get,
            "building",
            actor=request.user,
            building_id=payload.building,
        )
        floor = building.floors.filter(pk=payload.floor).first() if payload.floor else None
        if payload.floor and floor is None:
            raise ValidationFailed.for_field("floor", _("The floor is not in this building."))
    if payload.unit:
        unit = _known(park_selectors.unit_get, "unit", actor=request.user, unit_id=payload.unit)
    if payload.gateway:
        gateway = _known(
            selectors.device_get, "gateway", actor=request.user, device_id=payload.gateway
        )
    device = services.device_create(
        actor=request.user,
        park=park,
        device_type=device_type,
        serial=payload.serial,
        name=payload.name,
        building=building,
        floor=floor,
        unit=unit,
        gateway=gateway,
        map_x=payload.map_x,
        map_y=payload.map_y,
        attributes=payload.attributes,
    )
    return Status(201, device)


def _credential(device, token: str) -> dict:
    return {
        "device": device.id,
        "token": token,
        "mqtt_username": str(device.id),
        "mqtt_topic": f"parkos/v1/devices/{device.id}/telemetry",
    }


@router.post("/devices/{device_id}/credentials", response={201: CredentialOut})
def credential_issue(request, device_id: UUID):
    """Issue a new token (revoking the old one). The token is shown this once."""
    device = selectors.device_get(actor=request.user, device_id=device_id)
    _, token = services.credential_issue(actor=request.user, device=device)
    return Status(201, _credential(device, token))


@router.delete("/devices/{device_id}/credentials", response={204: None})
def credential_revoke(request, device_id: UUID):
    device = selectors.device_get(actor=request.user, device_id=device_id)
    services.credential_revoke(actor=request.user, device=device)
    return Status(204, None)


@router.get("/devices/{device_id}/telemetry", response=SeriesOut)
def telemetry(
    request,
    device_id: UUID,
    key: str,
    start: datetime | None = None,
    end: datetime | None = None,
    bucket: int | None = None,
):
    """Raw readings of one key, or with `bucket` (seconds, at least 60) avg/min/max/last per
    bucket. Defaults to the last 24 hours."""
    device = selectors.device_get(actor=request.user, device_id=device_id)
    end = end or timezone.now()
    start = start or end - timedelta(hours=24)
    if start >= end:
        raise ValidationFailed.for_field("start", _("The start must be before the end."))
    if end - start > MAX_RANGE:
        raise ValidationFailed.for_field("start", _("Ask for at most 400 days at once."))
    if bucket is not None and bucket < 60:
        raise ValidationFailed.for_field("bucket", _("A bucket is at least 60 seconds."))
    if bucket is None and end - start > timedelta(days=7):
        raise ValidationFailed.for_field("bucket", _("Raw data is served for up to 7 days."))
    if bucket is None:
        points = [
            {"ts": ts, "value": value, "text": text}
            for ts, value, text in selectors.telemetry_range(
                actor=request.user, device=device, key=key, start=start, end=end
            )
        ]
    else:
        points = selectors.telemetry_series(
            device_ids=[device.id], key=key, start=start, end=end, bucket=bucket
        )[device.id]
    return {"device": device.id, "key": key, "bucket": bucket, "points": points}


@router.get("/rules", response=list[IotRuleOut])
@paginate(Paging)
def rule_list(request, park: UUID | None = None):
    permissions.require_ioc_staff(request.user)
    return selectors.rule_list(actor=request.user, park_id=park)


@router.post("/rules", response={201: IotRuleOut})
def rule_create(request, payload: IotRuleIn):
    park = _operated_park(request, payload.park)
    data = payload.dict()
    data.pop("park")
    device_type = None
    if data.pop("device_type"):
        device_type = selectors.device_type_get(code=payload.device_type)
        if device_type is None:
            raise ValidationFailed.for_field("device_type", _("Unknown device type."))
    device_id = data.pop("device")
    device = (
        _known(selectors.device_get, "device", actor=request.user, device_id=device_id)
        if device_id
        else None
    )
    kind = data.pop("kind")
    rule = services.rule_create(
        actor=request.user, park=park, kind=kind, device_type=device_type, device=device, **data
    )
    return Status(201, rule)


@router.patch("/rules/{rule_id}", response=IotRuleOut)
def rule_update(request, rule_id: UUID, payload: RulePatch):
    rule = selectors.rule_get(actor=request.user, rule_id=rule_id)
    return services.rule_update(actor=request.user, rule=rule, **payload.dict(exclude_unset=True))


@router.get("/alarms", response=list[AlarmOut])
@paginate(Paging)
def alarm_list(
    request, park: UUID | None = None, status: str = "", severity: str = "", open: bool = False
):
    return selectors.alarm_list(
        actor=request.user, park_id=park, status=status, severity=severity, open_only=open
    )


def _alarm_detail(request, alarm):
    alarm.history = list(selectors.alarm_events(actor=request.user, alarm=alarm))
    alarm.actions = ALARM.action_codes(alarm, request.user)
    alarm.ticket_summary = None
    if alarm.ticket_id:
        try:
            from parkos.property.selectors import ticket_summary
        except ImportError:
            return alarm
        alarm.ticket_summary = ticket_summary(ticket_id=alarm.ticket_id)
    return alarm


@router.get("/alarms/{alarm_id}", response=AlarmDetailOut)
def alarm_detail(request, alarm_id: UUID):
    return _alarm_detail(request, selectors.alarm_get(actor=request.user, alarm_id=alarm_id))


@router.post("/alarms/{alarm_id}/acknowledge", response=AlarmDetailOut)
def alarm_acknowledge(request, alarm_id: UUID, payload: IotNoteIn):
    alarm = selectors.alarm_get(actor=request.user, alarm_id=alarm_id)
    alarm = services.alarm_acknowledge(actor=request.user, alarm=alarm, note=payload.note)
    return _alarm_detail(request, selectors.alarm_get(actor=request.user, alarm_id=alarm.id))


@router.post("/alarms/{alarm_id}/clear", response=AlarmDetailOut)
def alarm_clear(request, alarm_id: UUID, payload: IotNoteIn):
    alarm = selectors.alarm_get(actor=request.user, alarm_id=alarm_id)
    alarm = services.alarm_clear(actor=request.user, alarm=alarm, note=payload.note)
    return _alarm_detail(request, selectors.alarm_get(actor=request.user, alarm_id=alarm.id))


@router.post("/alarms/{alarm_id}/comments", response={201: AlarmDetailOut})
def alarm_comment(request, alarm_id: UUID, payload: CommentIn):
    alarm = selectors.alarm_get(actor=request.user, alarm_id=alarm_id)
    services.alarm_comment(actor=request.user, alarm=alarm, text=payload.text)
    return Status(201, _alarm_detail(request, alarm))


@router.post("/alarms/{alarm_id}/assign", response=AlarmDetailOut)
def alarm_assign(request, alarm_id: UUID, payload: AssignIn):
    alarm = selectors.alarm_get(actor=request.user, alarm_id=alarm_id)
    assignee = None
    if payload.assignee:
        assignee = selectors.assignee_get(actor=request.user, user_id=payload.assignee)
        if assignee is None:
            raise ValidationFailed.for_field("assignee", _("Unknown assignee."))
    alarm = services.alarm_assign(actor=request.user, alarm=alarm, assignee=assignee)
    return _alarm_detail(request, selectors.alarm_get(actor=request.user, alarm_id=alarm.id))


@router.get("/metrics", response=dict)
def ingest_metrics(request, days: int = 1):
    """Ingest counters per channel and outcome (accepted, duplicate, rejected_*)."""
    return selectors.ingest_metrics(actor=request.user, days=min(max(days, 1), 31))
