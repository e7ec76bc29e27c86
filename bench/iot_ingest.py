"""Sustained MQTT -> PostgreSQL ingest: devices publish messages of 3 data points each at a
target rate through Mosquitto (the project's configuration, started here on a free port);
`parkos iot-ingest` workers in their own processes store them. Prints the rate achieved and
checks that every acknowledged reading is stored exactly once.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/iot_bench \
      .venv/bin/python bench/iot_ingest.py --seconds 300 --rate 10000 --workers 2

Uses (and migrates) the database DATABASE_URL names: give it a scratch database."""

import argparse
import json
import multiprocessing
import os
import socket
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "parkos.config.settings")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def publisher(port, devices, rate, seconds, offset, acked_counter):
    """One load-generator process: round-robin over its devices at `rate` messages/s."""
    import threading

    import paho.mqtt.client as mqtt

    clients = []
    acked = [0]
    lock = threading.Lock()

    def on_publish(client, userdata, mid, reason_code, properties):
        with lock:
            acked[0] += 0 if reason_code.is_failure else 1

    for device_id, token in devices:
        client = mqtt.Client(
            mqtt.CallbackAPIVersion.VERSION2, client_id=f"bench-{device_id}", protocol=mqtt.MQTTv5
        )
        client.username_pw_set(device_id, token)
        client.max_inflight_messages_set(1000)
        client.max_queued_messages_set(0)
        client.on_publish = on_publish
        client.connect("127.0.0.1", port)
        client.loop_start()
        clients.append((device_id, client))
    start = time.monotonic()
    base_ms = int(datetime.now(UTC).timestamp() * 1000) - int(seconds * 1000) - 60_000
    sent = 0
    total = int(rate * seconds)
    while sent < total:
        due = int((time.monotonic() - start) * rate)
        while sent < min(due, total):
            device_id, client = clients[sent % len(clients)]
            n = sent // len(clients)
            payload = {"ts": base_ms + n * 10 + offset, "values": {"a": n, "b": 1.5, "c": 2}}
            client.publish(f"parkos/v1/devices/{device_id}/telemetry", json.dumps(payload), qos=1)
            sent += 1
        time.sleep(0.002)
    deadline = time.monotonic() + 120
    while acked[0] < sent and time.monotonic() < deadline:
        time.sleep(0.1)
    with acked_counter.get_lock():
        acked_counter.value += acked[0]
    for _, client in clients:
        client.disconnect()
        client.loop_stop()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--rate", type=float, default=10_000, help="messages per second")
    parser.add_argument("--devices", type=int, default=200)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--publishers", type=int, default=2)
    options = parser.parse_args()

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from parkos.accounts.models import Role
    from parkos.accounts.services import membership_grant, user_create
    from parkos.iot import services
    from parkos.iot.broker import broker_admin, broker_files_prepare
    from parkos.iot.catalogue import device_types_ensure
    from parkos.iot.models import Telemetry
    from parkos.parks.models import Park

    call_command("migrate", verbosity=0)
    port = free_port()
    directory = tempfile.mkdtemp(prefix="parkos-bench-mqtt-")
    config = broker_files_prepare(
        data_dir=directory, port=port, admin="bench-admin", password="bench-pw"
    )
    broker = subprocess.Popen(["mosquitto", "-c", str(config)], stderr=subprocess.DEVNULL)
    time.sleep(0.5)
    url = f"mqtt://bench-admin:bench-pw@127.0.0.1:{port}"
    os.environ["MQTT_URL"] = url
    from django.conf import settings

    settings.MQTT_URL = url
    stamp = datetime.now().strftime("%H%M%S")
    park = Park.objects.create(code=f"bench-{stamp}", name="压测园区", city="上海")
    actor = user_create(username=f"bench-{stamp}", password="bench-pw-1234")
    membership_grant(user=actor, role=Role.IOC_OPERATOR, park=park)
    types = device_types_ensure()
    devices = []
    with broker_admin(url) as admin:
        admin.setup()
    # Issuing a credential also creates the device's broker login (MQTT_URL is set).
    for n in range(options.devices):
        device = services.device_create(
            actor=actor,
            park=park,
            device_type=types["energy"],
            serial=f"B{stamp}-{n}",
            name=f"bench {n}",
            audited=False,
        )
        _, token = services.credential_issue(actor=actor, device=device)
        devices.append((str(device.id), token))
    ids = [d for d, _ in devices]
    env = {**os.environ, "MQTT_URL": url}
    workers = [
        subprocess.Popen(
            [sys.executable, "-m", "parkos.cli", "iot-ingest", "--name", f"bench-{stamp}-{n}"],
            env=env,
            stdout=subprocess.DEVNULL,
        )
        for n in range(options.workers)
    ]
    time.sleep(3)
    acked = multiprocessing.Value("q", 0)
    share = len(devices) // options.publishers
    began = time.monotonic()
    publishers = [
        multiprocessing.Process(
            target=publisher,
            args=(
                port,
                devices[i * share : (i + 1) * share],
                options.rate / options.publishers,
                options.seconds,
                i,
                acked,
            ),
        )
        for i in range(options.publishers)
    ]
    for process in publishers:
        process.start()
    expected = int(options.rate * options.seconds) // options.publishers * options.publishers * 3
    last, samples = 0, []
    while True:
        time.sleep(5)
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT count(*) FROM iot_telemetry WHERE device_id = ANY(%s::uuid[])", [ids]
            )
            stored = cursor.fetchone()[0]
        elapsed = time.monotonic() - began
        samples.append((elapsed, stored))
        print(f"{elapsed:6.0f}s stored {stored:>10} points ({(stored - last) / 5:,.0f} points/s)")
        last = stored
        # Done when all is stored, or when the publishers are done and 30 s pass with no
        # progress (what is missing then is reported as lost).
        stalled = len(samples) > 6 and samples[-1][1] == samples[-7][1]
        if stored >= expected or (not any(p.is_alive() for p in publishers) and stalled):
            break
    for process in publishers:
        process.join()
    total_time = samples[-1][0]
    print(f"messages acknowledged by the broker: {acked.value}; points expected {acked.value * 3}")
    print(
        f"points stored: {stored}; duplicates impossible (primary key); "
        f"missing: {acked.value * 3 - stored}"
    )
    print(
        f"sustained: {stored / total_time:,.0f} points/s = {stored / 3 / total_time:,.0f} msg/s "
        f"over {total_time:.0f}s (target 30,000 points/s)"
    )
    for worker in workers:
        worker.terminate()
        worker.wait(10)
    broker.terminate()
    broker.wait(10)
    Telemetry.objects.filter(device_id__in=ids).delete()


if __name__ == "__main__":
    main()
