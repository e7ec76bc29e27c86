from datetime import date

import pytest

from factories import EnterpriseFactory, LeaseFactory, ParkFactory, Role, UnitFactory, member
from parkos.relief.services import programme_create

PERIOD = (date(2026, 2, 1), date(2026, 4, 30))


@pytest.fixture
def park():
    return ParkFactory()


@pytest.fixture
def enterprise(park):
    return EnterpriseFactory(park=park, headcount=40)


@pytest.fixture
def tenant(enterprise):
    return member(Role.ENTERPRISE_ADMIN, enterprise=enterprise, park=enterprise.park)


@pytest.fixture
def lease(enterprise, park):
    unit = UnitFactory(floor__building__park=park, floor__building__zone__park=park)
    return LeaseFactory(
        unit=unit,
        enterprise=enterprise,
        start=date(2025, 1, 1),
        end=date(2027, 12, 31),
        monthly_rent="10000.00",
    )


@pytest.fixture
def operator():
    return member(Role.OPERATOR_ADMIN)


@pytest.fixture
def reviewer(park):
    return member(Role.REVIEWER, park=park)


@pytest.fixture
def programme(operator, park):
    return programme_create(
        actor=operator,
        name="2026年疫情减租",
        park=park,
        period_start=PERIOD[0],
        period_end=PERIOD[1],
        kind="months",
        months="2",
        max_headcount=300,
        max_revenue="50000000",
        cap_per_enterprise="30000",
        publish=True,
    )
