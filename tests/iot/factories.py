"""Factories for the operations center's models, built on the park network's (tests/factories.py).
Rows are made directly, as a fixture would; a test of a service calls the service instead.
Device types are the park's standard ones (catalogue.py), so a factory's type has its keys."""

import json
from datetime import UTC, datetime, timedelta

import factory
from django.utils import timezone

from factories import ParkFactory
from parkos.iot.models import (
    Alarm,
    AlarmEvent,
    AlarmEventKind,
    AlarmRule,
    Device,
    DeviceType,
    RuleKind,
    Severity,
)

T0 = datetime(2026, 7, 1, 10, 0, tzinfo=UTC)


def standard_type(code: str = "climate") -> DeviceType:
    from parkos.iot.catalogue import device_types_ensure

    return device_types_ensure()[code]


class DeviceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Device

    park = factory.SubFactory(ParkFactory)
    device_type = factory.LazyFunction(standard_type)
    serial = factory.Sequence(lambda n: f"DEV-{n:05d}")
    name = factory.Sequence(lambda n: f"设备{n}")


class AlarmRuleFactory(factory.django.DjangoModelFactory):
    """A threshold rule: temperature above 35 on every climate sensor of the park."""

    class Meta:
        model = AlarmRule

    park = factory.SubFactory(ParkFactory)
    name = factory.Sequence(lambda n: f"规则{n}")
    device_type = factory.LazyFunction(standard_type)
    kind = RuleKind.THRESHOLD
    key = "temperature"
    comparison = "above"
    high = 35.0
    severity = Severity.MAJOR


class AlarmFactory(factory.django.DjangoModelFactory):
    """An open alarm of a device, with the raise event its history starts with."""

    class Meta:
        model = Alarm
        skip_postgeneration_save = True

    device = factory.SubFactory(DeviceFactory)
    park = factory.SelfAttribute("device.park")
    source = "test"
    dedupe_key = factory.Sequence(lambda n: f"key-{n}")
    severity = Severity.MAJOR
    title = factory.Sequence(lambda n: f"告警{n}")
    message = "temperature is 38°C"
    raised_at = factory.LazyFunction(timezone.now)
    last_raised_at = factory.SelfAttribute("raised_at")

    @factory.post_generation
    def raised(alarm, create, extracted, **kwargs):
        if create:
            AlarmEventFactory(alarm=alarm, kind=AlarmEventKind.RAISED, at=alarm.raised_at)


class AlarmEventFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AlarmEvent

    alarm = factory.SubFactory(AlarmFactory)
    kind = AlarmEventKind.COMMENTED
    note = ""
    at = factory.LazyFunction(timezone.now)


def reading_send(device, at, received=None, **values) -> None:
    """A device's reading of `values` at `at`, through the ingest pipeline as if it arrived
    by MQTT, received a day after T0 unless `received` says when."""
    from parkos.iot.credentials import identity_for_device
    from parkos.iot.ingest import telemetry_ingest

    body = json.dumps({"ts": int(at.timestamp() * 1000), "values": values}).encode()
    telemetry_ingest(
        items=[(identity_for_device(device.id), body)],
        channel="test",
        now=received or T0 + timedelta(days=1),
    )


def threshold_rule(site, type_code, name, key, high, **extra) -> AlarmRule:
    """A critical rule made through the service: `key` above `high` on every device of the type."""
    from parkos.iot import services

    return services.rule_create(
        actor=site.ioc,
        park=site.park,
        kind="threshold",
        device_type=site.types[type_code],
        name=name,
        key=key,
        comparison="above",
        high=high,
        severity="critical",
        **extra,
    )
