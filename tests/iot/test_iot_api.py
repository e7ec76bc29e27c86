import json

import pytest

from iot.factories import AlarmFactory, AlarmRuleFactory, DeviceFactory
from parkos.iot import services


def login(client, user):
    client.force_login(user)
    return client


@pytest.fixture
def devices(make_device, site):
    park_device, _ = make_device("climate", name="机房温湿度")
    tenant_device, _ = make_device("energy", name="租户电表", unit=site.unit)
    other_tenant_device, _ = make_device("energy", name="别家电表", unit=site.other_unit)
    return park_device, tenant_device, other_tenant_device


@pytest.fixture
def alarm(devices, site):
    return services.alarm_raise(
        park=site.park,
        source="rule",
        dedupe_key="t",
        severity="critical",
        title="机房高温",
        device=devices[0],
    )


@pytest.mark.django_db
class TestPermissionMatrix:
    def test_anonymous_is_401(self, client, alarm):
        for url in ("/api/iot/devices", "/api/iot/alarms", f"/api/iot/alarms/{alarm.id}"):
            assert client.get(url).status_code == 401

    def test_ioc_sees_the_parks_devices(self, client, site, devices, django_assert_max_num_queries):
        login(client, site.ioc)
        with django_assert_max_num_queries(8):
            body = client.get("/api/iot/devices").json()
        assert body["count"] == 3

    def test_tenant_sees_only_devices_in_its_units(self, client, site, devices):
        login(client, site.tenant)
        body = client.get("/api/iot/devices").json()
        assert [d["name"] for d in body["items"]] == ["租户电表"]
        assert client.get(f"/api/iot/devices/{devices[0].id}").status_code == 404
        assert client.get(f"/api/iot/devices/{devices[2].id}").status_code == 404
        assert client.get(f"/api/iot/devices/{devices[1].id}").status_code == 200

    def test_other_parks_operator_gets_404(self, client, site, alarm):
        login(client, site.outsider_ioc)
        assert client.get(f"/api/iot/alarms/{alarm.id}").status_code == 404
        assert (
            client.post(
                f"/api/iot/alarms/{alarm.id}/acknowledge", {}, content_type="application/json"
            ).status_code
            == 404
        )
        assert client.get("/api/iot/alarms").json()["count"] == 0

    def test_tenant_cannot_see_park_alarms(self, client, site, alarm):
        login(client, site.tenant)
        assert client.get(f"/api/iot/alarms/{alarm.id}").status_code == 404

    def test_wrong_role_is_403(self, client, site, devices):
        login(client, site.tenant)
        response = client.post(
            f"/api/iot/devices/{devices[1].id}/credentials", content_type="application/json"
        )
        assert response.status_code == 403
        assert client.get("/api/iot/rules").status_code == 403
        assert client.get("/api/iot/metrics").status_code == 403

    def test_ioc_acknowledges_and_clears(self, client, site, alarm, django_assert_max_num_queries):
        login(client, site.ioc)
        with django_assert_max_num_queries(8):
            assert client.get("/api/iot/alarms?open=true").json()["count"] == 1
        assert client.get(f"/api/iot/alarms/{alarm.id}").json()["actions"] == [
            "acknowledge",
            "clear",
        ]
        body = client.post(
            f"/api/iot/alarms/{alarm.id}/acknowledge",
            {"note": "收到"},
            content_type="application/json",
        ).json()
        assert body["status"] == "acknowledged" and body["acknowledged_by"] == site.ioc.username
        assert body["actions"] == ["clear"]
        again = client.post(
            f"/api/iot/alarms/{alarm.id}/acknowledge", {}, content_type="application/json"
        )
        assert again.status_code == 409
        assert again.json()["code"] == "illegal_transition"
        assert "action" in again.json()["fields"]
        body = client.post(
            f"/api/iot/alarms/{alarm.id}/clear", {}, content_type="application/json"
        ).json()
        assert body["status"] == "cleared" and body["actions"] == []
        assert [e["kind"] for e in body["history"]][-2:] == ["acknowledged", "cleared"]

    def test_a_tenant_reads_its_devices_alarm_but_may_do_nothing_with_it(
        self, client, site, devices
    ):
        alarm = services.alarm_raise(
            park=site.park,
            source="rule",
            dedupe_key="tenant",
            severity="minor",
            title="电表离线",
            device=devices[1],
        )
        login(client, site.tenant)
        body = client.get(f"/api/iot/alarms/{alarm.id}").json()
        assert body["title"] == "电表离线" and body["actions"] == []


@pytest.mark.django_db
class TestQueryBudgets:
    """Each list costs the same few queries however many rows it holds."""

    def test_device_list(self, client, site, django_assert_max_num_queries):
        DeviceFactory.create_batch(6, park=site.park, building=site.building)
        login(client, site.ioc)
        with django_assert_max_num_queries(8):
            assert client.get("/api/iot/devices").json()["count"] == 6

    def test_alarm_list(self, client, site, django_assert_max_num_queries):
        for alarm in AlarmFactory.create_batch(6, device__park=site.park):
            alarm.acknowledged_by = site.ioc
            alarm.assignee = site.operator
            alarm.save(update_fields=["acknowledged_by", "assignee"])
        login(client, site.ioc)
        with django_assert_max_num_queries(8):
            assert client.get("/api/iot/alarms").json()["count"] == 6

    def test_rule_list(self, client, site, django_assert_max_num_queries):
        AlarmRuleFactory.create_batch(3, park=site.park)
        AlarmRuleFactory.create_batch(3, park=site.park, device=DeviceFactory(park=site.park))
        login(client, site.ioc)
        with django_assert_max_num_queries(8):
            assert client.get("/api/iot/rules").json()["count"] == 6


@pytest.mark.django_db
def test_register_rotate_and_query_telemetry(client, site):
    login(client, site.ioc)
    response = client.post(
        "/api/iot/devices",
        {
            "park": str(site.park.id),
            "type": "climate",
            "serial": "TH-001",
            "name": "大堂温湿度",
            "building": str(site.building.id),
            "floor": str(site.floor.id),
        },
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    device_id = response.json()["id"]
    token = client.post(f"/api/iot/devices/{device_id}/credentials").json()["token"]
    client.post(
        f"/api/v1/{token}/telemetry",
        json.dumps({"temperature": 21.5}),
        content_type="application/json",
    )
    series = client.get(f"/api/iot/devices/{device_id}/telemetry?key=temperature").json()
    assert [p["value"] for p in series["points"]] == [21.5]
    bucketed = client.get(
        f"/api/iot/devices/{device_id}/telemetry?key=temperature&bucket=300"
    ).json()
    assert bucketed["points"][0]["avg"] == 21.5
    detail = client.get(f"/api/iot/devices/{device_id}").json()
    assert detail["online"] is True and detail["latest"][0]["value"] == 21.5
    bad = client.get(f"/api/iot/devices/{device_id}/telemetry?key=temperature&bucket=5")
    assert bad.status_code == 422 and "bucket" in bad.json()["fields"]


@pytest.mark.django_db
def test_duplicate_serial_names_the_field(client, site, make_device):
    make_device("climate", serial="DUP-1")
    login(client, site.ioc)
    response = client.post(
        "/api/iot/devices",
        {"park": str(site.park.id), "type": "climate", "serial": "DUP-1"},
        content_type="application/json",
    )
    assert response.status_code == 422 and "serial" in response.json()["fields"]


@pytest.mark.django_db
def test_csv_bulk_registration_is_all_or_nothing(client, site):
    from django.core.files.uploadedfile import SimpleUploadedFile

    login(client, site.ioc)
    good = f"serial,name,type,building,floor,x,y,gateway\nGW-1,网关,gateway,,,10,10,\nTH-9,温湿度,climate,{site.building.name},3,20,30,GW-1\n"
    bad = good + "X-1,坏行,nonsense,,,1,1,\n"
    response = client.post(
        "/api/iot/devices/import",
        {"park": str(site.park.id), "file": SimpleUploadedFile("d.csv", bad.encode())},
    )
    assert response.status_code == 422 and "row 4" in response.json()["fields"]
    assert client.get("/api/iot/devices").json()["count"] == 0
    response = client.post(
        "/api/iot/devices/import",
        {"park": str(site.park.id), "file": SimpleUploadedFile("d.csv", good.encode())},
    )
    assert response.status_code == 201 and response.json()["created"] == 2
    child = client.get("/api/iot/devices?q=TH-9").json()["items"][0]
    assert child["gateway"] is not None and child["floor"] == str(site.floor.id)


@pytest.mark.django_db
def test_rule_validation_names_the_field(client, site):
    login(client, site.ioc)
    response = client.post(
        "/api/iot/rules",
        {
            "park": str(site.park.id),
            "name": "高温",
            "kind": "threshold",
            "device_type": "climate",
            "key": "temperature",
            "comparison": "above",
            "severity": "major",
        },
        content_type="application/json",
    )
    assert response.status_code == 422 and "comparison" in response.json()["fields"]
    response = client.post(
        "/api/iot/rules",
        {
            "park": str(site.park.id),
            "name": "高温",
            "kind": "threshold",
            "device_type": "climate",
            "key": "temperature",
            "comparison": "above",
            "high": 35,
            "duration": 300,
            "severity": "major",
        },
        content_type="application/json",
    )
    assert response.status_code == 201
    assert client.get("/api/iot/rules").json()["count"] == 1
    login(client, site.outsider_ioc)
    assert client.get("/api/iot/rules").json()["count"] == 0


@pytest.mark.parametrize("field", ["auto_clear", "enabled", "name", "severity"])
def test_a_patch_with_null_for_a_field_a_rule_needs_names_the_field(client, site, field):
    rule = AlarmRuleFactory(park=site.park)
    login(client, site.ioc)
    response = client.patch(
        f"/api/iot/rules/{rule.id}", {field: None}, content_type="application/json"
    )
    assert response.status_code == 422
    assert list(response.json()["fields"]) == [field]
    response = client.patch(
        f"/api/iot/rules/{rule.id}", {"low": None}, content_type="application/json"
    )
    assert response.status_code == 200 and response.json()["low"] is None
