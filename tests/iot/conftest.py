from dataclasses import dataclass

import pytest

from factories import (
    EnterpriseFactory,
    FloorFactory,
    LeaseFactory,
    ParkFactory,
    UnitFactory,
    member,
)
from parkos.accounts.models import Role


@dataclass
class Site:
    park: object
    other_park: object
    building: object
    floor: object
    unit: object
    other_unit: object
    enterprise: object
    types: dict
    ioc: object
    operator: object
    outsider_ioc: object
    tenant: object
    other_tenant: object
    technician: object


@pytest.fixture
def site(db):
    from parkos.iot.catalogue import device_types_ensure

    park = ParkFactory(code="pujiang", name="浦江软件园")
    other_park = ParkFactory(code="elsewhere", name="别处园区")
    floor = FloorFactory(building__park=park, level=3)
    unit = UnitFactory(floor=floor)
    other_unit = UnitFactory(floor=floor)
    enterprise = EnterpriseFactory(park=park)
    other_enterprise = EnterpriseFactory(park=park)
    LeaseFactory(unit=unit, enterprise=enterprise)
    LeaseFactory(unit=other_unit, enterprise=other_enterprise)
    return Site(
        park=park,
        other_park=other_park,
        building=floor.building,
        floor=floor,
        unit=unit,
        other_unit=other_unit,
        enterprise=enterprise,
        types=device_types_ensure(),
        ioc=member(Role.IOC_OPERATOR, park=park),
        operator=member(Role.OPERATOR_ADMIN, park=park),
        outsider_ioc=member(Role.IOC_OPERATOR, park=other_park),
        tenant=member(Role.ENTERPRISE_ADMIN, enterprise=enterprise, park=park),
        other_tenant=member(Role.ENTERPRISE_ADMIN, enterprise=other_enterprise, park=park),
        technician=member(Role.TECHNICIAN, park=park),
    )


@pytest.fixture
def make_device(site):
    """A registered device with a token: make_device("climate") -> (device, token)."""
    from parkos.iot import services

    counter = iter(range(1, 10_000))

    def make(type_code="climate", *, unit=None, park=None, **fields):
        park = park or site.park
        actor = site.ioc if park == site.park else member(Role.IOC_OPERATOR, park=park)
        in_building = park == site.park
        device = services.device_create(
            actor=actor,
            park=park,
            device_type=site.types[type_code],
            serial=fields.pop("serial", f"{type_code.upper()}-{next(counter):04d}"),
            name=fields.pop("name", f"{type_code} 设备"),
            building=site.building if in_building else None,
            floor=site.floor if in_building else None,
            unit=unit,
            **fields,
        )
        _, token = services.credential_issue(actor=actor, device=device)
        return device, token

    return make
