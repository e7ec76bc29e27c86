"""The device simulator of the demo: realistic telemetry for the demo park's devices, sent
over MQTT when MQTT_URL is set and over the HTTP device API otherwise, with faults on
purpose: an over-temperature server room, an energy meter gone silent, a smoke alarm."""

import functools
import hashlib
import heapq
import hmac
import itertools
import json
import logging
import math
import random
import threading
import time
import urllib.request
from collections import Counter
from dataclasses import dataclass, field

from django.conf import settings
from django.utils import timezone

from parkos.iot.broker import broker_address, broker_admin, device_topic, mqtt_client
from parkos.iot.models import Device, DeviceKind, LatestValue

logger = logging.getLogger(__name__)

# Serials of the devices that misbehave on purpose (created by demo/iot.py).
HOT_ROOM = "PJ-CLIMATE-SERVER"
SILENT_METER = "PJ-ENERGY-SILENT"
SMOKE = "PJ-SMOKE-ALERT"


def demo_token(serial: str) -> str:
    """The demo's token of a device: derived from the secret key, so the simulator can find
    it again without tokens being stored in clear."""
    digest = hmac.new(settings.SECRET_KEY.encode(), f"iot-demo:{serial}".encode(), hashlib.sha256)
    return digest.hexdigest()[:32]


@dataclass
class SimulatedDevice:
    id: str
    serial: str
    kind: str
    token: str
    attributes: dict = field(default_factory=dict)
    state: dict = field(default_factory=dict)


def reading(
    device: SimulatedDevice, now, rng: random.Random, step: int, interval: float = 5.0
) -> dict | None:
    """One message of telemetry for a device at `now` (local time); None to stay silent."""
    hour = now.hour + now.minute / 60
    daytime = max(math.sin((hour - 6) / 24 * 2 * math.pi), 0)
    kind, state = device.kind, device.state
    if device.serial == SILENT_METER:
        return None
    if kind == DeviceKind.CLIMATE:
        temperature = 22 + 3 * daytime + rng.gauss(0, 0.3)
        if device.serial == HOT_ROOM:
            temperature = min(30 + step * 1.0, 38.5) + rng.gauss(0, 0.2)
        return {"temperature": round(temperature, 1), "humidity": round(45 + rng.gauss(0, 3), 1)}
    if kind == DeviceKind.ENERGY_METER:
        power = 20 + 60 * daytime + rng.gauss(0, 3)
        state["energy"] = state.get("energy", 10_000.0) + power * 5 / 3600
        return {"energy": round(state["energy"], 2), "power": round(power, 1)}
    if kind == DeviceKind.WATER_METER:
        flow = max(0.2 + 2 * daytime + rng.gauss(0, 0.1), 0)
        state["volume"] = state.get("volume", 500.0) + flow * 5 / 3600
        return {"volume": round(state["volume"], 3), "flow": round(flow, 2)}
    if kind == DeviceKind.AIR_QUALITY:
        return {
            "pm25": round(max(18 + rng.gauss(0, 4), 1), 1),
            "co2": round(450 + 350 * daytime + rng.gauss(0, 20)),
            "tvoc": round(0.2 + rng.random() * 0.1, 2),
        }
    if kind == DeviceKind.SMOKE_ALARM:
        return {"smoke": device.serial == SMOKE and step >= 3, "battery": 87}
    if kind == DeviceKind.PEOPLE_COUNTER:
        typical = device.attributes.get("typical_hourly_counts")
        if typical and len(typical) == 168:
            # A counter with a known weekly profile (the crowd demo's) reports the people
            # counted in this interval, around its usual level for the weekday and hour.
            expected = typical[now.weekday() * 24 + now.hour] * interval / 3600
            return {"count": max(round(rng.gauss(expected, max(expected, 1) ** 0.5)), 0)}
        occupancy = round(400 * daytime + rng.gauss(0, 10))
        return {"in": rng.randint(0, 30), "out": rng.randint(0, 30), "occupancy": max(occupancy, 0)}
    if kind == DeviceKind.ACCESS_GATE:
        return {"passes": rng.randint(0, 25), "door_open": False}
    if kind == DeviceKind.PARKING_SENSOR:
        return {"occupied": rng.random() < 0.3 + 0.5 * daytime}
    if kind == DeviceKind.THERMAL_SCANNER:
        return {"body_temperature": round(36.4 + rng.gauss(0, 0.2), 1), "scans": rng.randint(0, 40)}
    if kind == DeviceKind.CAMERA:
        return {"online": True, "bitrate": rng.randint(3500, 4200)}
    if kind == DeviceKind.GATEWAY:
        return {"uptime": step * 5}
    return None


# The status `HttpTransport.send` reports for a reading that never reached the server.
NOT_SENT = 0


class HttpTransport:
    def __init__(self, base_url: str, *, timeout: float = 10.0):
        self.base_url = base_url.rstrip("/")
        self.timeout = timeout

    def send(self, device: SimulatedDevice, payload: dict) -> int:
        request = urllib.request.Request(
            f"{self.base_url}/api/v1/{device.token}/telemetry",
            data=json.dumps(payload).encode(),
            headers={"Content-Type": "application/json"},
            method="POST",
        )
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:
                return response.status
        except urllib.error.HTTPError as refused:
            return refused.code
        except OSError as failure:
            # A timeout or a refused connection (a server busy or restarting) costs this
            # reading, as it would a real device's; the next one follows on schedule.
            logger.warning("telemetry of %s not sent: %s", device.serial, failure)
            return NOT_SENT

    def close(self) -> None:
        pass


# PUBACK reason codes after which the same message is published again: the broker took it
# but no ingest worker was subscribed to receive it (0x10, "no matching subscribers": a
# broker without the ingest gate, restarted, before the workers subscribe again), or it
# was out of quota or failing. Any other failure (not authorized, bad topic) would come
# again, and is logged.
RETRY_REASONS = frozenset({0x10, 0x80, 0x83, 0x97})
_DELIVERED_BELOW = 0x80


class MqttTransport:
    """One MQTT login per device, as real devices have. Every reading carries its own
    timestamp, so that one published again is stored once; one the broker answers with a
    reason in RETRY_REASONS is published again, after a delay doubling from `retry_first`
    to `retry_max`, until it is delivered (or the transport closes, which says how many
    were not)."""

    def __init__(
        self,
        devices: list[SimulatedDevice],
        *,
        retry_first: float = 0.5,
        retry_max: float = 30.0,
        drain_timeout: float = 10.0,
    ):
        self.address = broker_address()
        self.retry_first, self.retry_max = retry_first, retry_max
        self.drain_timeout = drain_timeout
        self.counts: Counter = Counter()
        self._lock = threading.Condition()
        # (device id, mid) -> (body, next delay) of messages awaiting their PUBACK, and
        # the reason codes of PUBACKs that came before publish() returned their mid.
        self._pending: dict[tuple[str, int], tuple[bytes, float]] = {}
        self._early: dict[tuple[str, int], int] = {}
        self._retries: list[tuple[float, int, str, bytes, float]] = []
        self._sequence = itertools.count()
        self._closing = False
        with broker_admin() as admin:
            for device in devices:
                admin.device_allow(device.id, device.token)
        self.clients = {}
        for device in devices:
            address = broker_address(
                f"mqtt://{device.id}:{device.token}@{self.address.host}:{self.address.port}"
            )
            client = mqtt_client(client_id=f"sim-{device.id}", address=address)
            client.on_publish = functools.partial(self._on_publish, device.id)
            # A broker that turns devices away (the ingest gate after a restart) closes
            # the connection; what is published meanwhile waits in the client.
            client.reconnect_delay_set(min_delay=0.5, max_delay=5)
            client.connect_async(address.host, address.port, keepalive=60)
            client.loop_start()
            self.clients[device.id] = client
        self._retrier = threading.Thread(target=self._retry_loop, name="sim-retry", daemon=True)
        self._retrier.start()

    def send(self, device: SimulatedDevice, payload: dict) -> int:
        body = json.dumps({"ts": int(time.time() * 1000), "values": payload}).encode()
        self._publish(device.id, body, self.retry_first)
        return 200

    def _publish(self, device_id: str, body: bytes, delay: float) -> None:
        # Not under self._lock: paho calls on_publish holding its own locks, which
        # publish() takes too.
        info = self.clients[device_id].publish(device_topic(device_id), body, qos=1)
        with self._lock:
            key = (device_id, info.mid)
            code = self._early.pop(key, None)
            if code is None:
                self._pending[key] = (body, delay)
                return
        self._answered(device_id, body, delay, code)

    def _on_publish(self, device_id, client, userdata, mid, reason_code, properties) -> None:
        code = reason_code.value if reason_code is not None else 0
        with self._lock:
            entry = self._pending.pop((device_id, mid), None)
            if entry is None:
                self._early[(device_id, mid)] = code
                return
        self._answered(device_id, *entry, code)

    def _answered(self, device_id: str, body: bytes, delay: float, code: int) -> None:
        with self._lock:
            if code in RETRY_REASONS:
                self.counts["retried"] += 1
                due = time.monotonic() + delay * (0.75 + random.random() / 2)
                entry = (due, next(self._sequence), device_id, body, min(delay * 2, self.retry_max))
                heapq.heappush(self._retries, entry)
            elif code < _DELIVERED_BELOW:
                self.counts["delivered"] += 1
            else:
                self.counts["refused"] += 1
                logger.warning("the broker refused a reading of %s: reason %#x", device_id, code)
            self._lock.notify_all()

    def _retry_loop(self) -> None:
        while True:
            with self._lock:
                while not self._closing and (
                    not self._retries or self._retries[0][0] > time.monotonic()
                ):
                    wait = self._retries[0][0] - time.monotonic() if self._retries else None
                    self._lock.wait(wait)
                if self._closing:
                    return
                _due, _n, device_id, body, delay = heapq.heappop(self._retries)
            self._publish(device_id, body, delay)

    @property
    def undelivered(self) -> int:
        with self._lock:
            return len(self._pending) + len(self._retries)

    def close(self) -> None:
        deadline = time.monotonic() + self.drain_timeout
        with self._lock:
            while (self._pending or self._retries) and time.monotonic() < deadline:
                self._lock.wait(max(deadline - time.monotonic(), 0.01))
            self._closing = True
            left = len(self._pending) + len(self._retries)
            self._lock.notify_all()
        if left:
            logger.warning("the simulator stops with %d readings not delivered", left)
        self._retrier.join(5)
        for client in self.clients.values():
            client.disconnect()
            client.loop_stop()


# Cumulative registers: the simulator carries them on from the last stored reading, so
# a restart neither winds a meter back below its history nor loses the current hour.
REGISTERS = ("energy", "volume")


def simulated_devices(park_code: str = "pujiang") -> list[SimulatedDevice]:
    devices = list(Device.objects.filter(park__code=park_code).select_related("device_type"))
    registers: dict = {}
    for device_id, key, value in LatestValue.objects.filter(
        device_id__in=[d.id for d in devices], key__in=REGISTERS, value__isnull=False
    ).values_list("device_id", "key", "value"):
        registers.setdefault(device_id, {})[key] = value
    return [
        SimulatedDevice(
            id=str(d.id),
            serial=d.serial,
            kind=d.device_type.kind,
            token=demo_token(d.serial),
            attributes=d.attributes or {},
            state=dict(registers.get(d.id, {})),
        )
        for d in devices
    ]


class Simulator:
    def __init__(
        self, *, base_url: str = "http://127.0.0.1:8000", interval: float = 5.0, seed: int = 1
    ):
        self.base_url = base_url
        self.interval = interval
        self.rng = random.Random(seed)
        self.stopping = threading.Event()
        self.step = 0

    def _transport(self, devices):
        if settings.MQTT_URL:
            return MqttTransport(devices)
        return HttpTransport(self.base_url)

    def run(self, *, steps: int | None = None, report=logger.info) -> None:
        devices = simulated_devices()
        if not devices:
            report("no demo devices: load the demo first")
            return
        transport = self._transport(devices)
        report(f"simulating {len(devices)} devices every {self.interval:g}s")
        try:
            while not self.stopping.is_set() and (steps is None or self.step < steps):
                now = timezone.localtime()
                sent = 0
                for device in devices:
                    payload = reading(device, now, self.rng, self.step, self.interval)
                    if payload is not None and 200 <= transport.send(device, payload) < 300:
                        sent += 1
                self.step += 1
                if self.step % 12 == 1:
                    report(f"step {self.step}: {sent} messages")
                self.stopping.wait(self.interval)
        finally:
            transport.close()


def start_in_background(*, base_url: str, delay: float = 3.0, interval: float = 5.0) -> Simulator:
    """Run the simulator in a daemon thread of this process (for `parkos demo`)."""
    simulator = Simulator(base_url=base_url, interval=interval)

    def target():
        time.sleep(delay)
        try:
            simulator.run()
        except Exception:
            logger.exception("the device simulator stopped")

    threading.Thread(target=target, name="iot-simulator", daemon=True).start()
    return simulator
