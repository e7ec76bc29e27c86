"""Factories for the park network and accounts, shared by every app's tests."""

import random

import factory
from django.utils import timezone

from parkos.accounts.models import Membership, Role, User
from parkos.demo.parks import make_credit_code
from parkos.parks.models import Building, Enterprise, Floor, Lease, Park, ParkKPI, Unit, Zone

PASSWORD = "parkos-test-pw"


class ParkFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Park

    code = factory.Sequence(lambda n: f"park-{n}")
    name = factory.Sequence(lambda n: f"测试园区{n}")
    name_en = factory.Sequence(lambda n: f"Test Park {n}")
    city = "上海"


class ZoneFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Zone

    park = factory.SubFactory(ParkFactory)
    name = factory.Sequence(lambda n: f"{n}区")


class BuildingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Building

    park = factory.SubFactory(ParkFactory)
    zone = factory.SubFactory(ZoneFactory, park=factory.SelfAttribute("..park"))
    name = factory.Sequence(lambda n: f"{n}号楼")


class FloorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Floor

    building = factory.SubFactory(BuildingFactory)
    level = factory.Sequence(lambda n: n + 1)


class UnitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Unit

    floor = factory.SubFactory(FloorFactory)
    number = factory.Sequence(lambda n: f"{n:03d}")
    area = 120


class EnterpriseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Enterprise

    name = factory.Sequence(lambda n: f"上海测试{n}科技有限公司")
    name_en = factory.Sequence(lambda n: f"Test {n} Technology Co., Ltd.")
    credit_code = factory.Sequence(lambda n: make_credit_code(random.Random(n), "310115"))
    park = factory.SubFactory(ParkFactory)
    industry = "software"
    size = "small"
    headcount = 50


class LeaseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Lease

    unit = factory.SubFactory(UnitFactory)
    enterprise = factory.SubFactory(EnterpriseFactory)
    start = factory.LazyFunction(lambda: timezone.localdate().replace(day=1))
    end = factory.LazyAttribute(lambda lease: lease.start.replace(year=lease.start.year + 2))
    monthly_rent = "18000.00"


class ParkKPIFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ParkKPI

    park = factory.SubFactory(ParkFactory)
    year = 2024
    enterprises = 100
    employees = 5000
    output_value = "1000000000.00"
    floor_area = "100000.00"
    investment = "50000000.00"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    display_name = factory.Sequence(lambda n: f"用户{n}")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def saved(self, create, extracted, **kwargs):
        if create:
            self.save()


def member(role: str, **scope) -> User:
    """A user holding `role` in the given scope (park=, enterprise=, organization=)."""
    from parkos.accounts.services import membership_grant

    user = UserFactory()
    membership_grant(user=user, role=role, **scope)
    return user


__all__ = [
    "PASSWORD",
    "BuildingFactory",
    "EnterpriseFactory",
    "LeaseFactory",
    "Membership",
    "ParkFactory",
    "ParkKPIFactory",
    "Role",
    "UnitFactory",
    "UserFactory",
    "member",
]
