"""Alarm rules (rules.py): thresholds held for a duration, rates of change measured over a
minute, combinations, silence; and the alarm texts they write, worded in the reader's language
with the metric's name and unit."""

import random
from datetime import UTC, datetime, timedelta

import pytest
from django.utils import translation

from iot.factories import T0, reading_send, threshold_rule
from parkos.iot import services
from parkos.iot.models import Alarm
from parkos.iot.rules import rules_silence_check


def kinds(alarm):
    return list(alarm.events.values_list("kind", flat=True))


def page_as(client, user, url, language):
    user.language = language
    user.save(update_fields=["language"])
    client.force_login(user)
    with translation.override(language):
        return client.get(url, HTTP_ACCEPT_LANGUAGE=language)


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
        reading_send(device, T0, temperature=36)
        reading_send(device, T0 + timedelta(minutes=4), temperature=37)
        assert Alarm.objects.count() == 0
        reading_send(device, T0 + timedelta(minutes=5), temperature=38)
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
        reading_send(device, T0, temperature=36)
        reading_send(device, T0 + timedelta(minutes=3), temperature=30)
        reading_send(device, T0 + timedelta(minutes=6), temperature=36)
        assert Alarm.objects.count() == 0

    def test_repeat_raises_the_count_of_the_open_alarm(self, make_device, hot_room_rule):
        device, _ = make_device("climate")
        for episode in range(2):
            start = T0 + timedelta(hours=episode)
            reading_send(device, start, temperature=36)
            reading_send(device, start + timedelta(minutes=5), temperature=36)
            reading_send(device, start + timedelta(minutes=10), temperature=25)
        alarm = Alarm.objects.get()
        assert alarm.count == 2
        assert kinds(alarm).count("raised") == 1
        assert kinds(alarm).count("repeated") == 1

    def test_other_parks_devices_do_not_trip_the_rule(self, make_device, hot_room_rule, site):
        device, _ = make_device("climate", park=site.other_park)
        reading_send(device, T0, temperature=50)
        reading_send(device, T0 + timedelta(minutes=10), temperature=50)
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
    reading_send(device, T0, flow=1)
    reading_send(device, T0 + timedelta(minutes=1), flow=3)
    assert Alarm.objects.count() == 0
    reading_send(device, T0 + timedelta(minutes=2), flow=20)
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
    reading_send(device, T0, temperature=32, humidity=50)
    assert Alarm.objects.count() == 0
    reading_send(device, T0 + timedelta(minutes=1), humidity=85)
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
    reading_send(device, now - timedelta(hours=2), received=now, power=1)
    device.__class__.objects.filter(pk=device.pk).update(last_seen_at=now - timedelta(hours=1))
    assert rules_silence_check(now=now) == 1
    assert rules_silence_check(now=now + timedelta(minutes=1)) == 0
    alarm = Alarm.objects.get()
    assert alarm.status == "active"
    reading_send(device, now, received=now, power=2)
    alarm.refresh_from_db()
    assert alarm.status == "cleared"
    assert alarm.cleared_by is None


@pytest.fixture
def hot_room(site, make_device):
    threshold_rule(site, "climate", "机房高温", "temperature", 35)
    device, _ = make_device("climate")
    reading_send(device, T0, temperature=38.8)
    return Alarm.objects.get()


@pytest.mark.django_db
def test_rule_alarm_message_is_shown_in_the_readers_language(client, site, hot_room):
    with translation.override("en"):
        assert hot_room.message_text == "temperature is 38.8°C, above 35.0°C"
    with translation.override("zh-hans"):
        assert hot_room.message_text == "温度为 38.8°C，高于 35.0°C"
    english = page_as(client, site.ioc, f"/iot/alarms/{hot_room.id}/", "en").content.decode()
    chinese = page_as(client, site.ioc, f"/iot/alarms/{hot_room.id}/", "zh-hans").content.decode()
    assert "temperature is 38.8°C" in english
    assert "温度为 38.8°C" in chinese
    # The raise event in the history is worded for the reader too.
    assert chinese.count("温度为 38.8°C") >= 2


@pytest.mark.django_db
def test_boolean_keys_read_yes_or_no(site, make_device):
    threshold_rule(site, "smoke", "烟雾报警", "smoke", 0.5)
    device, _ = make_device("smoke")
    reading_send(device, T0, smoke=True)
    alarm = Alarm.objects.get()
    with translation.override("zh-hans"):
        assert alarm.message_text == "烟雾：是"
    with translation.override("en"):
        assert alarm.message_text == "smoke: yes"


@pytest.mark.django_db
def test_auto_clear_note_is_translated_when_shown(site, make_device):
    threshold_rule(site, "climate", "机房高温", "temperature", 35, auto_clear=True)
    device, _ = make_device("climate")
    reading_send(device, T0, temperature=38)
    reading_send(device, T0 + timedelta(minutes=1), temperature=20)
    cleared = Alarm.objects.get().events.get(kind="cleared")
    with translation.override("en"):
        assert cleared.note_text == "The condition no longer holds."
    with translation.override("zh-hans"):
        assert cleared.note_text == "告警条件已不再满足。"


@pytest.fixture
def surge_rule(site):
    return services.rule_create(
        actor=site.ioc,
        park=site.park,
        kind="rate",
        device_type=site.types["water"],
        name="用水突增",
        key="flow",
        rate_per_minute=1.5,
        severity="major",
    )


@pytest.mark.django_db
def test_noise_between_readings_seconds_apart_is_no_surge(make_device, surge_rule):
    device, _ = make_device("water")
    rng = random.Random(3)
    for step in range(60):
        reading_send(device, T0 + timedelta(seconds=5 * step), flow=round(2 + rng.gauss(0, 0.1), 2))
    assert Alarm.objects.count() == 0


@pytest.mark.django_db
def test_a_real_surge_over_a_minute_is_raised(make_device, surge_rule):
    device, _ = make_device("water")
    for step in range(13):
        reading_send(device, T0 + timedelta(seconds=5 * step), flow=2.0)
    for step in range(13, 26):
        reading_send(device, T0 + timedelta(seconds=5 * step), flow=6.0)
    alarm = Alarm.objects.get()
    with translation.override("zh-hans"):
        assert alarm.message_text.startswith("流量每分钟变化 4.0m³/h")
