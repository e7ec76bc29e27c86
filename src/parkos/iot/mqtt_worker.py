"""An MQTT ingest worker. Several share the load through one MQTT 5 shared subscription;
each keeps a persistent session (QoS 1) and acknowledges a message only once the batch it
belongs to is committed, so a worker or broker that dies loses nothing: unacknowledged
messages come again and the (device, key, ts) key drops the copies."""

import logging
import random
import struct
import threading
import time
from collections import Counter, deque

from django.db import close_old_connections

from parkos.iot.broker import INGEST_SUBSCRIPTIONS, broker_address, mqtt_client
from parkos.iot.credentials import identities_for_devices
from parkos.iot.ingest import (
    PayloadRejected,
    attributes_ingest,
    ingest_reject_count,
    telemetry_ingest,
)

logger = logging.getLogger(__name__)

CHANNEL = "mqtt"
SESSION_EXPIRY = 7 * 24 * 3600
# How long a worker trusts what it knows of a device (its type and keys). The broker has
# already checked the device's login, and a revoked device is disconnected by the broker.
IDENTITY_TTL = 60.0
_PUBACK = struct.Struct("!BBH")
_PUBACK_COMMAND = 0x40


def _database_unavailable(error: BaseException | None) -> bool:
    """The database could not be reached or is busy (PEP 249's OperationalError and
    InterfaceError, whichever driver raised them), rather than refusing the data."""
    while error is not None:
        if type(error).__name__ in ("OperationalError", "InterfaceError"):
            return True
        error = error.__cause__
    return False


class IngestMessage:
    __slots__ = ("mid", "payload", "qos", "topic")

    def __init__(self, topic: str, payload: bytes, mid: int, qos: int):
        self.topic, self.payload, self.mid, self.qos = topic, payload, mid, qos


def _varint(buffer, pos: int) -> tuple[int, int] | None:
    """(value, position after it) of an MQTT variable byte integer, None if incomplete."""
    value = shift = 0
    for _ in range(4):
        if pos >= len(buffer):
            return None
        byte = buffer[pos]
        value |= (byte & 0x7F) << shift
        pos += 1
        if not byte & 0x80:
            return value, pos
        shift += 7
    raise ValueError("malformed remaining length")


def _lean_client_class():
    """A paho client that reads what the socket has in one call and decodes PUBLISH packets
    without paho's per-message Properties object and topic-callback matching, which were
    three quarters of a worker's CPU at a few thousand messages per second. Every other
    packet goes through paho's own handling; if paho's internals are not the ones this was
    written against (paho-mqtt 2.x), the stock client is used."""
    import paho.mqtt.client as mqtt
    from paho.mqtt.enums import MQTTErrorCode

    # The keepalive logic compares _last_bytes_received with paho's own clock.
    clock = getattr(mqtt, "time_func", time.monotonic)
    needed = ("_packet_read", "_packet_handle", "_sock_recv", "_msgtime_mutex", "_in_packet")
    if not all(hasattr(mqtt.Client, name) for name in needed[:3]):
        return mqtt.Client

    class LeanClient(mqtt.Client):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            self._read_ahead = bytearray()
            self._deliver = None
            self._lean = all(hasattr(self, name) for name in needed)

        def reconnect(self):
            self._read_ahead = bytearray()
            return super().reconnect()

        def _packet_read(self):
            if not self._lean or self._in_packet["command"] != 0:
                return super()._packet_read()
            try:
                chunk = self._sock_recv(262144)
            except BlockingIOError:
                return MQTTErrorCode.MQTT_ERR_AGAIN
            except OSError as error:
                logger.warning("ingest connection lost: %s", error)
                return MQTTErrorCode.MQTT_ERR_CONN_LOST
            if not chunk:
                return MQTTErrorCode.MQTT_ERR_CONN_LOST
            with self._msgtime_mutex:
                self._last_bytes_received = clock()
            buffer = self._read_ahead
            buffer += chunk
            pos, size, deliver = 0, len(buffer), self._deliver
            rc = MQTTErrorCode.MQTT_ERR_SUCCESS
            try:
                while size - pos >= 2:
                    header = _varint(buffer, pos + 1)
                    if header is None or header[1] + header[0] > size:
                        break
                    length, start = header
                    end = start + length
                    command = buffer[pos]
                    if command & 0xF0 == 0x30 and command & 0x06 != 0x04:
                        topic_end = start + 2 + int.from_bytes(buffer[start : start + 2])
                        qos = (command & 0x06) >> 1
                        mid = 0
                        at = topic_end
                        if qos:
                            mid = int.from_bytes(buffer[at : at + 2])
                            at += 2
                        skip, at = _varint(buffer, at)
                        deliver(
                            IngestMessage(
                                buffer[start + 2 : topic_end].decode("utf-8", "replace"),
                                bytes(buffer[at + skip : end]),
                                mid,
                                qos,
                            )
                        )
                    else:
                        self._in_packet = {
                            "command": command,
                            "have_remaining": 1,
                            "remaining_count": [],
                            "remaining_mult": 1,
                            "remaining_length": length,
                            "packet": bytearray(buffer[start:end]),
                            "to_process": 0,
                            "pos": 0,
                        }
                        try:
                            rc = self._packet_handle()
                        finally:
                            self._in_packet = {
                                "command": 0,
                                "have_remaining": 0,
                                "remaining_count": [],
                                "remaining_mult": 1,
                                "remaining_length": 0,
                                "packet": bytearray(b""),
                                "to_process": 0,
                                "pos": 0,
                            }
                    pos = end
                    if rc != MQTTErrorCode.MQTT_ERR_SUCCESS:
                        break
            except (ValueError, TypeError) as error:
                logger.error("malformed packet from the broker: %s", error)
                rc = MQTTErrorCode.MQTT_ERR_PROTOCOL
            del buffer[:pos]
            return rc

    return LeanClient


class IngestWorker:
    def __init__(
        self,
        *,
        url: str | None = None,
        name: str = "1",
        batch_size: int = 5000,
        batch_wait: float = 0.1,
        silence_check_every: float = 60.0,
    ):
        self.address = broker_address(url)
        self.name = name
        self.batch_size = batch_size
        self.batch_wait = batch_wait
        self.silence_check_every = silence_check_every
        # (connection generation, message), appended by the network thread.
        self.inbox: deque = deque()
        self.stopping = threading.Event()
        self.connected = threading.Event()
        self.generation = 0
        self._generation_lock = threading.Lock()
        self.processed = 0
        self.client = None
        self._identities: dict[str, tuple[float, object]] = {}
        self._thread: threading.Thread | None = None

    # -- connection ---------------------------------------------------------------
    def _connect(self) -> None:
        from paho.mqtt.packettypes import PacketTypes
        from paho.mqtt.properties import Properties

        self.client = mqtt_client(
            client_id=f"parkos-ingest-{self.name}",
            address=self.address,
            client_class=_lean_client_class(),
            manual_ack=True,
            reconnect_on_failure=True,
        )
        if hasattr(self.client, "_deliver"):
            self.client._deliver = self._deliver
        self.client.max_queued_messages_set(0)
        self.client.reconnect_delay_set(min_delay=0.2, max_delay=2)
        self.client.on_connect = self._on_connect
        self.client.on_subscribe = self._on_subscribe
        self.client.on_disconnect = self._on_disconnect
        self.client.on_message = self._on_message
        properties = Properties(PacketTypes.CONNECT)
        properties.SessionExpiryInterval = SESSION_EXPIRY
        # Enough unacknowledged messages for the batch being stored and the next one; not
        # more, since the broker sends all of them again after a reconnection.
        properties.ReceiveMaximum = min(4 * self.batch_size, 65535)
        self.client.connect_async(
            self.address.host,
            self.address.port,
            # A broker saving a large backlog to disk can stay silent for many seconds.
            keepalive=60,
            clean_start=False,
            properties=properties,
        )
        self.client.loop_start()

    def _on_message(self, client, userdata, message) -> None:
        self.inbox.append((self.generation, message))

    def _deliver(self, message: IngestMessage) -> None:
        self.inbox.append((self.generation, message))

    def _on_connect(self, client, userdata, flags, reason_code, properties):
        if reason_code.is_failure:
            logger.error("ingest worker %s refused by the broker: %s", self.name, reason_code)
            return
        # Subscribed again even when the session is present: Mosquitto 2.0 does not write
        # shared subscriptions to its persistence file, so after a broker restart the
        # session comes back with its queued messages but without them. Subscribing to a
        # subscription the session still has changes nothing (no unsubscribe first: that
        # would open a moment in which nobody is subscribed).
        client.subscribe([(topic, 1) for topic in INGEST_SUBSCRIPTIONS])

    def _on_disconnect(self, client, userdata, flags, reason_code, properties) -> None:
        if not self.stopping.is_set():
            logger.warning("ingest worker %s lost the broker: %s", self.name, reason_code)
        # Messages of the lost connection that are not acknowledged yet come again on the
        # next one, with packet ids the broker may then give to other messages: they are
        # forgotten here and acknowledging them is left to their new copies.
        with self._generation_lock:
            self.generation += 1
            self.inbox.clear()
        self.connected.clear()

    def _on_subscribe(self, client, userdata, mid, reason_codes, properties):
        refused = [code for code in reason_codes if code.is_failure]
        if refused:
            logger.error("ingest worker %s: subscription refused: %s", self.name, refused)
            return
        if not self.connected.is_set():
            logger.info("ingest worker %s subscribed", self.name)
        self.connected.set()

    # -- processing ---------------------------------------------------------------
    def _collect(self) -> list:
        """Up to batch_size messages: wait up to 0.5 s for the first one, then batch_wait
        for more. Polling a deque costs less than a lock per message at 10,000 msg/s."""
        inbox, batch, size = self.inbox, [], self.batch_size
        first_by = time.monotonic() + 0.5
        full_by = None
        while True:
            while inbox and len(batch) < size:
                batch.append(inbox.popleft())
            now = time.monotonic()
            if batch and full_by is None:
                full_by = now + self.batch_wait
            if (
                len(batch) >= size
                or self.stopping.is_set()
                or (full_by is not None and now >= full_by)
                or (full_by is None and now >= first_by)
            ):
                return batch
            time.sleep(0.005)

    def _identities_refresh(self, batch: list) -> None:
        """Look up, all at once, the devices of a batch this worker does not know (or no
        longer trusts); each device's entry expires at its own time, so refreshes spread."""
        now = time.monotonic()
        known = self._identities
        stale = set()
        for _generation, message in batch:
            parts = message.topic.split("/", 4)
            if len(parts) == 5:
                entry = known.get(parts[3])
                if entry is None or entry[0] < now:
                    stale.add(parts[3])
        if stale:
            for device_id, identity in identities_for_devices(stale).items():
                known[device_id] = (now + IDENTITY_TTL * (0.5 + random.random()), identity)

    def process(self, batch: list) -> None:
        """Store a batch of (generation, message), then acknowledge every message of it."""
        self._identities_refresh(batch)
        known = self._identities
        telemetry, garbage = [], Counter()
        for _generation, message in batch:
            parts = message.topic.split("/")
            entry = known.get(parts[3]) if len(parts) == 5 else None
            identity = entry[1] if entry else None
            if identity is None:
                garbage["rejected_unknown_device"] += 1
            elif parts[4] == "telemetry":
                telemetry.append((identity, message.payload))
            else:
                try:
                    attributes_ingest(identity=identity, body=message.payload, channel=CHANNEL)
                except PayloadRejected as rejected:
                    garbage[rejected.reason] += 1
        if telemetry:
            telemetry_ingest(items=telemetry, channel=CHANNEL)
        for reason, n in garbage.items():
            ingest_reject_count(channel=CHANNEL, reason=reason, n=n)
        self.after_commit(batch)
        self._acknowledge(batch)
        self.processed += len(batch)

    def _acknowledge(self, batch: list) -> None:
        """One write of all the PUBACKs of a batch instead of one queued packet (and one
        send) per message. Only messages of the current connection are acknowledged."""
        queue_packet = getattr(self.client, "_packet_queue", None)
        with self._generation_lock:
            generation = self.generation
            mids = [m.mid for g, m in batch if g == generation and m.qos == 1]
            if queue_packet is None:
                for mid in mids:
                    self.client.ack(mid, 1)
            elif mids:
                packet = b"".join([_PUBACK.pack(_PUBACK_COMMAND, 2, mid) for mid in mids])
                queue_packet(_PUBACK_COMMAND, packet, 0, 0)

    def after_commit(self, batch: list) -> None:
        """A hook between commit and acknowledgement (the tests crash a worker here)."""

    def run(self) -> None:
        from parkos.iot.rules import rules_silence_check

        self._connect()
        last_check = time.monotonic()
        while not self.stopping.is_set():
            batch = self._collect()
            if batch:
                self._process_until_stored(batch)
            if time.monotonic() - last_check > self.silence_check_every:
                last_check = time.monotonic()
                try:
                    rules_silence_check()
                except Exception:
                    logger.exception("silence check failed")
        self.client.disconnect()
        self.client.loop_stop()

    def _process_until_stored(self, batch: list) -> None:
        """A database that is down or busy must not cost a batch: it is retried as it is (its
        messages stay unacknowledged). A batch that fails while the database answers holds
        a message that cannot be stored; its messages are then stored one by one and the
        one that fails is counted and dropped, so that it cannot block the worker."""
        delay, failures = 0.2, 0
        while not self.stopping.is_set():
            try:
                close_old_connections()
                self.process(batch)
                return
            except Exception as error:
                if not _database_unavailable(error):
                    failures += 1
                    if failures >= 2:
                        self._process_one_by_one(batch)
                        return
                logger.exception("ingest batch of %d failed; retrying", len(batch))
                time.sleep(delay)
                delay = min(delay * 2, 5)

    def _process_one_by_one(self, batch: list) -> None:
        for item in batch:
            delay = 0.2
            while not self.stopping.is_set():
                try:
                    close_old_connections()
                    self.process([item])
                    break
                except Exception as error:
                    if _database_unavailable(error):
                        time.sleep(delay)
                        delay = min(delay * 2, 5)
                        continue
                    logger.exception("message on %s cannot be stored; dropped", item[1].topic)
                    ingest_reject_count(channel=CHANNEL, reason="rejected_malformed")
                    self._acknowledge([item])
                    break

    # -- in-process use (tests, the demo) -----------------------------------------
    def start(self) -> "IngestWorker":
        self._thread = threading.Thread(
            target=self._run_closing, name=f"ingest-{self.name}", daemon=True
        )
        self._thread.start()
        return self

    def _run_closing(self) -> None:
        try:
            self.run()
        finally:
            close_old_connections()

    def stop(self, timeout: float = 10) -> None:
        self.stopping.set()
        if self._thread:
            self._thread.join(timeout)

    def crash(self) -> None:
        """Die like a killed process: no DISCONNECT, nothing acknowledged, the inbox lost."""
        self.stopping.set()
        if self.client is not None:
            self.client.loop_stop()
            sock = self.client.socket()
            if sock is not None:
                sock.close()
        if self._thread:
            self._thread.join(10)
