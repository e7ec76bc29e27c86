import json
from datetime import UTC, datetime, timedelta

import pytest

from parkos.core.errors import Conflict
from parkos.iot import services
from parkos.iot.credentials import identity_for_device
from parkos.iot.ingest import telemetry_ingest
from parkos.iot.models import Alarm, AlarmEvent, AlarmStatus
from parkos.iot.rules import rules_silence_check

T0 = datetime(2026, 7, 1, 10, 0, tzinfo=UTC)


def send(device, at, received=None, **values):
    body = json.dumps({"ts": int(at.timestamp() * 1000), "values": values}).encode()
    telemetry_ingest(
        items=[(identity_for_device(device.id), body)],
        channel="test",
        now=received or T0 + timedelta(days=1),
    )


def kinds(alarm):
    return list(alarm.events.values_list("kind", flat=True))


@pytest.fixture
def hot_room_rule(site):
    return services.rule_create(
        actor=site.ioc,
        park=site.park,
        kind="threshold",
        device_type=site.types["climate"],
        name="机房高温",
        key="temperature",
        comparison="above",
        high=35,
        duration=300,
        severity="critical",
    )


@pytest.mark.django_db
class TestThresholdForDuration:
    def test_raised_only_after_the_condition_held_for_the_duration(
        self, make_device, hot_room_rule
    ):
        device, _ = make_device("climate")
        send(device, T0, temperature=36)
        send(device, T0 + timedelta(minutes=4), temperature=37)
        assert Alarm.objects.count() == 0
        send(device, T0 + timedelta(minutes=5), temperature=38)
        alarm = Alarm.objects.get()
        assert (alarm.severity, alarm.status, alarm.value, alarm.device) == (
            "critical",
            "active",
            38,
            device,
        )
        assert "38" in alarm.message

    def test_a_dip_restarts_the_clock(self, make_device, hot_room_rule):
        device, _ = make_device("climate")
        send(device, T0, temperature=36)
        send(device, T0 + timedelta(minutes=3), temperature=30)
        send(device, T0 + timedelta(minutes=6), temperature=36)
        assert Alarm.objects.count() == 0

    def test_repeat_raises_the_count_of_the_open_alarm(self, make_device, hot_room_rule):
        device, _ = make_device("climate")
        for episode in range(2):
            start = T0 + timedelta(hours=episode)
            send(device, start, temperature=36)
            send(device, start + timedelta(minutes=5), temperature=36)
            send(device, start + timedelta(minutes=10), temperature=25)
        alarm = Alarm.objects.get()
        assert alarm.count == 2
        assert kinds(alarm).count("raised") == 1
        assert kinds(alarm).count("repeated") == 1

    def test_other_parks_devices_do_not_trip_the_rule(self, make_device, hot_room_rule, site):
        device, _ = make_device("climate", park=site.other_park)
        send(device, T0, temperature=50)
        send(device, T0 + timedelta(minutes=10), temperature=50)
        assert Alarm.objects.count() == 0


@pytest.mark.django_db
def test_rate_of_change_rule(make_device, site):
    services.rule_create(
        actor=site.ioc,
        park=site.park,
        kind="rate",
        device_type=site.types["water"],
        name="水流突增",
        key="flow",
        rate_per_minute=5,
        severity="major",
    )
    device, _ = make_device("water")
    send(device, T0, flow=1)
    send(device, T0 + timedelta(minutes=1), flow=3)
    assert Alarm.objects.count() == 0
    send(device, T0 + timedelta(minutes=2), flow=20)
    assert Alarm.objects.get().severity == "major"


@pytest.mark.django_db
def test_combination_rule(make_device, site):
    services.rule_create(
        actor=site.ioc,
        park=site.park,
        kind="combination",
        device_type=site.types["climate"],
        name="闷热",
        conditions=[
            {"key": "temperature", "comparison": "above", "high": 30},
            {"key": "humidity", "comparison": "above", "high": 80},
        ],
        severity="minor",
    )
    device, _ = make_device("climate")
    send(device, T0, temperature=32, humidity=50)
    assert Alarm.objects.count() == 0
    send(device, T0 + timedelta(minutes=1), humidity=85)
    assert Alarm.objects.get().severity == "minor"


@pytest.mark.django_db
def test_no_data_rule_raises_once_and_clears_when_data_returns(make_device, site):
    services.rule_create(
        actor=site.ioc,
        park=site.park,
        kind="no_data",
        device_type=site.types["energy"],
        name="电表离线",
        silence_minutes=30,
        severity="warning",
        auto_clear=True,
    )
    device, _ = make_device("energy")
    now = datetime.now(UTC)
    send(device, now - timedelta(hours=2), received=now, power=1)
    device.__class__.objects.filter(pk=device.pk).update(last_seen_at=now - timedelta(hours=1))
    assert rules_silence_check(now=now) == 1
    assert rules_silence_check(now=now + timedelta(minutes=1)) == 0
    alarm = Alarm.objects.get()
    assert alarm.status == "active"
    send(device, now, received=now, power=2)
    alarm.refresh_from_db()
    assert alarm.status == "cleared"
    assert alarm.cleared_by is None


@pytest.mark.django_db
class TestLife:
    def test_acknowledge_then_clear_records_who_and_when(self, make_device, site):
        make_device("smoke")
        alarm = services.alarm_raise(
            park=site.park, source="rule", dedupe_key="x", severity="critical", title="烟感报警"
        )
        services.alarm_acknowledge(actor=site.ioc, alarm=alarm, note="已派人")
        services.alarm_clear(actor=site.operator, alarm=alarm, note="误报")
        alarm.refresh_from_db()
        assert alarm.status == AlarmStatus.CLEARED
        assert alarm.acknowledged_by == site.ioc and alarm.acknowledged_at
        assert alarm.cleared_by == site.operator and alarm.cleared_at
        assert kinds(alarm)[-2:] == ["acknowledged", "cleared"]
        with pytest.raises(Conflict):
            services.alarm_acknowledge(actor=site.ioc, alarm=alarm)

    def test_a_new_alarm_after_clearing(self, site):
        first = services.alarm_raise(
            park=site.park, source="s", dedupe_key="k", severity="minor", title="a"
        )
        services.alarm_clear(actor=site.ioc, alarm=first)
        second = services.alarm_raise(
            park=site.park, source="s", dedupe_key="k", severity="minor", title="a"
        )
        assert second.pk != first.pk and second.count == 1

    def test_comments_and_assignee(self, site):
        alarm = services.alarm_raise(
            park=site.park, source="s", dedupe_key="k", severity="minor", title="a"
        )
        services.alarm_comment(actor=site.ioc, alarm=alarm, text="现场确认中")
        services.alarm_assign(actor=site.ioc, alarm=alarm, assignee=site.operator)
        alarm.refresh_from_db()
        assert alarm.assignee == site.operator
        assert AlarmEvent.objects.filter(alarm=alarm, kind="commented", note="现场确认中").exists()

    def test_outsiders_cannot_act(self, site):
        from django.core.exceptions import PermissionDenied

        alarm = services.alarm_raise(
            park=site.park, source="s", dedupe_key="k", severity="minor", title="a"
        )
        for user in (site.outsider_ioc, site.tenant, site.technician):
            with pytest.raises(PermissionDenied):
                services.alarm_acknowledge(actor=user, alarm=alarm)

    def test_on_duty_operators_are_notified_and_it_is_logged(
        self, site, django_capture_on_commit_callbacks
    ):
        with django_capture_on_commit_callbacks(execute=True):
            alarm = services.alarm_raise(
                park=site.park, source="s", dedupe_key="k", severity="major", title="机房高温"
            )
        notified = alarm.events.filter(kind="notified")
        assert [e.data["user"] for e in notified] == [str(site.ioc.pk)]
        try:
            from parkos.approvals.models import Notification
        except ImportError:
            return
        assert Notification.objects.filter(user=site.ioc, title__contains="机房高温").exists()


@pytest.mark.django_db
class TestExternalDoor:
    def test_one_open_alarm_per_source_and_key(self, site):
        first = services.alarm_raise_external(
            source="crowd",
            key="area-1",
            park=site.park,
            severity="warning",
            title="客流预警",
            message="80%",
        )
        again = services.alarm_raise_external(
            source="crowd",
            key="area-1",
            park=site.park,
            severity="warning",
            title="客流预警",
            message="95%",
        )
        assert again.pk == first.pk and again.count == 2 and again.message == "95%"
        cleared = services.alarm_clear_external(source="crowd", key="area-1", note="回落")
        assert cleared.status == "cleared"
        assert services.alarm_clear_external(source="crowd", key="area-1") is None
