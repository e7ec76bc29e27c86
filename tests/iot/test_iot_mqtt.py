"""MQTT ingestion through a real Mosquitto started with the project's configuration."""

import json
import shutil
import signal
import subprocess
import threading
import time
from datetime import UTC, datetime, timedelta

import pytest
from django.db import OperationalError

from conftest import free_port, port_open, require
from parkos.iot import services
from parkos.iot.broker import (
    BrokerGateError,
    broker_address,
    broker_files_prepare,
    device_topic,
    mqtt_client,
)
from parkos.iot.models import IngestCount, Telemetry
from parkos.iot.mqtt_worker import IngestWorker

pytestmark = [pytest.mark.mqtt, pytest.mark.django_db(transaction=True)]

NO_MATCHING_SUBSCRIBERS = 0x10


class Broker:
    def __init__(self, directory, gate=True):
        self.port = free_port()
        self.config = broker_files_prepare(
            data_dir=str(directory),
            port=self.port,
            admin="parkos-admin",
            password="admin-pw",
            gate=gate,
        )
        self.url = f"mqtt://parkos-admin:admin-pw@127.0.0.1:{self.port}"
        self.process = None

    def start(self):
        self.process = subprocess.Popen(
            ["mosquitto", "-c", str(self.config)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 10
        while not port_open("127.0.0.1", self.port):
            assert time.monotonic() < deadline, "mosquitto did not start"
            time.sleep(0.05)

    def stop(self):
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            self.process.wait(10)

    def restart(self):
        self.stop()
        self.start()


@pytest.fixture
def broker(request, tmp_path, settings):
    """The project's broker, with the ingest gate unless the test is parametrized with
    `broker` = False (a broker without it, as EMQX or a Mosquitto the gate cannot be
    built for)."""
    require(shutil.which("mosquitto") is not None, "mosquitto is not installed")
    gate = getattr(request, "param", True)
    try:
        broker = Broker(tmp_path / "mosquitto", gate=gate)
    except BrokerGateError as error:
        require(False, str(error))
    broker.start()
    settings.MQTT_URL = broker.url
    yield broker
    broker.stop()


@pytest.fixture
def worker_factory(broker):
    workers = []

    def make(name="1", cls=IngestWorker):
        worker = cls(url=broker.url, name=name, batch_wait=0.05).start()
        assert worker.connected.wait(10)
        workers.append(worker)
        return worker

    yield make
    for worker in workers:
        worker.stop()


class Device:
    """A device's own MQTT connection, logged in with its id and token."""

    def __init__(self, broker, device, token, client_id=None):
        self.device = device
        self.acked: list[int] = []
        # Answered "no matching subscribers" (0x10): accepted by the broker and dropped.
        self.unrouted: list[int] = []
        self.refused: list[int] = []
        self.lock = threading.Lock()
        address = broker_address(f"mqtt://{device.id}:{token}@127.0.0.1:{broker.port}")
        from paho.mqtt.packettypes import PacketTypes
        from paho.mqtt.properties import Properties

        self.client = mqtt_client(client_id=client_id or f"dev-{device.id}", address=address)
        self.client.max_queued_messages_set(0)
        self.client.max_inflight_messages_set(200)
        self.client.reconnect_delay_set(min_delay=0.1, max_delay=1)
        self.client.on_publish = self._on_publish
        self.connected = threading.Event()
        self.result = None

        def on_connect(client, userdata, flags, reason_code, properties):
            self.result = reason_code
            if not reason_code.is_failure:
                self.connected.set()

        self.client.on_connect = on_connect
        self.client.on_disconnect = lambda *args: self.connected.clear()
        properties = Properties(PacketTypes.CONNECT)
        properties.SessionExpiryInterval = 3600
        self.client.connect_async(
            "127.0.0.1", broker.port, clean_start=False, properties=properties
        )
        self.client.loop_start()
        self.mids: dict[int, int] = {}

    def _on_publish(self, client, userdata, mid, reason_code, properties):
        with self.lock:
            if reason_code.is_failure:
                self.refused.append(mid)
            elif reason_code.value == NO_MATCHING_SUBSCRIBERS:
                self.unrouted.append(mid)
            else:
                self.acked.append(mid)

    @property
    def answered(self) -> int:
        return len(self.acked) + len(self.unrouted) + len(self.refused)

    def publish(self, payload, topic=None):
        body = payload if isinstance(payload, bytes) else json.dumps(payload).encode()
        info = self.client.publish(topic or device_topic(self.device.id), body, qos=1)
        return info.mid

    def close(self):
        self.client.disconnect()
        self.client.loop_stop()


def wait_for(condition, timeout=30, what="condition"):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if condition():
                return
        except OperationalError:
            # The SQLite test database (in memory, shared cache) locks a table while an
            # ingest worker writes to it; the next look will do.
            pass
        time.sleep(0.1)
    raise AssertionError(f"timed out waiting for {what}")


def counts():
    return {c.outcome: c.count for c in IngestCount.objects.filter(channel="mqtt")}


def test_device_publishes_and_reading_is_stored(broker, make_device, worker_factory):
    device, token = make_device("climate")
    worker_factory()
    client = Device(broker, device, token)
    assert client.connected.wait(10)
    client.publish({"temperature": 24.5, "humidity": 50})
    wait_for(lambda: Telemetry.objects.filter(device_id=device.id).count() == 2, what="readings")
    client.close()


def test_broker_refuses_other_topics_wrong_tokens_and_revoked_devices(
    broker, make_device, worker_factory, site
):
    device, token = make_device("climate")
    victim, _ = make_device("climate")
    worker_factory()
    client = Device(broker, device, token)
    assert client.connected.wait(10)
    client.publish({"temperature": 99}, topic=device_topic(victim.id))
    wait_for(lambda: client.refused, what="refusal")
    assert Telemetry.objects.filter(device_id=victim.id).count() == 0

    impostor = Device(broker, device, "wrong-token", client_id="impostor")
    wait_for(lambda: impostor.result is not None, what="CONNACK")
    assert impostor.result.is_failure
    impostor.close()

    services.credential_revoke(actor=site.ioc, device=device)
    wait_for(lambda: not client.connected.is_set(), what="kick")
    client.close()


def test_garbage_is_counted_and_the_worker_survives(broker, make_device, worker_factory):
    device, token = make_device("climate")
    worker = worker_factory()
    client = Device(broker, device, token)
    assert client.connected.wait(10)
    client.publish(b"\x00\xffgarbage")
    client.publish(b'{"temperature": "hot"}')
    client.publish(b"x" * (65 * 1024))
    client.publish({"temperature": 20})
    wait_for(lambda: Telemetry.objects.filter(device_id=device.id).count() == 1, what="good one")
    wait_for(lambda: counts().get("rejected_too_large"), what="counted")
    assert counts()["rejected_malformed"] == 1
    assert counts()["rejected_bad_value"] == 1
    assert worker._thread.is_alive()
    client.close()


class CrashAfterCommit(IngestWorker):
    """Dies once, after its batch is committed and before it acknowledges it."""

    def after_commit(self, messages):
        if not getattr(self, "crashed", False) and self.processed >= 30:
            self.crashed = True
            threading.Thread(target=self.crash).start()
            raise SystemExit


@pytest.mark.parametrize("restart_broker", [False, True], ids=["worker-kill", "broker-restart"])
def test_no_loss_no_duplicates(broker, make_device, worker_factory, restart_broker):
    """Every message the devices publish is stored exactly once, through a worker killed
    between commit and acknowledgement and a broker restart mid-stream."""
    devices = [make_device("climate") for _ in range(3)]
    first = worker_factory("1", CrashAfterCommit)
    worker_factory("2")
    clients = [Device(broker, device, token) for device, token in devices]
    for client in clients:
        assert client.connected.wait(10)
    start = datetime.now(UTC) - timedelta(minutes=50)
    per_device = 400
    mids: list[dict[int, int]] = [{} for _ in clients]

    def publish_range(lo, hi):
        for n in range(lo, hi):
            ts = int((start + timedelta(seconds=n)).timestamp() * 1000)
            for client, sent in zip(clients, mids, strict=True):
                sent[n] = client.publish({"ts": ts, "values": {"temperature": n, "humidity": 1}})
            if n % 50 == 0:
                time.sleep(0.02)

    publish_range(0, 150)
    if restart_broker:
        broker.restart()
    publish_range(150, 300)
    wait_for(lambda: first.stopping.is_set(), what="worker crash")
    worker_factory("1")  # restarted under the same name: its session and unacked messages
    publish_range(300, per_device)
    wait_for(
        lambda: all(c.answered == per_device for c in clients), timeout=180, what="all answered"
    )
    expected = 2 * per_device * len(clients)
    wait_for(lambda: Telemetry.objects.count() >= expected, timeout=180, what="all stored")
    time.sleep(1)
    for (device, _), client in zip(devices, clients, strict=True):
        temperatures = list(
            Telemetry.objects.filter(device_id=device.id, key="temperature").values_list(
                "value", flat=True
            )
        )
        assert not client.refused
        assert not client.unrouted
        assert sorted(temperatures) == [float(n) for n in range(per_device)]
        client.close()
    assert (
        Telemetry.objects.filter(key="humidity").count()
        == Telemetry.objects.filter(key="temperature").count()
    )


def test_messages_queued_for_a_stopped_worker_survive_a_broker_restart(
    broker, make_device, worker_factory
):
    device, token = make_device("climate")
    worker = worker_factory("1")
    client = Device(broker, device, token)
    assert client.connected.wait(10)
    start = datetime.now(UTC) - timedelta(minutes=30)

    def publish(lo, hi):
        for n in range(lo, hi):
            ts = int((start + timedelta(seconds=n)).timestamp() * 1000)
            client.publish({"ts": ts, "values": {"temperature": n}})

    publish(0, 20)
    wait_for(lambda: Telemetry.objects.count() == 20, what="first readings")
    worker.crash()
    publish(20, 60)
    wait_for(lambda: client.answered == 60, what="queued for the stopped worker")
    assert not client.unrouted
    broker.restart()
    worker_factory("1")
    wait_for(lambda: Telemetry.objects.count() == 60, timeout=60, what="queued readings")
    values = sorted(Telemetry.objects.values_list("value", flat=True))
    assert values == [float(n) for n in range(60)]
    client.close()


def test_devices_wait_for_the_ingest_workers_after_a_broker_restart(
    broker, make_device, worker_factory
):
    """Mosquitto 2.0 does not restore shared subscriptions after a restart: until a worker
    subscribes again nothing would receive what devices publish. The gate keeps devices out
    until then; what they publish meanwhile waits in the device and arrives afterwards."""
    device, token = make_device("climate")
    worker = worker_factory("1")
    client = Device(broker, device, token)
    assert client.connected.wait(10)
    worker.crash()
    broker.restart()
    at = int((datetime.now(UTC) - timedelta(minutes=1)).timestamp() * 1000)
    client.publish({"ts": at, "values": {"temperature": 20}})
    assert not client.connected.wait(3), "a device was let in before any ingest worker"
    assert client.answered == 0
    worker_factory("1")
    wait_for(lambda: client.connected.is_set(), what="device let in")
    wait_for(
        lambda: Telemetry.objects.filter(device_id=device.id).exists(),
        what="the reading published while the broker kept the device out",
    )
    assert client.acked and not client.unrouted and not client.refused
    client.close()


def test_the_gate_turns_devices_away_without_saying_their_login_is_wrong(
    broker, make_device, worker_factory
):
    device, token = make_device("climate")
    client = Device(broker, device, token)
    assert not client.connected.wait(2)
    # No CONNACK at all: a refusal would be a result, and firmware gives up on a bad login.
    assert client.result is None
    worker_factory()
    assert client.connected.wait(10)
    client.close()


def test_a_message_the_database_refuses_does_not_stop_the_worker(
    broker, make_device, worker_factory
):
    device, token = make_device("climate")
    worker = worker_factory()
    client = Device(broker, device, token)
    assert client.connected.wait(10)
    # PostgreSQL's jsonb cannot hold a NUL character: storing these attributes fails there.
    client.publish(b'{"firmware": "1.0\\u0000"}', topic=device_topic(device.id, "attributes"))
    client.publish({"temperature": 21})
    wait_for(lambda: Telemetry.objects.filter(device_id=device.id).count() == 1, what="reading")
    assert worker._thread.is_alive()
    client.close()


def simulated_climate_device(make_device):
    """A climate device, its simulated twin and the simulator's MQTT transport for it."""
    from parkos.iot.simulator import MqttTransport, SimulatedDevice

    device, token = make_device("climate")
    simulated = SimulatedDevice(
        id=str(device.id), serial=device.serial, kind="climate", token=token
    )
    return device, simulated, MqttTransport([simulated], retry_first=0.2, retry_max=1.0)


@pytest.mark.parametrize("broker", [False], indirect=True, ids=["without-gate"])
def test_the_simulator_publishes_again_what_no_worker_was_subscribed_to_receive(
    broker, make_device, worker_factory
):
    device, simulated, transport = simulated_climate_device(make_device)
    try:
        client = transport.clients[simulated.id]
        wait_for(client.is_connected, what="the simulated device connected")
        # No ingest worker yet: the broker answers "no matching subscribers" and drops it.
        transport.send(simulated, {"temperature": 21.5, "humidity": 40})
        wait_for(lambda: transport.counts["retried"] >= 3, what="publishing again")
        assert not Telemetry.objects.filter(device_id=device.id).exists()
        worker_factory()
        wait_for(lambda: transport.counts["delivered"] == 1, what="delivery")
        wait_for(
            lambda: Telemetry.objects.filter(device_id=device.id).count() == 2, what="readings"
        )
        assert transport.undelivered == 0
    finally:
        transport.close()
    assert transport.counts["refused"] == 0
    assert sorted(Telemetry.objects.values_list("key", "value")) == [
        ("humidity", 40.0),
        ("temperature", 21.5),
    ]


def test_simulated_devices_connect_once_an_ingest_worker_has_subscribed(
    broker, make_device, worker_factory
):
    device, simulated, transport = simulated_climate_device(make_device)
    try:
        transport.send(simulated, {"temperature": 22.5})
        time.sleep(1.5)
        assert not transport.clients[simulated.id].is_connected()
        worker_factory()
        wait_for(lambda: transport.counts["delivered"] == 1, what="delivery")
        wait_for(lambda: Telemetry.objects.filter(device_id=device.id).count() == 1, what="reading")
    finally:
        transport.close()
    assert transport.counts["retried"] == 0
    assert transport.undelivered == 0
