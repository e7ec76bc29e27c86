"""Factories for the talent app's main models."""

from datetime import timedelta
from decimal import Decimal

import factory
from django.utils import timezone

from factories import EnterpriseFactory, ParkFactory, UserFactory
from parkos.talent.models import (
    Application,
    Booth,
    BoothStatus,
    Candidate,
    JobFair,
    Position,
    PositionStatus,
)

# A valid resident ID number (GB 11643 check digit "X") and a few more built from it.
VALID_ID = "11010519491231002X"


def id_number(seed: int, born: str = "19900307") -> str:
    from parkos.talent.identity import id_check_digit

    first17 = f"330106{born}{seed % 1000:03d}"
    return first17 + id_check_digit(first17)


class PositionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Position

    enterprise = factory.SubFactory(EnterpriseFactory)
    park = factory.SelfAttribute("enterprise.park")
    title = factory.Sequence(lambda n: f"Python 后端工程师 {n}")
    field = "software"
    level = "junior"
    city = "上海"
    salary_min = Decimal("15000.00")
    salary_max = Decimal("25000.00")
    headcount = 2
    skills = factory.LazyFunction(lambda: ["Python", "Django", "数据分析"])
    closes_on = factory.LazyFunction(lambda: timezone.localdate() + timedelta(days=30))
    status = PositionStatus.PUBLISHED
    published_at = factory.LazyFunction(timezone.now)


class CandidateFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Candidate

    user = factory.SubFactory(UserFactory)
    name = factory.Sequence(lambda n: f"张{n}")
    phone = factory.Sequence(lambda n: f"139{n:08d}")
    city = "上海"
    expected_cities = factory.LazyFunction(lambda: ["上海"])
    expected_salary = Decimal("20000.00")
    field = "software"
    level = "junior"
    university = "10246"
    skills = factory.LazyFunction(lambda: ["Python", "数据分析"])


class FairFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = JobFair

    park = factory.SubFactory(ParkFactory)
    title = factory.Sequence(lambda n: f"第{n}届软件园云招聘会")
    theme = "field"
    field = "software"
    starts_at = factory.LazyFunction(lambda: timezone.now() - timedelta(hours=2))
    ends_at = factory.LazyFunction(lambda: timezone.now() + timedelta(days=2))


class BoothFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Booth

    fair = factory.SubFactory(FairFactory)
    enterprise = factory.SubFactory(EnterpriseFactory, park=factory.SelfAttribute("..fair.park"))
    status = BoothStatus.APPROVED


class ApplicationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Application

    candidate = factory.SubFactory(CandidateFactory)
    position = factory.SubFactory(PositionFactory)
    enterprise = factory.SelfAttribute("position.enterprise")
