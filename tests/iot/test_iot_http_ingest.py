import json
from datetime import UTC, datetime, timedelta

import pytest

from parkos.iot import selectors, services
from parkos.iot.models import IngestCount, LatestValue, Telemetry


def post(client, token, payload, path="telemetry"):
    body = payload if isinstance(payload, (bytes, str)) else json.dumps(payload)
    return client.post(f"/api/v1/{token}/{path}", body, content_type="application/json")


def counts(channel="http"):
    return {c.outcome: c.count for c in IngestCount.objects.filter(channel=channel)}


def ms(dt):
    return int(dt.timestamp() * 1000)


@pytest.mark.django_db
class TestPayloads:
    def test_plain_values_are_stored_with_the_server_time(self, client, make_device):
        device, token = make_device("climate")
        response = post(client, token, {"temperature": 23.5, "humidity": 40})
        assert response.status_code == 200
        assert response.json()["stored"] == 2
        values = {t.key: t.value for t in Telemetry.objects.filter(device_id=device.id)}
        assert values == {"temperature": 23.5, "humidity": 40.0}
        device.refresh_from_db()
        assert device.is_online()

    def test_timestamped_and_list_payloads(self, client, make_device):
        device, token = make_device("climate")
        now = datetime.now(UTC).replace(microsecond=0)
        payload = [
            {"ts": ms(now - timedelta(minutes=2)), "values": {"temperature": 20}},
            {"ts": ms(now - timedelta(minutes=1)), "values": {"temperature": 21}},
            {"humidity": 55},
        ]
        assert post(client, token, payload).json()["stored"] == 3
        latest = {v.key: v.value for v in LatestValue.objects.filter(device_id=device.id)}
        assert latest == {"temperature": 21.0, "humidity": 55.0}

    def test_a_reading_sent_twice_is_stored_once(self, client, make_device):
        device, token = make_device("climate")
        payload = {"ts": ms(datetime.now(UTC)), "values": {"temperature": 22}}
        post(client, token, payload)
        assert post(client, token, payload).json() == {"stored": 0, "duplicates": 1, "rejected": 0}
        assert Telemetry.objects.filter(device_id=device.id).count() == 1
        assert counts()["duplicate"] == 1

    def test_older_reading_does_not_replace_the_latest_value(self, client, make_device):
        device, token = make_device("climate")
        now = datetime.now(UTC)
        post(client, token, {"ts": ms(now), "values": {"temperature": 30}})
        post(client, token, {"ts": ms(now - timedelta(hours=1)), "values": {"temperature": 10}})
        assert LatestValue.objects.get(device_id=device.id, key="temperature").value == 30

    def test_attributes_are_merged(self, client, make_device):
        device, token = make_device("climate")
        post(client, token, {"firmware": "1.2.0"}, path="attributes")
        post(client, token, {"model": "TH-10"}, path="attributes")
        device.refresh_from_db()
        assert device.attributes == {"firmware": "1.2.0", "model": "TH-10"}


@pytest.mark.django_db
class TestBadInput:
    def test_unknown_token_is_refused_and_nothing_stored(self, client, make_device):
        make_device("climate")
        response = post(client, "not-a-token", {"temperature": 20})
        assert response.status_code == 401
        assert Telemetry.objects.count() == 0
        assert counts()["rejected_unknown_token"] == 1

    def test_revoked_and_rotated_tokens_are_refused(self, client, make_device, site):
        device, token = make_device("climate")
        _, new_token = services.credential_issue(actor=site.ioc, device=device)
        assert post(client, token, {"temperature": 20}).status_code == 401
        assert post(client, new_token, {"temperature": 20}).status_code == 200
        services.credential_revoke(actor=site.ioc, device=device)
        assert post(client, new_token, {"temperature": 21}).status_code == 401
        assert Telemetry.objects.count() == 1

    def test_malformed_json(self, client, make_device):
        _, token = make_device("climate")
        assert post(client, token, b"{not json").status_code == 400
        assert post(client, token, b"[1, 2]").status_code == 400
        assert Telemetry.objects.count() == 0
        assert counts()["rejected_malformed"] == 2

    def test_non_numeric_value_is_rejected_for_that_key_only(self, client, make_device):
        _, token = make_device("climate")
        response = post(client, token, {"temperature": "hot", "humidity": "41.5"})
        assert response.json() == {"stored": 1, "duplicates": 0, "rejected": 1}
        assert list(Telemetry.objects.values_list("key", "value")) == [("humidity", 41.5)]
        assert counts()["rejected_bad_value"] == 1

    def test_timestamps_in_the_far_future_or_before_2000(self, client, make_device):
        _, token = make_device("climate")
        future = ms(datetime.now(UTC) + timedelta(days=2))
        response = post(
            client,
            token,
            [
                {"ts": future, "values": {"temperature": 20}},
                {"ts": ms(datetime(1999, 12, 31, tzinfo=UTC)), "values": {"temperature": 20}},
                {"ts": "yesterday", "values": {"temperature": 20}},
            ],
        )
        assert response.json()["stored"] == 0
        assert Telemetry.objects.count() == 0
        assert {k: v for k, v in counts().items() if k.startswith("rejected")} == {
            "rejected_future": 1,
            "rejected_too_old": 1,
            "rejected_bad_timestamp": 1,
        }

    def test_payload_over_64_kb(self, client, make_device):
        _, token = make_device("climate")
        huge = json.dumps({f"k{i}": i for i in range(8000)})
        assert len(huge) > 64 * 1024
        assert post(client, token, huge).status_code == 413
        assert Telemetry.objects.count() == 0
        assert counts()["rejected_too_large"] == 1

    def test_get_is_not_allowed(self, client, make_device):
        _, token = make_device("climate")
        assert client.get(f"/api/v1/{token}/telemetry").status_code == 405


@pytest.mark.django_db
def test_downsampled_series_per_bucket(make_device):
    from parkos.iot.credentials import identity_for_device
    from parkos.iot.ingest import telemetry_ingest

    device, _ = make_device("energy")
    identity = identity_for_device(device.id)
    start = datetime.now(UTC).replace(minute=0, second=0, microsecond=0) - timedelta(hours=3)
    payload = [{"ts": ms(start + timedelta(minutes=m)), "values": {"power": m}} for m in range(120)]
    telemetry_ingest(items=[(identity, json.dumps(payload).encode())], channel="test")
    series = selectors.telemetry_series(
        device_ids=[device.id],
        key="power",
        start=start,
        end=start + timedelta(hours=2),
        bucket=3600,
    )[device.id]
    assert [(b["min"], b["max"], b["last"], b["count"]) for b in series] == [
        (0, 59, 59, 60),
        (60, 119, 119, 60),
    ]
    assert series[0]["avg"] == pytest.approx(29.5)
    raw = selectors.telemetry_series(
        device_ids=[device.id], key="power", start=start, end=start + timedelta(minutes=5)
    )[device.id]
    assert [value for _, value in raw] == [0, 1, 2, 3, 4]
