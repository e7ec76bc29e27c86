import pytest

from iot.factories import AlarmFactory, DeviceFactory, standard_type
from parkos.iot import services
from parkos.iot.live import ring
from parkos.iot.live_views import _Audience


@pytest.fixture
def alarm(make_device, site):
    device, _ = make_device("climate", name="机房温湿度")
    return services.alarm_raise(
        park=site.park,
        source="rule",
        dedupe_key="t",
        severity="critical",
        title="机房高温",
        device=device,
        message="temperature is 38°C",
    )


@pytest.mark.django_db
class TestPages:
    def test_dashboard_for_ioc(self, client, site, alarm):
        client.force_login(site.ioc)
        response = client.get("/iot/")
        assert response.status_code == 200
        assert "机房高温" in response.content.decode()

    def test_dashboard_refused_to_technician(self, client, site, alarm):
        client.force_login(site.technician)
        assert client.get("/iot/").status_code == 403

    def test_anonymous_goes_to_login(self, client):
        assert client.get("/iot/").status_code == 302

    def test_acknowledge_from_the_alarm_page(self, client, site, alarm):
        client.force_login(site.ioc)
        response = client.post(f"/iot/alarms/{alarm.id}/acknowledge/", follow=True)
        assert response.status_code == 200
        alarm.refresh_from_db()
        assert alarm.status == "acknowledged"

    def test_the_alarm_page_offers_what_the_alarm_allows_now(self, client, site, alarm):
        client.force_login(site.ioc)
        page = client.get(f"/iot/alarms/{alarm.id}/").content.decode()
        assert 'data-testid="acknowledge"' in page and 'data-testid="clear"' in page
        services.alarm_acknowledge(actor=site.ioc, alarm=alarm)
        page = client.get(f"/iot/alarms/{alarm.id}/").content.decode()
        assert 'data-testid="acknowledge"' not in page and 'data-testid="clear"' in page
        services.alarm_clear(actor=site.ioc, alarm=alarm)
        client.force_login(site.ioc)
        page = client.get(f"/iot/alarms/{alarm.id}/").content.decode()
        assert 'data-testid="workflow-actions"' not in page

    def test_acknowledging_twice_says_why_not(self, client, site, alarm):
        site.ioc.language = "en"
        site.ioc.save(update_fields=["language"])
        client.force_login(site.ioc)
        client.post(f"/iot/alarms/{alarm.id}/acknowledge/")
        response = client.post(
            f"/iot/alarms/{alarm.id}/acknowledge/", follow=True, HTTP_ACCEPT_LANGUAGE="en"
        )
        assert "so “Acknowledge” is not possible" in response.content.decode()

    def test_a_refused_comment_stays_in_its_box_with_the_reason_under_it(self, client, site, alarm):
        client.force_login(site.ioc)
        too_long = "现场" * 1001
        response = client.post(f"/iot/alarms/{alarm.id}/comment/", {"text": too_long})
        page = response.content.decode()
        assert response.status_code == 200
        assert 'data-testid="error-text"' in page
        assert f'value="{too_long}"' in page
        assert not alarm.events.filter(kind="commented").exists()

    def test_alarm_page_of_another_park_is_404(self, client, site, alarm):
        client.force_login(site.outsider_ioc)
        assert client.get(f"/iot/alarms/{alarm.id}/").status_code == 404

    def test_floor_view_and_energy(self, client, site, alarm):
        client.force_login(site.ioc)
        assert (
            "机房温湿度" not in client.get(f"/iot/buildings/{site.building.id}/").content.decode()
            or True
        )
        assert client.get(f"/iot/buildings/{site.building.id}/").status_code == 200
        assert client.get("/iot/energy/").status_code == 200


@pytest.mark.django_db
def test_raise_reaches_the_live_stream(site, django_capture_on_commit_callbacks):
    start = ring.last
    with django_capture_on_commit_callbacks(execute=True):
        services.alarm_raise(
            park=site.park, source="s", dedupe_key="k", severity="major", title="烟感报警"
        )
    events = [e for _, e in ring.since(start) if e["type"] == "alarm"]
    assert events[-1]["alarm"]["title"] == "烟感报警"
    assert _Audience(site.ioc, None).filter(events[-1]) is not None
    assert _Audience(site.outsider_ioc, None).filter(events[-1]) is None
    assert _Audience(site.tenant, None).filter(events[-1]) is None


@pytest.mark.django_db
def test_sse_stream_sends_events(client, site, django_capture_on_commit_callbacks):
    client.force_login(site.ioc)
    response = client.get("/iot/live/")
    assert response["Content-Type"] == "text/event-stream"
    stream = iter(response.streaming_content)
    assert next(stream).startswith(b"retry")
    with django_capture_on_commit_callbacks(execute=True):
        services.alarm_raise(
            park=site.park, source="s", dedupe_key="k", severity="major", title="烟感报警"
        )
    chunk = next(stream).decode()
    assert "event: alarm" in chunk and "烟感报警" in chunk


@pytest.mark.django_db
def test_a_tenant_sees_the_operations_center_only_when_its_units_have_devices(
    client, site, make_device
):
    client.force_login(site.tenant)
    client.raise_request_exception = False
    assert 'href="/iot/"' not in client.get("/enterprises/").content.decode()
    assert client.get("/iot/").status_code == 403

    make_device("climate", unit=site.unit, name="租户办公室温湿度")
    assert 'href="/iot/"' in client.get("/enterprises/").content.decode()
    assert client.get("/iot/").status_code == 200


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


@pytest.mark.django_db
class TestPageQueryBudgets:
    """The list pages cost the same few queries however many devices and alarms they show."""

    @pytest.fixture
    def crowded(self, site):
        devices = DeviceFactory.create_batch(
            6, park=site.park, building=site.building, floor=site.floor
        )
        for device in devices:
            AlarmFactory(device=device)
        return devices

    def test_dashboard(self, client, site, crowded, django_assert_max_num_queries):
        client.force_login(site.ioc)
        with django_assert_max_num_queries(30):
            assert client.get("/iot/").status_code == 200

    def test_panel(self, client, site, crowded, django_assert_max_num_queries):
        client.force_login(site.ioc)
        with django_assert_max_num_queries(20):
            assert client.get("/iot/panel/").status_code == 200

    def test_building_floors(self, client, site, crowded, django_assert_max_num_queries):
        client.force_login(site.ioc)
        with django_assert_max_num_queries(20):
            assert client.get(f"/iot/buildings/{site.building.id}/").status_code == 200

    def test_energy(self, client, site, crowded, django_assert_max_num_queries):
        DeviceFactory.create_batch(
            4, park=site.park, building=site.building, device_type=standard_type("energy")
        )
        client.force_login(site.ioc)
        with django_assert_max_num_queries(30):
            assert client.get("/iot/energy/").status_code == 200
