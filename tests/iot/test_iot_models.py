"""Scoping (models.py): devices, their readings, rules, alarms and alarm events show an actor
only what permissions.py lets them see: their parks for operations staff, the devices in
their leased units (and those devices' alarms) for a tenant, nothing for anyone else."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import AnonymousUser

from iot.factories import T0, AlarmFactory, AlarmRuleFactory, DeviceFactory, reading_send
from parkos.iot.models import Alarm, AlarmEvent, AlarmRule, Device, LatestValue, Telemetry


def _seen(model, actor) -> set:
    return set(model.objects.visible_to(actor).values_list("pk", flat=True))


@pytest.mark.django_db
def test_each_model_shows_what_the_reader_may_see(site, make_device):
    park_device, _ = make_device("climate")
    tenant_device, _ = make_device("climate", unit=site.unit)
    elsewhere = DeviceFactory(park=site.other_park)
    for device in (park_device, tenant_device):
        reading_send(device, T0, temperature=21)
        reading_send(device, T0 + timedelta(minutes=1), temperature=22)
    park_alarm = AlarmFactory(device=park_device)
    tenant_alarm = AlarmFactory(device=tenant_device)
    AlarmFactory(device=elsewhere)
    rule = AlarmRuleFactory(park=site.park)
    AlarmRuleFactory(park=site.other_park)

    assert _seen(Device, site.ioc) == {park_device.pk, tenant_device.pk}
    assert _seen(Device, site.tenant) == {tenant_device.pk}
    assert _seen(Alarm, site.ioc) == {park_alarm.pk, tenant_alarm.pk}
    assert _seen(Alarm, site.tenant) == {tenant_alarm.pk}
    assert set(AlarmEvent.objects.visible_to(site.tenant).values_list("alarm_id", flat=True)) == {
        tenant_alarm.pk
    }
    assert _seen(AlarmRule, site.ioc) == {rule.pk}
    assert not _seen(AlarmRule, site.tenant)
    tenant_readings = Telemetry.objects.visible_to(site.tenant)
    assert set(tenant_readings.values_list("device_id", flat=True)) == {tenant_device.pk}
    assert LatestValue.objects.visible_to(site.other_tenant).count() == 0
    assert _seen(Device, site.outsider_ioc) == {elsewhere.pk}
    for nobody in (AnonymousUser(), None, site.technician):
        for model in (Device, Alarm, AlarmEvent, AlarmRule, Telemetry, LatestValue):
            assert not model.objects.visible_to(nobody).exists()
