"""Areas and their people counters."""

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from parkos.core.audit import audit_record, diff, snapshot
from parkos.core.errors import Conflict, ValidationFailed
from parkos.crowd import permissions
from parkos.crowd.errors import CrowdError
from parkos.crowd.models import Area, AreaKind, Counter

AREA_FIELDS = [
    "name",
    "kind",
    "capacity",
    "warning_threshold",
    "critical_threshold",
    "map_x",
    "map_y",
]


def _area_check(area: Area) -> None:
    fields: dict[str, list[str]] = {}
    if not (area.name or "").strip():
        fields["name"] = [_("Give the area a name.")]
    if area.kind not in AreaKind.values:
        fields["kind"] = [_("Unknown kind of area.")]
    for name in ("capacity", "warning_threshold", "critical_threshold"):
        value = getattr(area, name)
        if not isinstance(value, int) or isinstance(value, bool) or value < 1:
            fields[name] = [_("Enter a whole number of people, at least 1.")]
    if not fields and area.warning_threshold > area.critical_threshold:
        fields["warning_threshold"] = [
            _("The warning threshold must not be above the critical threshold.")
        ]
    for name in ("map_x", "map_y"):
        value = getattr(area, name)
        if not isinstance(value, (int, float)) or not 0 <= value <= 100:
            fields[name] = [_("A map position is between 0 and 100.")]
    if fields:
        raise ValidationFailed(next(iter(fields.values()))[0], fields=fields)


def area_create(
    *,
    actor,
    park,
    name: str,
    kind: str,
    capacity: int,
    warning_threshold: int,
    critical_threshold: int,
    map_x: float = 50,
    map_y: float = 50,
) -> Area:
    permissions.require_manage(actor, park.id)
    area = Area(
        park=park,
        name=(name or "").strip(),
        kind=kind,
        capacity=capacity,
        warning_threshold=warning_threshold,
        critical_threshold=critical_threshold,
        map_x=map_x,
        map_y=map_y,
    )
    _area_check(area)
    try:
        with transaction.atomic():
            area.save()
            audit_record(
                actor=actor,
                action="crowd.area_create",
                instance=area,
                changes=snapshot(area, AREA_FIELDS),
                park_id=park.id,
            )
    except IntegrityError as clash:
        raise Conflict(
            _("This park already has an area of that name."),
            code=CrowdError.NAME_TAKEN,
            fields={"name": [_("Taken.")]},
        ) from clash
    return area


def area_update(*, actor, area: Area, **changes) -> Area:
    """Change an area's name, kind, capacity, thresholds or map position."""
    permissions.require_manage(actor, area.park_id)
    unknown = set(changes) - set(AREA_FIELDS)
    if unknown:
        raise ValidationFailed.for_field(sorted(unknown)[0], _("This field cannot be changed."))
    with transaction.atomic():
        area = Area.objects.select_for_update().get(pk=area.pk)
        before = snapshot(area, AREA_FIELDS)
        for name, value in changes.items():
            setattr(area, name, value.strip() if isinstance(value, str) else value)
        _area_check(area)
        try:
            with transaction.atomic():
                area.save(update_fields=list(changes))
        except IntegrityError as clash:
            raise Conflict(
                _("This park already has an area of that name."),
                code=CrowdError.NAME_TAKEN,
                fields={"name": [_("Taken.")]},
            ) from clash
        audit_record(
            actor=actor,
            action="crowd.area_update",
            instance=area,
            changes=diff(before, snapshot(area, AREA_FIELDS)),
            park_id=area.park_id,
        )
    return area


def counter_create(
    *,
    actor,
    park,
    name: str,
    area: Area | None = None,
    device_id=None,
    telemetry_key: str = "count",
) -> Counter:
    """A people counter; `device_id` links the IOC device whose telemetry feeds it."""
    permissions.require_manage(actor, park.id)
    name = (name or "").strip()
    if not name or len(name) > 100:
        raise ValidationFailed.for_field("name", _("A sensor name is 1–100 characters."))
    if area is not None and area.park_id != park.id:
        raise ValidationFailed.for_field("area", _("The area belongs to another park."))
    if not (telemetry_key or "").strip():
        raise ValidationFailed.for_field("telemetry_key", _("Name the telemetry key."))
    try:
        with transaction.atomic():
            return Counter.objects.create(
                park=park, area=area, name=name, device_id=device_id, telemetry_key=telemetry_key
            )
    except IntegrityError as clash:
        raise Conflict(
            _("This park already has a counter of that name."),
            code=CrowdError.NAME_TAKEN,
            fields={"name": [_("Taken.")]},
        ) from clash
