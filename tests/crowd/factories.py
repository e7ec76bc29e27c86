"""Factories for crowd flow's models, built on the park network's (tests/factories.py). Rows
are made directly, as a fixture would; a test of a service calls the service instead."""

from datetime import timedelta

import factory
from django.utils import timezone

from factories import ParkFactory
from parkos.crowd.models import (
    Area,
    AreaKind,
    Counter,
    CountSource,
    CrowdWarning,
    ForecastPoint,
    HourlyCount,
    WarningKind,
    WarningLevel,
)
from parkos.crowd.services.counts import current_hour


class AreaFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Area

    park = factory.SubFactory(ParkFactory)
    name = factory.Sequence(lambda n: f"区域{n}")
    kind = AreaKind.PLAZA
    capacity = 1200
    warning_threshold = 1000
    critical_threshold = 1400


class CounterFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Counter

    area = factory.SubFactory(AreaFactory)
    park = factory.SelfAttribute("area.park")
    name = factory.Sequence(lambda n: f"计数器{n}")


class HourlyCountFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = HourlyCount

    counter = factory.SubFactory(CounterFactory)
    starts_at = factory.Sequence(lambda n: current_hour() - timedelta(hours=n + 1))
    count = 420.0
    source = CountSource.IMPORT


class ForecastPointFactory(factory.django.DjangoModelFactory):
    """An hour of an area's forecast, `step` hours after the current one."""

    class Meta:
        model = ForecastPoint

    area = factory.SubFactory(AreaFactory)
    step = factory.Sequence(lambda n: n % 168)
    issued_at = factory.LazyFunction(current_hour)
    starts_at = factory.LazyAttribute(lambda p: current_hour() + timedelta(hours=p.step))
    expected = 600.0
    lower_80 = factory.LazyAttribute(lambda p: p.expected * 0.8)
    upper_80 = factory.LazyAttribute(lambda p: p.expected * 1.2)
    lower_95 = factory.LazyAttribute(lambda p: p.expected * 0.7)
    upper_95 = factory.LazyAttribute(lambda p: p.expected * 1.3)


class CrowdWarningFactory(factory.django.DjangoModelFactory):
    """An active forecast warning, without its IOC alarm (warning_apply raises both)."""

    class Meta:
        model = CrowdWarning

    area = factory.SubFactory(AreaFactory)
    kind = WarningKind.FORECAST
    level = WarningLevel.WARNING
    expected_at = factory.LazyFunction(lambda: current_hour() + timedelta(hours=3))
    expected_count = 1100
    threshold = factory.SelfAttribute("area.warning_threshold")
    lead_hours = 3
    message = factory.LazyAttribute(lambda w: f"{w.area.name} 预计 {w.expected_count} 人次")
    raised_at = factory.LazyFunction(timezone.now)
    updated_at = factory.SelfAttribute("raised_at")


def upper_bound_warning(area):
    """A warning raised through the service on the upper end of the 80% interval
    (10,187 people, the point forecast 8,163), three hours ahead."""
    from parkos.crowd.services.warnings import Risk, warning_apply

    risk = Risk(
        level="warning",
        expected_at=current_hour() + timedelta(hours=3),
        expected_count=10_187,
        threshold=10_000,
        lead_hours=3,
        bound="upper_80",
        point_count=8_163,
    )
    return warning_apply(area=area, kind="forecast", risk=risk)
