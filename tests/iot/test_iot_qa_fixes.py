"""What the QA review of the operations center found, each pinned: alarm tickets with the
alarm source, no 500 on a bad parameter, a fair energy profile, alarm text in the reader's
language with metric names, rate rules that ignore noise, and readable charts and floors."""

import json
import random
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone, translation

from parkos.iot import services, storage
from parkos.iot.credentials import identity_for_device
from parkos.iot.energy import meter_figures
from parkos.iot.ingest import Reading, telemetry_ingest
from parkos.iot.models import Alarm, LatestValue

T0 = datetime(2026, 7, 1, 10, 0, tzinfo=UTC)
SHANGHAI = ZoneInfo("Asia/Shanghai")


def send(device, at, **values):
    body = json.dumps({"ts": int(at.timestamp() * 1000), "values": values}).encode()
    telemetry_ingest(
        items=[(identity_for_device(device.id), body)],
        channel="test",
        now=T0 + timedelta(days=1),
    )


def _page(client, user, url, language):
    user.language = language
    user.save(update_fields=["language"])
    client.force_login(user)
    with translation.override(language):
        return client.get(url, HTTP_ACCEPT_LANGUAGE=language)


def _above(site, type_code, name, key, high, **extra):
    """A critical threshold rule: `key` above `high` on every device of the type."""
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


# 1. The ticket an alarm opens says it came from an alarm.


@pytest.mark.django_db
def test_alarm_ticket_has_the_alarm_source(site, make_device):
    from parkos.parks.models import Zone
    from parkos.property.models import PropertyCompany, Ticket, TicketSource

    zone = Zone.objects.create(park=site.park, name="A区")
    PropertyCompany.objects.create(park=site.park, zone=zone, name="园区物业")
    rule = _above(
        site,
        "smoke",
        "烟雾报警",
        "smoke",
        0.5,
        opens_ticket=True,
        ticket_category="fire_safety",
        ticket_priority="urgent",
    )
    device, _ = make_device("smoke")
    alarm = services.alarm_raise(
        park=site.park,
        source="rule",
        dedupe_key="k",
        severity="critical",
        title="烟感",
        message="smoke",
        device=device,
        rule=rule,
    )
    ticket = Ticket.objects.get(source_ref=str(alarm.id))
    assert ticket.source == TicketSource.ALARM == "alarm"


# 2. Bad parameters are refused with a message, never a 500.


@pytest.mark.django_db
@pytest.mark.parametrize("hours", ["abc", "1.5"])
def test_series_with_bad_hours_is_a_400(client, site, make_device, hours):
    device, _ = make_device("climate")
    client.force_login(site.ioc)
    response = client.get(f"/iot/devices/{device.id}/series/?hours={hours}")
    assert response.status_code == 400
    assert response.json()["fields"]["hours"]


@pytest.mark.django_db
def test_series_with_good_hours(client, site, make_device):
    device, _ = make_device("climate")
    client.force_login(site.ioc)
    assert client.get(f"/iot/devices/{device.id}/series/?hours=6").status_code == 200


# 3. Energy: today so far against the same elapsed time of earlier days.


def _office_day_profile(now):
    """Hourly consumption of a meter with a busy 08:00 hour, for the past 15 days and today
    up to `now` (the current hour only partly over, as a register read at `now` is)."""
    midnight = now.replace(hour=0, minute=0, second=0, microsecond=0)
    hourly = {}
    for day in range(15, -1, -1):
        for hour in range(24):
            ts = midnight - timedelta(days=day) + timedelta(hours=hour)
            if ts > now:
                break
            kwh = 32.0 if 8 <= hour < 19 else 7.0
            if ts + timedelta(hours=1) > now:
                kwh *= (now - ts) / timedelta(hours=1)
            hourly[ts.astimezone(UTC)] = kwh
    return hourly


@pytest.mark.django_db
def test_an_ordinary_morning_is_not_unusual():
    now = datetime(2026, 11, 23, 8, 40, tzinfo=SHANGHAI)
    with timezone.override(SHANGHAI):
        figures = meter_figures(hourly=_office_day_profile(now), daily={}, last_year={}, now=now)
    assert figures["departure"] == 0
    assert figures["unusual"] is False
    assert figures["yesterday_same_time"] == figures["today"]


@pytest.mark.django_db
def test_departure_is_a_percentage():
    now = datetime(2026, 11, 23, 8, 40, tzinfo=SHANGHAI)
    hourly = _office_day_profile(now)
    midnight = now.replace(hour=0, minute=0)
    for ts in list(hourly):
        if ts >= midnight:
            hourly[ts] *= 0.5
    with timezone.override(SHANGHAI):
        figures = meter_figures(hourly=hourly, daily={}, last_year={}, now=now)
    assert figures["departure"] == -50
    assert figures["unusual"] is True


def test_energy_page_shows_the_departure_as_a_percent():
    from django.template.loader import render_to_string

    meter = {"device": "电表", "departure": -30, "unusual": True}
    report = {"buildings": [{"building": None, "meters": [meter], "totals": {}}]}
    with translation.override("en"):
        page = render_to_string("iot/energy.html", {"report": report, "park": {"id": 1}})
    assert "-30% from usual" in page


@pytest.mark.django_db
def test_simulator_carries_registers_on_from_the_last_reading(site, make_device):
    from parkos.iot.simulator import reading, simulated_devices

    device, _ = make_device("energy")
    storage.latest_values_upsert([Reading(device.id, "energy", T0, 23_456.7, None)])
    simulated = next(d for d in simulated_devices("pujiang") if d.id == str(device.id))
    now = datetime(2026, 7, 1, 12, 0)
    assert reading(simulated, now, random.Random(1), 0)["energy"] >= 23_456.7


# 4. Alarm text in the reader's language, with the metric's name and unit.


@pytest.fixture
def hot_room(site, make_device):
    _above(site, "climate", "机房高温", "temperature", 35)
    device, _ = make_device("climate")
    send(device, T0, temperature=38.8)
    return Alarm.objects.get()


@pytest.mark.django_db
def test_rule_alarm_message_is_shown_in_the_readers_language(client, site, hot_room):
    with translation.override("en"):
        assert hot_room.message_text == "temperature is 38.8°C, above 35.0°C"
    with translation.override("zh-hans"):
        assert hot_room.message_text == "温度为 38.8°C，高于 35.0°C"
    english = _page(client, site.ioc, f"/iot/alarms/{hot_room.id}/", "en").content.decode()
    chinese = _page(client, site.ioc, f"/iot/alarms/{hot_room.id}/", "zh-hans").content.decode()
    assert "temperature is 38.8°C" in english
    assert "温度为 38.8°C" in chinese
    # The raise event in the history is worded for the reader too.
    assert chinese.count("温度为 38.8°C") >= 2


@pytest.mark.django_db
def test_boolean_keys_read_yes_or_no(site, make_device):
    _above(site, "smoke", "烟雾报警", "smoke", 0.5)
    device, _ = make_device("smoke")
    send(device, T0, smoke=True)
    alarm = Alarm.objects.get()
    with translation.override("zh-hans"):
        assert alarm.message_text == "烟雾：是"
    with translation.override("en"):
        assert alarm.message_text == "smoke: yes"


@pytest.mark.django_db
def test_text_stored_before_keeps_showing(site):
    alarm = services.alarm_raise(
        park=site.park,
        source="rule",
        dedupe_key="old",
        severity="minor",
        title="旧告警",
        message="pm25 为 88μg/m³，高于 75",
    )
    with translation.override("en"):
        assert alarm.message_text == "pm25 为 88μg/m³，高于 75"
        assert alarm.title_text == "旧告警"


@pytest.mark.django_db
def test_auto_clear_note_is_translated_when_shown(site, make_device):
    _above(site, "climate", "机房高温", "temperature", 35, auto_clear=True)
    device, _ = make_device("climate")
    send(device, T0, temperature=38)
    send(device, T0 + timedelta(minutes=1), temperature=20)
    cleared = Alarm.objects.get().events.get(kind="cleared")
    with translation.override("en"):
        assert cleared.note_text == "The condition no longer holds."
    with translation.override("zh-hans"):
        assert cleared.note_text == "告警条件已不再满足。"


# 7. Rate rules measure over a minute, so noise between close readings is not a surge.


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
        send(device, T0 + timedelta(seconds=5 * step), flow=round(2 + rng.gauss(0, 0.1), 2))
    assert Alarm.objects.count() == 0


@pytest.mark.django_db
def test_a_real_surge_over_a_minute_is_raised(make_device, surge_rule):
    device, _ = make_device("water")
    for step in range(13):
        send(device, T0 + timedelta(seconds=5 * step), flow=2.0)
    for step in range(13, 26):
        send(device, T0 + timedelta(seconds=5 * step), flow=6.0)
    alarm = Alarm.objects.get()
    with translation.override("zh-hans"):
        assert alarm.message_text.startswith("流量每分钟变化 4.0m³/h")


# 6, 8. Charts and floor views.


@pytest.mark.django_db
def test_chart_title_names_the_metric(client, site, make_device):
    device, _ = make_device("climate")
    send(device, timezone.now() - timedelta(minutes=5), temperature=22)
    page = _page(client, site.ioc, f"/iot/?device={device.id}", "zh-hans").content.decode()
    assert "温度 (°C)" in page
    assert "· temperature" not in page


@pytest.mark.django_db
def test_parking_sensor_chart_says_there_is_nothing_to_draw(client, site, make_device):
    device, _ = make_device("parking")
    page = _page(client, site.ioc, f"/iot/?device={device.id}", "en").content.decode()
    assert 'data-testid="chart-empty"' in page
    assert 'id="ioc-device-chart"' not in page


@pytest.mark.django_db
def test_floor_view_has_a_legend_and_no_stray_dot(client, site, make_device):
    make_device("climate")
    page = _page(client, site.ioc, f"/iot/buildings/{site.building.id}/", "en").content.decode()
    assert 'data-testid="floor-legend"' in page
    assert "1 device</small>" in page
    assert "· </small>" not in page
    assert LatestValue.objects.count() == 0
