"""Sustained MQTT -> PostgreSQL ingest: devices publish messages of 3 data points each at a
target rate through Mosquitto (the project's configuration, started here on a free port);
`parkos iot-ingest` workers in their own processes store them. Prints what was sent,
acknowledged by the broker, stored, lost and delivered twice, the rates, and the CPU time of
every party (load generator, broker, workers, their PostgreSQL backends).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/iot_bench \
      .venv/bin/python bench/iot_ingest.py --seconds 300 --rate 10000 --workers 2

Uses (and migrates) the database DATABASE_URL names: give it a scratch database.

The load generator speaks MQTT 5 over plain sockets, one connection and login per device,
QoS 1, with every PUBLISH built as bytes and written in one send per device and tick: a
paho client costs more CPU per message than the ingest worker it is feeding, and on two
cores that CPU would be taken from the system under test."""

import argparse
import json
import multiprocessing
import os
import resource
import selectors
import shutil
import socket
import struct
import subprocess
import sys
import tempfile
import threading
import time
from datetime import UTC, datetime

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "parkos.config.settings")

KEYS = ("pm25", "co2", "tvoc")
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def read_text(path: str) -> str:
    with open(path) as source:
        return source.read()


def cpu_seconds(pid: int, *, system_only: bool = False) -> float:
    """User + system CPU of a process (and of its waited-for children), or system alone."""
    try:
        fields = read_text(f"/proc/{pid}/stat").rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    if system_only:
        return (int(fields[12]) + int(fields[14])) / CLOCK_TICKS
    return sum(int(f) for f in fields[11:15]) / CLOCK_TICKS


def machine_busy() -> tuple[float, float]:
    """(busy, total) jiffies of the whole machine since boot."""
    values = [int(v) for v in read_text("/proc/stat").splitlines()[0].split()[1:]]
    idle = values[3] + values[4]
    return sum(values) - idle, sum(values)


# -- a minimal MQTT 5 publisher ---------------------------------------------------------


def _varint(n: int) -> bytes:
    out = bytearray()
    while True:
        byte, n = n % 128, n // 128
        out.append(byte | (0x80 if n else 0))
        if not n:
            return bytes(out)


def _string(value: str) -> bytes:
    raw = value.encode()
    return struct.pack("!H", len(raw)) + raw


def _read_varint(buffer, pos: int) -> tuple[int, int] | None:
    value, shift = 0, 0
    while pos < len(buffer):
        byte = buffer[pos]
        value |= (byte & 0x7F) << shift
        pos += 1
        if not byte & 0x80:
            return value, pos
        shift += 7
    return None


# CONNACK properties by size: the fixed-size ones, and the (length-prefixed) strings.
_FIXED_PROPERTIES = {0x11: 4, 0x13: 2, 0x21: 2, 0x22: 2, 0x24: 1, 0x25: 1, 0x27: 4, 0x28: 1}
_FIXED_PROPERTIES |= {0x29: 1, 0x2A: 1}
_STRING_PROPERTIES = {0x12, 0x1A, 0x1C, 0x1F}


class DeviceConnection:
    """One device's MQTT 5 session: CONNECT with its own login, then QoS 1 PUBLISHes."""

    def __init__(self, port: int, device_id: str, token: str):
        self.sock = socket.create_connection(("127.0.0.1", port))
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        body = (
            _string("MQTT")
            + bytes([5, 0x80 | 0x40 | 0x02])
            + struct.pack("!H", 120)
            + b"\x00"
            + _string(f"bench-{device_id}")
            + _string(device_id)
            + _string(token)
        )
        self.sock.sendall(b"\x10" + _varint(len(body)) + body)
        self.buffer = bytearray()
        self.receive_maximum = 65535
        while True:
            packet = self._next_packet()
            if packet is not None:
                break
            chunk = self.sock.recv(4096)
            if not chunk:
                raise ConnectionError("broker closed the connection")
            self.buffer += chunk
        kind, body = packet
        if kind != 0x20 or body[1] != 0:
            raise ConnectionError(f"device {device_id} refused: CONNACK {bytes(body)!r}")
        length, pos = _read_varint(body, 2)
        end = pos + length
        while pos < end:
            identifier = body[pos]
            if identifier == 0x21:
                self.receive_maximum = struct.unpack_from("!H", body, pos + 1)[0]
            if identifier in _FIXED_PROPERTIES:
                pos += 1 + _FIXED_PROPERTIES[identifier]
            elif identifier in _STRING_PROPERTIES:
                pos += 3 + struct.unpack_from("!H", body, pos + 1)[0]
            else:
                break
        self.sock.setblocking(False)
        self.topic = _string(f"parkos/v1/devices/{device_id}/telemetry")
        self.next_id = 0
        self.inflight = 0
        self.pending: list[bytes] = []
        self.acked = 0
        self.no_subscribers = 0
        self.refused = 0

    def _next_packet(self):
        if len(self.buffer) < 2:
            return None
        header = _read_varint(self.buffer, 1)
        if header is None:
            return None
        length, pos = header
        if len(self.buffer) < pos + length:
            return None
        kind = self.buffer[0] & 0xF0
        body = self.buffer[pos : pos + length]
        del self.buffer[: pos + length]
        return kind, body

    def publish(self, payload: bytes) -> None:
        self.next_id = self.next_id % 65535 + 1
        remaining = len(self.topic) + 2 + 1 + len(payload)
        self.pending.append(
            b"\x32"
            + _varint(remaining)
            + self.topic
            + struct.pack("!H", self.next_id)
            + b"\x00"
            + payload
        )
        self.inflight += 1

    def flush(self) -> None:
        if self.pending:
            data = b"".join(self.pending)
            self.pending.clear()
            self.sock.setblocking(True)
            self.sock.sendall(data)
            self.sock.setblocking(False)

    def read(self) -> None:
        try:
            chunk = self.sock.recv(262144)
        except BlockingIOError:
            return
        if not chunk:
            raise ConnectionError("broker closed the connection")
        self.buffer += chunk
        while (packet := self._next_packet()) is not None:
            kind, body = packet
            if kind != 0x40:
                continue
            self.inflight -= 1
            reason = body[2] if len(body) > 2 else 0
            if reason == 0:
                self.acked += 1
            elif reason == 0x10:
                self.no_subscribers += 1
            else:
                self.refused += 1


def publisher(port, devices, rate, seconds, shard, results) -> None:
    """One load-generator process: round-robin over its devices at `rate` messages/s."""
    connections = [DeviceConnection(port, device_id, token) for device_id, token in devices]
    poller = selectors.DefaultSelector()
    for connection in connections:
        poller.register(connection.sock, selectors.EVENT_READ, connection)
    base_ms = int(datetime.now(UTC).timestamp() * 1000) - 600_000
    total = int(rate * seconds)
    sent = 0
    waited = 0
    start = time.monotonic()
    while sent < total:
        due = min(int((time.monotonic() - start) * rate), total)
        while sent < due:
            connection = connections[sent % len(connections)]
            if connection.inflight >= connection.receive_maximum:
                waited += 1
                break
            n = sent // len(connections)
            connection.publish(
                f'{{"ts":{base_ms + n * 10 + shard},"values":{{"pm25":{n % 500},'
                f'"co2":{400 + n % 1000},"tvoc":{(n % 90) / 100}}}}}'.encode()
            )
            sent += 1
        for connection in connections:
            connection.flush()
        for key, _ in poller.select(timeout=0.002):
            key.data.read()
    finished = time.monotonic()
    deadline = finished + 120
    while any(c.inflight for c in connections) and time.monotonic() < deadline:
        for key, _ in poller.select(timeout=0.1):
            key.data.read()
    usage = resource.getrusage(resource.RUSAGE_SELF)
    results.put(
        {
            "sent": sent,
            "acked": sum(c.acked for c in connections),
            "no_subscribers": sum(c.no_subscribers for c in connections),
            "refused": sum(c.refused for c in connections),
            "unacked": sum(c.inflight for c in connections),
            "publish_seconds": finished - start,
            "throttled": waited,
            "cpu": usage.ru_utime + usage.ru_stime,
        }
    )
    for connection in connections:
        connection.sock.close()


# -- the run ----------------------------------------------------------------------------


def ingest_counts(connection) -> dict:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT outcome, sum(count) FROM iot_ingestcount WHERE channel = 'mqtt' "
            "GROUP BY outcome"
        )
        return {outcome: int(n) for outcome, n in cursor.fetchall()}


def backend_pids(connection) -> list[int]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pid FROM pg_stat_activity WHERE datname = current_database() "
            "AND pid <> pg_backend_pid() AND backend_type = 'client backend'"
        )
        return [row[0] for row in cursor.fetchall()]


def wait_subscribed(workers, logs, timeout=120.0) -> None:
    """Until every worker has logged its subscription: what devices publish before the
    shared subscription exists is dropped by the broker (PUBACK 'no matching subscribers')."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if all("subscribed" in read_text(log) for log in logs):
            return
        if any(worker.poll() is not None for worker in workers):
            raise SystemExit("an ingest worker exited: " + " | ".join(map(read_text, logs)))
        time.sleep(0.2)
    raise SystemExit("ingest workers did not subscribe in time")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--rate", type=float, default=10_000, help="messages per second")
    parser.add_argument("--devices", type=int, default=200)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--publishers", type=int, default=1)
    parser.add_argument("--batch", type=int, default=5000, help="worker batch size")
    parser.add_argument("--keep", action="store_true", help="keep the readings afterwards")
    parser.add_argument(
        "--broker-option",
        action="append",
        default=[],
        help="a line that replaces the same option of the broker configuration, e.g. "
        '"autosave_interval 60" (to try a setting, not what ParkOS ships)',
    )
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
    for line in options.broker_option:
        name = line.split()[0]
        kept = [x for x in config.read_text().splitlines() if x.split()[:1] != [name]]
        config.write_text("\n".join([*kept, line, ""]))
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
            device_type=types["air"],
            serial=f"B{stamp}-{n}",
            name=f"bench {n}",
            audited=False,
        )
        _, token = services.credential_issue(actor=actor, device=device)
        devices.append((str(device.id), token))
    ids = [d for d, _ in devices]
    env = {**os.environ, "MQTT_URL": url}
    logs = [os.path.join(directory, f"worker-{n}.log") for n in range(options.workers)]
    log_files = [open(log, "w") for log in logs]  # noqa: SIM115 (the workers write to them)
    workers = [
        subprocess.Popen(
            [
                sys.executable,
                "-m",
                "parkos.cli",
                "iot-ingest",
                "--name",
                f"bench-{stamp}-{n}",
                "--batch",
                str(options.batch),
            ],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=log_file,
        )
        for n, log_file in enumerate(log_files)
    ]
    wait_subscribed(workers, logs)
    before = ingest_counts(connection)
    broker_cpu0 = cpu_seconds(broker.pid)
    broker_system0 = cpu_seconds(broker.pid, system_only=True)
    worker_cpu0 = [cpu_seconds(w.pid) for w in workers]
    busy0 = machine_busy()
    load0 = os.getloadavg()
    results = multiprocessing.Queue()
    share = -(-len(devices) // options.publishers)
    per_publisher = options.rate / options.publishers
    began = time.monotonic()
    publishers = [
        multiprocessing.Process(
            target=publisher,
            args=(
                port,
                devices[i * share : (i + 1) * share],
                per_publisher,
                options.seconds,
                i,
                results,
            ),
        )
        for i in range(options.publishers)
    ]
    for process in publishers:
        process.start()
    expected = int(per_publisher * options.seconds) * options.publishers * len(KEYS)
    reports: list[dict] = []
    collector = threading.Thread(
        target=lambda: reports.extend(results.get() for _ in publishers), daemon=True
    )
    collector.start()
    # Sampled every second (the counters are one small table), printed every 5 seconds.
    last, last_printed, samples = 0, 0.0, []
    backends: set[int] = set()
    while True:
        time.sleep(1)
        counts = ingest_counts(connection)
        stored = counts.get("accepted", 0) - before.get("accepted", 0)
        # Messages handled, stored or found already stored: a worker that reconnected
        # works through messages the broker sends again, which stores nothing new.
        handled = counts.get("messages", 0) - before.get("messages", 0)
        elapsed = time.monotonic() - began
        samples.append((elapsed, stored, handled))
        done = stored >= expected
        if elapsed - last_printed >= 5 or done:
            backends.update(backend_pids(connection))
            span = elapsed - last_printed
            print(
                f"{elapsed:6.0f}s stored {stored:>10} points "
                f"({(stored - last) / span:>8,.0f} points/s, {(stored - last) / span / 3:>7,.0f} "
                f"msg/s); messages handled {handled:>9}",
                flush=True,
            )
            last, last_printed = stored, elapsed
        publishing = any(p.is_alive() for p in publishers)
        # Done when all is stored, or when the publishers are done and 30 s pass with no
        # progress (what is missing then is reported as lost).
        stalled = len(samples) > 30 and samples[-1][2] == samples[-31][2]
        if done or (not publishing and stalled):
            break
    collector.join(130)
    for process in publishers:
        process.join()
    busy1 = machine_busy()
    broker_cpu = cpu_seconds(broker.pid) - broker_cpu0
    broker_system = cpu_seconds(broker.pid, system_only=True) - broker_system0
    worker_cpu = sum(cpu_seconds(w.pid) for w in workers) - sum(worker_cpu0)
    database_cpu = sum(cpu_seconds(pid) for pid in backends)
    after = ingest_counts(connection)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM iot_telemetry WHERE device_id = ANY(%s::uuid[])", [ids]
        )
        stored = cursor.fetchone()[0]
    total_time = next(t for t, n, _ in samples if n == samples[-1][1])
    sent = sum(r["sent"] for r in reports)
    acked = sum(r["acked"] for r in reports)
    no_subscribers = sum(r["no_subscribers"] for r in reports)
    publish_seconds = max(r["publish_seconds"] for r in reports)
    generator_cpu = sum(r["cpu"] for r in reports)
    duplicates = after.get("duplicate", 0) - before.get("duplicate", 0)
    messages = stored / len(KEYS)
    print()
    print(f"sent {sent:,} messages in {publish_seconds:.0f}s ({sent / publish_seconds:,.0f} msg/s)")
    print(
        f"acknowledged by the broker: {acked:,}; dropped by it for want of a subscriber: "
        f"{no_subscribers:,}; refused: {sum(r['refused'] for r in reports):,}; "
        f"unacknowledged: {sum(r['unacked'] for r in reports):,}"
    )
    print(
        f"stored {stored:,} points = {messages:,.0f} messages; lost {acked * len(KEYS) - stored:,} "
        f"points; duplicates stored 0 (primary key), delivered twice and dropped: {duplicates:,}"
    )
    print(
        f"sustained {messages / total_time:,.0f} msg/s = {stored / total_time:,.0f} points/s "
        f"over {total_time:.0f}s from the first message to the last stored "
        "(target 10,000 msg/s = 30,000 points/s)"
    )
    machine = (busy1[0] - busy0[0]) / (busy1[1] - busy0[1]) * 100
    print(
        f"CPU per message (µs): generator {generator_cpu / sent * 1e6:.0f}, broker "
        f"{broker_cpu / sent * 1e6:.0f}, workers {worker_cpu / sent * 1e6:.0f}, "
        f"their PostgreSQL backends {database_cpu / sent * 1e6:.0f}; "
        f"CPU seconds: generator {generator_cpu:.0f}, broker {broker_cpu:.0f} "
        f"({broker_system:.0f} in the kernel), "
        f"workers {worker_cpu:.0f}, postgres {database_cpu:.0f}"
    )
    print(
        f"machine busy {machine:.0f}% of 2 cores over the run; load average before "
        f"{load0[0]:.1f}, after {os.getloadavg()[0]:.1f}"
    )
    print(
        "RESULT "
        + json.dumps(
            {
                "sent": sent,
                "acked": acked,
                "no_subscribers": no_subscribers,
                "stored_points": stored,
                "lost_points": acked * len(KEYS) - stored,
                "duplicates_dropped": duplicates,
                "msg_per_s": round(messages / total_time),
                "points_per_s": round(stored / total_time),
                "cpu_us_per_msg": {
                    "generator": round(generator_cpu / sent * 1e6, 1),
                    "broker": round(broker_cpu / sent * 1e6, 1),
                    "workers": round(worker_cpu / sent * 1e6, 1),
                    "postgres": round(database_cpu / sent * 1e6, 1),
                },
                "machine_busy_percent": round(machine),
            }
        )
    )
    for worker in workers:
        worker.terminate()
        worker.wait(10)
    broker.terminate()
    broker.wait(10)
    for log_file in log_files:
        log_file.close()
    # The broker's store holds whatever backlog there was: gigabytes after a long run.
    shutil.rmtree(directory, ignore_errors=True)
    if not options.keep:
        Telemetry.objects.filter(device_id__in=ids).delete()


if __name__ == "__main__":
    main()
