"""factory_boy factories for property management's main models. Rows made here are stored as
they are, without the services: for lists, budgets and states a test needs to start from.
A test of a service's behaviour calls the service."""

from datetime import timedelta

import factory
from django.utils import timezone

from factories import BuildingFactory, UserFactory, ZoneFactory
from parkos.property.models import (
    Finding,
    InspectionSchedule,
    InspectionTemplate,
    PropertyCompany,
    Shift,
    SpotCheck,
    Survey,
    Technician,
    Ticket,
)


class PropertyCompanyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PropertyCompany

    zone = factory.SubFactory(ZoneFactory)
    park = factory.SelfAttribute("zone.park")
    name = factory.Sequence(lambda n: f"测试物业{n}")


class TechnicianFactory(factory.django.DjangoModelFactory):
    """A technician (the user holds no membership: use `member(Role.TECHNICIAN, ...)` and
    pass `user=` when permissions matter)."""

    class Meta:
        model = Technician
        skip_postgeneration_save = True

    user = factory.SubFactory(UserFactory)
    company = factory.SubFactory(PropertyCompanyFactory)
    skills = factory.LazyFunction(lambda: ["hvac"])
    base_building = None

    @factory.post_generation
    def zones(self, create, extracted, **kwargs):
        if create:
            self.zones.set(extracted if extracted is not None else [self.company.zone])


class ShiftFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Shift

    technician = factory.SubFactory(TechnicianFactory)
    start = factory.LazyFunction(lambda: timezone.now() - timedelta(hours=2))
    end = factory.LazyAttribute(lambda shift: shift.start + timedelta(hours=8))


class TicketFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Ticket

    number = factory.Sequence(lambda n: f"WOTEST{n:06d}")
    company = factory.SubFactory(PropertyCompanyFactory)
    source = "web"
    kind = "repair"
    category = "hvac"
    title = factory.Sequence(lambda n: f"空调漏水 {n}")
    description = "会议室空调漏水"
    priority = "normal"
    created_at = factory.LazyFunction(timezone.now)


class InspectionTemplateFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = InspectionTemplate

    company = factory.SubFactory(PropertyCompanyFactory)
    name = factory.Sequence(lambda n: f"巡检清单{n}")
    items = factory.LazyFunction(
        lambda: [{"key": "panel", "label": "配电柜正常", "kind": "check", "category": "electrical"}]
    )


class InspectionScheduleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = InspectionSchedule
        skip_postgeneration_save = True

    template = factory.SubFactory(InspectionTemplateFactory)
    frequency = "daily"

    @factory.post_generation
    def technicians(self, create, extracted, **kwargs):
        if create and extracted:
            self.technicians.set(extracted)


class SpotCheckFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SpotCheck

    company = factory.SubFactory(PropertyCompanyFactory)
    inspector = "安泰评估"
    checked_on = factory.LazyFunction(timezone.localdate)


class FindingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Finding

    spot_check = factory.SubFactory(SpotCheckFactory)
    severity = "medium"
    description = factory.Sequence(lambda n: f"安全出口被锁闭 {n}")
    deadline = factory.LazyAttribute(lambda f: f.spot_check.checked_on + timedelta(days=7))


class SurveyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Survey

    park = factory.SubFactory("factories.ParkFactory")
    title = factory.Sequence(lambda n: f"满意度调查{n}")
    questions = factory.LazyFunction(lambda: [{"key": "q1", "label": "总体", "kind": "rating"}])
    opens_on = factory.LazyFunction(timezone.localdate)
    closes_on = factory.LazyAttribute(lambda s: s.opens_on + timedelta(days=7))


def alarm_ticket(place, ref="alarm-1"):
    """A ticket an IoT alarm raised in the place's building."""
    from parkos.property import services

    return services.ticket_open_for_alarm(
        park=place.park,
        building=place.building,
        category="hvac",
        priority="urgent",
        title="机房温度过高",
        description="机房温度 35℃",
        source="alarm",
        source_ref=ref,
    )


__all__ = [
    "BuildingFactory",
    "FindingFactory",
    "InspectionScheduleFactory",
    "InspectionTemplateFactory",
    "PropertyCompanyFactory",
    "ShiftFactory",
    "SpotCheckFactory",
    "SurveyFactory",
    "TechnicianFactory",
    "TicketFactory",
    "alarm_ticket",
]
