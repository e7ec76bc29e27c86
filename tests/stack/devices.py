"""A fleet of simulated devices speaking MQTT 5 to the stack's broker, each with its own login
(device id and token), as firmware does: QoS 1, every reading with its own timestamp, a
reading kept until the broker has answered it with success (PUBACK 0) and published again
after a lost connection or a "no matching subscribers" answer, reconnecting with a backoff
when the broker is gone or turns it away (the ingest gate after a restart).

One process drives every device over plain non-blocking sockets (a paho client per device
would cost more CPU than the ingest it feeds). What the broker accepted is written to a file
as (device id, timestamp) lines: the invariant check compares it with what was stored."""

import contextlib
import json
import random
import selectors
import socket
import struct
import time
from collections import Counter, deque

KEYS = ("pm25", "co2", "tvoc")
RETRY_REASONS = frozenset({0x10, 0x80, 0x83, 0x97})
# Readings a device may have awaiting their PUBACK: as a small device's firmware.
INFLIGHT = 20


def _varint(n: int) -> bytes:
    out = bytearray()
    while True:
        byte, n = n % 128, n // 128
        out.append(byte | (0x80 if n else 0))
        if not n:
            return bytes(out)


def _read_varint(buffer, pos: int):
    value = shift = 0
    while pos < len(buffer):
        byte = buffer[pos]
        value |= (byte & 0x7F) << shift
        pos += 1
        if not byte & 0x80:
            return value, pos
        shift += 7
    return None


def _string(value: str) -> bytes:
    raw = value.encode()
    return struct.pack("!H", len(raw)) + raw


class Device:
    __slots__ = (
        "backoff",
        "buffer",
        "connected",
        "device_id",
        "inflight",
        "last_ts",
        "next_id",
        "next_reading",
        "reconnect_at",
        "sock",
        "token",
        "topic",
        "waiting",
    )

    def __init__(self, device_id: str, token: str, first_reading: float):
        self.device_id, self.token = device_id, token
        self.topic = _string(f"parkos/v1/devices/{device_id}/telemetry")
        self.sock = None
        self.connected = False
        self.buffer = bytearray()
        self.next_id = 0
        # mid -> (ts, body) awaiting the broker's answer; readings not yet published.
        self.inflight: dict[int, tuple[int, bytes]] = {}
        self.waiting: deque = deque()
        self.last_ts = 0
        self.next_reading = first_reading
        self.reconnect_at = 0.0
        self.backoff = 0.5


class Fleet:
    def __init__(self, port: int, devices: list[tuple[str, str]], *, period: float, seed=7):
        self.port = port
        self.period = period
        self.rng = random.Random(seed)
        now = time.monotonic()
        self.devices = [
            Device(device_id, token, now + self.rng.random() * period)
            for device_id, token in devices
        ]
        self.poller = selectors.DefaultSelector()
        self.counts = Counter()
        self.accepted: list[tuple[str, int]] = []
        self.publishing = True

    # -- connections ----------------------------------------------------------------------
    def _connect(self, device: Device, now: float) -> None:
        try:
            sock = socket.create_connection(("127.0.0.1", self.port), timeout=0.5)
        except OSError:
            self._lost(device, now, counted=False)
            return
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        body = (
            _string("MQTT")
            + bytes([5, 0x80 | 0x40 | 0x02])  # username, password, clean start
            + struct.pack("!H", 60)
            + b"\x00"
            + _string(f"stack-{device.device_id}")
            + _string(device.device_id)
            + _string(device.token)
        )
        try:
            sock.sendall(b"\x10" + _varint(len(body)) + body)
        except OSError:
            sock.close()
            self._lost(device, now, counted=False)
            return
        sock.setblocking(False)
        device.sock = sock
        device.buffer = bytearray()
        self.poller.register(sock, selectors.EVENT_READ, device)
        self.counts["connects"] += 1

    def _lost(self, device: Device, now: float, *, counted: bool = True) -> None:
        if device.sock is not None:
            with contextlib.suppress(KeyError, ValueError):
                self.poller.unregister(device.sock)
            device.sock.close()
            device.sock = None
        if counted:
            # A device turned away before its CONNACK (the ingest gate) is not a lost session.
            self.counts["disconnects" if device.connected else "turned_away"] += 1
        device.connected = False
        # What the broker never answered goes out again, first, with its own timestamp.
        if device.inflight:
            self.counts["republished"] += len(device.inflight)
            device.waiting.extendleft(reversed(list(device.inflight.values())))
            device.inflight.clear()
        device.reconnect_at = now + device.backoff * (0.5 + self.rng.random())
        device.backoff = min(device.backoff * 2, 5.0)

    def _read(self, device: Device, now: float) -> None:
        try:
            chunk = device.sock.recv(65536)
        except BlockingIOError:
            return
        except OSError:
            chunk = b""
        if not chunk:
            self._lost(device, now)
            return
        device.buffer += chunk
        buffer = device.buffer
        while len(buffer) >= 2:
            header = _read_varint(buffer, 1)
            if header is None or header[1] + header[0] > len(buffer):
                break
            length, start = header
            kind, body = buffer[0] & 0xF0, bytes(buffer[start : start + length])
            del buffer[: start + length]
            if kind == 0x20:
                if len(body) >= 2 and body[1] == 0:
                    device.connected = True
                    device.backoff = 0.5
                else:
                    self.counts["connect_refused"] += 1
                    self._lost(device, now)
                    return
            elif kind == 0x40:
                mid = struct.unpack_from("!H", body)[0]
                reason = body[2] if len(body) > 2 else 0
                entry = device.inflight.pop(mid, None)
                if entry is None:
                    continue
                if reason < 0x80 and reason != 0x10:
                    self.accepted.append((device.device_id, entry[0]))
                elif reason in RETRY_REASONS:
                    self.counts[f"answered_{reason:#x}"] += 1
                    device.waiting.appendleft(entry)
                else:
                    self.counts[f"refused_{reason:#x}"] += 1
            elif kind == 0xE0:
                self._lost(device, now)
                return

    # -- publishing -----------------------------------------------------------------------
    def _reading(self, device: Device) -> tuple[int, bytes]:
        ts = max(int(time.time() * 1000), device.last_ts + 1)
        device.last_ts = ts
        rng = self.rng
        body = (
            f'{{"ts":{ts},"values":{{"pm25":{round(rng.uniform(5, 80), 1)},'
            f'"co2":{rng.randint(400, 1400)},"tvoc":{round(rng.uniform(0.1, 0.6), 2)}}}}}'
        ).encode()
        return ts, body

    def _flush(self, device: Device, now: float) -> None:
        packets = []
        while device.waiting and len(device.inflight) < INFLIGHT:
            ts, body = device.waiting.popleft()
            device.next_id = device.next_id % 65535 + 1
            while device.next_id in device.inflight:
                device.next_id = device.next_id % 65535 + 1
            remaining = len(device.topic) + 2 + 1 + len(body)
            packets.append(
                b"\x32"
                + _varint(remaining)
                + device.topic
                + struct.pack("!H", device.next_id)
                + b"\x00"
                + body
            )
            device.inflight[device.next_id] = (ts, body)
        if packets:
            try:
                device.sock.setblocking(True)
                device.sock.settimeout(2)
                device.sock.sendall(b"".join(packets))
                device.sock.setblocking(False)
            except OSError:
                self._lost(device, now)

    def step(self) -> None:
        now = time.monotonic()
        for device in self.devices:
            if self.publishing and now >= device.next_reading:
                device.waiting.append(self._reading(device))
                self.counts["readings"] += 1
                device.next_reading += self.period
            if device.sock is None:
                if now >= device.reconnect_at and (device.waiting or device.inflight):
                    self._connect(device, now)
            elif device.connected and device.waiting:
                self._flush(device, now)
        for key, _ in self.poller.select(timeout=0.02):
            self._read(key.data, time.monotonic())

    @property
    def unanswered(self) -> int:
        return sum(len(d.inflight) + len(d.waiting) for d in self.devices)

    def close(self) -> None:
        for device in self.devices:
            if device.sock is not None:
                with contextlib.suppress(OSError):
                    device.sock.sendall(b"\xe0\x00")
                device.sock.close()


def fleet_run(port, devices, period, stop_event, drain_event, out_path, drain_timeout=180) -> None:
    """Publish until `stop_event`, then (until `drain_event` or the timeout) only deliver
    what is still unanswered; write the figures and the accepted readings to `out_path`."""
    fleet = Fleet(port, devices, period=period)
    while not stop_event.is_set():
        fleet.step()
    fleet.publishing = False
    deadline = time.monotonic() + drain_timeout
    while fleet.unanswered and time.monotonic() < deadline and not drain_event.is_set():
        fleet.step()
    fleet.close()
    with open(out_path, "w") as out:
        json.dump(
            {
                "devices": len(devices),
                "readings": fleet.counts["readings"],
                "accepted": len(fleet.accepted),
                "unanswered": fleet.unanswered,
                "counts": dict(fleet.counts),
                "accepted_readings": fleet.accepted,
            },
            out,
        )
