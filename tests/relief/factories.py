"""Factories for rent relief: programmes as operators publish them, and the lease an
enterprise applies for."""

from datetime import date
from decimal import Decimal

import factory

from factories import EnterpriseFactory, LeaseFactory, ParkFactory, UnitFactory
from parkos.relief.models import ProgrammeStatus, ReliefKind, ReliefProgramme

PERIOD = (date(2026, 2, 1), date(2026, 4, 30))


class ReliefProgrammeFactory(factory.django.DjangoModelFactory):
    """A published programme waiving two months, up to ¥30,000 per enterprise."""

    class Meta:
        model = ReliefProgramme

    name = factory.Sequence(lambda n: f"2026年疫情减租{n}")
    park = factory.SubFactory(ParkFactory)
    period_start = PERIOD[0]
    period_end = PERIOD[1]
    kind = ReliefKind.MONTHS
    months = Decimal("2")
    max_headcount = 300
    max_revenue = Decimal("50000000.00")
    cap_per_enterprise = Decimal("30000.00")
    status = ProgrammeStatus.PUBLISHED


def leased_enterprise(park, *, headcount: int = 40, monthly_rent: str = "10000.00"):
    """An enterprise of `park` with a lease running through the relief period."""
    enterprise = EnterpriseFactory(park=park, headcount=headcount)
    unit = UnitFactory(floor__building__park=park, floor__building__zone__park=park)
    lease = LeaseFactory(
        unit=unit,
        enterprise=enterprise,
        start=date(2025, 1, 1),
        end=date(2027, 12, 31),
        monthly_rent=monthly_rent,
    )
    return enterprise, lease
