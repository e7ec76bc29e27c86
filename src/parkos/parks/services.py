"""Every write on the park network. Each validates, writes in one transaction and leaves an
audit entry where money or identity is concerned."""

from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from parkos.core.audit import audit_record, diff, snapshot
from parkos.core.errors import Conflict, FieldErrors, ValidationFailed
from parkos.core.money import to_cny
from parkos.parks import permissions
from parkos.parks.credit_code import credit_code_problem, normalize_credit_code
from parkos.parks.errors import ParksError
from parkos.parks.models import (
    Building,
    Enterprise,
    EnterpriseSize,
    Floor,
    Industry,
    Lease,
    Park,
    ParkKPI,
    Unit,
    Zone,
)

ENTERPRISE_FIELDS = [
    "name",
    "name_en",
    "credit_code",
    "park",
    "industry",
    "size",
    "headcount",
    "description",
]
LEASE_FIELDS = ["unit", "enterprise", "start", "end", "monthly_rent"]


def credit_code_error(code: str) -> str | None:
    problem = credit_code_problem(code)
    if problem is None:
        return None
    return {
        "length": _("A unified social credit code has 18 characters."),
        "characters": _(
            "A unified social credit code uses digits and capital letters except I, O, S, V, Z."
        ),
        "check": _("The check character (the 18th) does not match: the code is mistyped."),
    }[problem]


def _decimal(
    errors: FieldErrors, field: str, value: Any, *, minimum: Decimal = Decimal("0")
) -> Decimal | None:
    if isinstance(value, float):
        value = repr(value)
    try:
        number = Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        errors.add(field, _("Enter a number."))
        return None
    if not number.is_finite():
        errors.add(field, _("Enter a number."))
        return None
    if number < minimum:
        errors.add(field, _("Must not be negative.") if minimum == 0 else _("Too small."))
        return None
    return number


# Parks and structure


@transaction.atomic
def park_create(
    *,
    actor,
    code: str,
    name: str,
    city: str,
    name_en: str = "",
    address: str = "",
    parent: Park | None = None,
    latitude=None,
    longitude=None,
    opened_on: date | None = None,
) -> Park:
    permissions.require_operator(actor)
    if parent is not None:
        permissions.require_manage_park(actor, parent.id)
    elif permissions.managed_park_ids(actor) is not None:
        # Only a network-wide operator opens a new flagship.
        from django.core.exceptions import PermissionDenied

        raise PermissionDenied
    errors = FieldErrors()
    if not name.strip():
        errors.add("name", _("This field is required."))
    if not city.strip():
        errors.add("city", _("This field is required."))
    if Park.objects.filter(code=code).exists():
        errors.add("code", _("A park with this code exists."))
    errors.raise_if_any()
    park = Park.objects.create(
        code=code,
        name=name.strip(),
        city=city.strip(),
        name_en=name_en,
        address=address,
        parent=parent,
        latitude=latitude,
        longitude=longitude,
        opened_on=opened_on,
    )
    audit_record(
        actor=actor,
        action="park.create",
        instance=park,
        park_id=park.id,
        changes=snapshot(park, ["code", "name", "city", "parent"]),
    )
    return park


@transaction.atomic
def park_update(*, actor, park: Park, **changes) -> Park:
    permissions.require_manage_park(actor, park.id)
    allowed = {"name", "name_en", "city", "address", "latitude", "longitude", "opened_on"}
    fields = [name for name in changes if name in allowed]
    before = snapshot(park, fields)
    for name in fields:
        setattr(park, name, changes[name])
    if not (park.name or "").strip():
        raise ValidationFailed.for_field("name", _("This field is required."))
    park.save(update_fields=fields)
    audit_record(
        actor=actor,
        action="park.update",
        instance=park,
        park_id=park.id,
        changes=diff(before, snapshot(park, fields)),
    )
    return park


@transaction.atomic
def zone_create(*, actor, park: Park, name: str) -> Zone:
    permissions.require_manage_park(actor, park.id)
    if Zone.objects.filter(park=park, name=name).exists():
        raise ValidationFailed.for_field("name", _("A zone with this name exists in the park."))
    return Zone.objects.create(park=park, name=name)


@transaction.atomic
def building_create(
    *,
    actor,
    park: Park,
    name: str,
    zone: Zone | None = None,
    floors: int = 0,
    latitude=None,
    longitude=None,
) -> Building:
    permissions.require_manage_park(actor, park.id)
    errors = FieldErrors()
    if not name.strip():
        errors.add("name", _("This field is required."))
    elif Building.objects.filter(park=park, name=name.strip()).exists():
        errors.add("name", _("A building with this name exists in the park."))
    if zone is not None and zone.park_id != park.id:
        errors.add("zone", _("The zone belongs to another park."))
    if floors < 0:
        errors.add("floors", _("Must not be negative."))
    errors.raise_if_any()
    building = Building.objects.create(
        park=park, zone=zone, name=name.strip(), latitude=latitude, longitude=longitude
    )
    Floor.objects.bulk_create(
        Floor(building=building, level=level) for level in range(1, floors + 1)
    )
    return building


@transaction.atomic
def building_update(*, actor, building: Building, **changes) -> Building:
    permissions.require_manage_park(actor, building.park_id)
    fields = [name for name in changes if name in {"name", "zone", "latitude", "longitude"}]
    for name in fields:
        setattr(building, name, changes[name])
    if "zone" in fields and building.zone is not None and building.zone.park_id != building.park_id:
        raise ValidationFailed.for_field("zone", _("The zone belongs to another park."))
    if not building.name.strip():
        raise ValidationFailed.for_field("name", _("This field is required."))
    try:
        with transaction.atomic():
            building.save(update_fields=fields)
    except IntegrityError as clash:
        raise ValidationFailed.for_field(
            "name", _("A building with this name exists in the park.")
        ) from clash
    return building


@transaction.atomic
def unit_create(*, actor, building: Building, level: int, number: str, area) -> Unit:
    permissions.require_manage_park(actor, building.park_id)
    errors = FieldErrors()
    area_value = _decimal(errors, "area", area)
    if area_value is not None and area_value == 0:
        errors.add("area", _("Must be greater than zero."))
    if not str(number).strip():
        errors.add("number", _("This field is required."))
    errors.raise_if_any()
    floor, _created = Floor.objects.get_or_create(building=building, level=level)
    if Unit.objects.filter(floor=floor, number=number).exists():
        raise ValidationFailed.for_field(
            "number", _("A unit with this number exists on the floor.")
        )
    return Unit.objects.create(floor=floor, number=str(number).strip(), area=area_value)


@transaction.atomic
def unit_update(*, actor, unit: Unit, area=None, number: str | None = None) -> Unit:
    permissions.require_manage_park(actor, unit.floor.building.park_id)
    errors = FieldErrors()
    fields = []
    if area is not None:
        value = _decimal(errors, "area", area)
        if value is not None and value == 0:
            errors.add("area", _("Must be greater than zero."))
        unit.area = value
        fields.append("area")
    if number is not None:
        if not number.strip():
            errors.add("number", _("This field is required."))
        unit.number = number.strip()
        fields.append("number")
    errors.raise_if_any()
    unit.save(update_fields=fields)
    return unit


# Enterprises


def enterprise_validate(
    data: dict[str, Any], *, existing: Enterprise | None = None, check_unique: bool = True
) -> dict[str, Any]:
    """Clean one enterprise's fields; raise ValidationFailed naming every bad field."""
    errors = FieldErrors()
    cleaned: dict[str, Any] = {}
    name = str(data.get("name") or "").strip()
    if not name:
        errors.add("name", _("This field is required."))
    elif len(name) > 200:
        errors.add("name", _("At most 200 characters."))
    cleaned["name"] = name
    cleaned["name_en"] = str(data.get("name_en") or "").strip()[:200]
    code = normalize_credit_code(str(data.get("credit_code") or ""))
    if not code:
        errors.add("credit_code", _("This field is required."))
    elif message := credit_code_error(code):
        errors.add("credit_code", message)
    elif check_unique:
        clash = Enterprise.objects.filter(credit_code=code)
        if existing is not None:
            clash = clash.exclude(pk=existing.pk)
        if clash.exists():
            errors.add("credit_code", _("An enterprise with this credit code exists."))
    cleaned["credit_code"] = code
    industry = str(data.get("industry") or "").strip()
    if industry not in Industry.values:
        errors.add(
            "industry", _("Choose one of: %(choices)s.") % {"choices": ", ".join(Industry.values)}
        )
    cleaned["industry"] = industry
    size = str(data.get("size") or EnterpriseSize.SMALL).strip()
    if size not in EnterpriseSize.values:
        errors.add(
            "size", _("Choose one of: %(choices)s.") % {"choices": ", ".join(EnterpriseSize.values)}
        )
    cleaned["size"] = size
    headcount = data.get("headcount", 0)
    try:
        headcount_value = int(str(headcount if headcount not in (None, "") else 0).strip())
        if headcount_value < 0:
            errors.add("headcount", _("Must not be negative."))
    except ValueError:
        errors.add("headcount", _("Enter a whole number."))
        headcount_value = 0
    cleaned["headcount"] = headcount_value
    cleaned["description"] = str(data.get("description") or "")
    park = data.get("park")
    if not isinstance(park, Park):
        errors.add("park", _("Unknown park."))
    cleaned["park"] = park
    errors.raise_if_any()
    return cleaned


@transaction.atomic
def enterprise_create(*, actor, **data) -> Enterprise:
    park = data.get("park")
    if isinstance(park, Park):
        permissions.require_manage_park(actor, park.id)
    else:
        permissions.require_operator(actor)
    cleaned = enterprise_validate(data)
    enterprise = Enterprise.objects.create(**cleaned)
    audit_record(
        actor=actor,
        action="enterprise.create",
        instance=enterprise,
        park_id=enterprise.park_id,
        changes=snapshot(enterprise, ENTERPRISE_FIELDS),
    )
    return enterprise


PROFILE_FIELDS = {"name_en", "headcount", "description"}


@transaction.atomic
def enterprise_update(*, actor, enterprise: Enterprise, **changes) -> Enterprise:
    from django.core.exceptions import PermissionDenied

    if not permissions.can_edit_enterprise_profile(actor, enterprise):
        raise PermissionDenied
    if not permissions.can_manage_park(actor, enterprise.park_id) and set(changes) - PROFILE_FIELDS:
        raise PermissionDenied
    if "park" in changes and changes["park"] is not None:
        permissions.require_manage_park(actor, changes["park"].id)
    before = snapshot(enterprise, ENTERPRISE_FIELDS)
    merged = {**{name: getattr(enterprise, name) for name in ENTERPRISE_FIELDS}, **changes}
    cleaned = enterprise_validate(merged, existing=enterprise)
    for name, value in cleaned.items():
        setattr(enterprise, name, value)
    enterprise.save()
    audit_record(
        actor=actor,
        action="enterprise.update",
        instance=enterprise,
        park_id=enterprise.park_id,
        changes=diff(before, snapshot(enterprise, ENTERPRISE_FIELDS)),
    )
    return enterprise


# Leases


# A lease term may not exceed twenty years (Civil Code of the PRC, art. 705); dates far
# outside a park's life are typing mistakes.
LEASE_MAX_YEARS = 20
LEASE_EARLIEST = date(1950, 1, 1)
LEASE_LATEST = date(2100, 12, 31)


def _lease_validate(errors: FieldErrors, *, start, end, monthly_rent) -> Decimal | None:
    for field, day in (("start", start), ("end", end)):
        if isinstance(day, date) and not LEASE_EARLIEST <= day <= LEASE_LATEST:
            errors.add(
                field,
                _("Enter a date between %(earliest)s and %(latest)s.")
                % {"earliest": LEASE_EARLIEST.isoformat(), "latest": LEASE_LATEST.isoformat()},
            )
    if isinstance(start, date) and isinstance(end, date):
        if end < start:
            errors.add("end", _("The end date is before the start date."))
        elif start >= LEASE_EARLIEST and end >= _years_after(start, LEASE_MAX_YEARS):
            errors.add(
                "end",
                _("A lease term may not exceed %(years)d years.") % {"years": LEASE_MAX_YEARS},
            )
    rent = _decimal(errors, "monthly_rent", monthly_rent)
    return to_cny(rent) if rent is not None else None


def _years_after(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def _overlapping(unit: Unit, start: date, end: date, exclude=None):
    clash = Lease.objects.filter(unit=unit, start__lte=end, end__gte=start)
    if exclude is not None:
        clash = clash.exclude(pk=exclude.pk)
    return clash.first()


@transaction.atomic
def lease_create(
    *, actor, unit: Unit, enterprise: Enterprise, start: date, end: date, monthly_rent
) -> Lease:
    park_id = unit.floor.building.park_id
    permissions.require_manage_park(actor, park_id)
    errors = FieldErrors()
    rent = _lease_validate(errors, start=start, end=end, monthly_rent=monthly_rent)
    errors.raise_if_any()
    # The unit's row lock makes two clerks letting the same unit at once take turns, so
    # the overlap check below sees the other's lease.
    Unit.objects.select_for_update().filter(pk=unit.pk).first()
    if clash := _overlapping(unit, start, end):
        raise Conflict(
            _("Unit %(unit)s is already let from %(start)s to %(end)s.")
            % {"unit": unit.number, "start": clash.start, "end": clash.end},
            code=ParksError.LEASE_OVERLAP,
            fields={"start": [_("Overlaps another lease of this unit.")]},
        )
    lease = Lease.objects.create(
        unit=unit, enterprise=enterprise, start=start, end=end, monthly_rent=rent
    )
    audit_record(
        actor=actor,
        action="lease.create",
        instance=lease,
        park_id=park_id,
        changes=snapshot(lease, LEASE_FIELDS),
    )
    return lease


@transaction.atomic
def lease_update(*, actor, lease: Lease, **changes) -> Lease:
    park_id = lease.unit.floor.building.park_id
    permissions.require_manage_park(actor, park_id)
    allowed = {"start", "end", "monthly_rent"}
    fields = [name for name in changes if name in allowed]
    before = snapshot(lease, LEASE_FIELDS)
    start = changes.get("start", lease.start)
    end = changes.get("end", lease.end)
    errors = FieldErrors()
    rent = _lease_validate(
        errors, start=start, end=end, monthly_rent=changes.get("monthly_rent", lease.monthly_rent)
    )
    errors.raise_if_any()
    Unit.objects.select_for_update().filter(pk=lease.unit_id).first()
    if clash := _overlapping(lease.unit, start, end, exclude=lease):
        raise Conflict(
            _("Unit %(unit)s is already let from %(start)s to %(end)s.")
            % {"unit": lease.unit.number, "start": clash.start, "end": clash.end},
            code=ParksError.LEASE_OVERLAP,
            fields={"start": [_("Overlaps another lease of this unit.")]},
        )
    lease.start, lease.end, lease.monthly_rent = start, end, rent
    lease.save(update_fields=fields)
    audit_record(
        actor=actor,
        action="lease.update",
        instance=lease,
        park_id=park_id,
        changes=diff(before, snapshot(lease, LEASE_FIELDS)),
    )
    return lease


@transaction.atomic
def kpi_record(*, actor, park: Park, year: int, **figures) -> ParkKPI:
    permissions.require_manage_park(actor, park.id)
    errors = FieldErrors()
    for name in ("output_value", "floor_area", "investment"):
        figures[name] = _decimal(errors, name, figures.get(name, 0))
    for name in ("enterprises", "employees"):
        if int(figures.get(name, 0)) < 0:
            errors.add(name, _("Must not be negative."))
    errors.raise_if_any()
    kpi, _created = ParkKPI.objects.update_or_create(park=park, year=year, defaults=figures)
    audit_record(
        actor=actor,
        action="kpi.record",
        instance=kpi,
        park_id=park.id,
        changes={name: figures[name] for name in figures},
    )
    return kpi
