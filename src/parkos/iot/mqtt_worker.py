"""An MQTT ingest worker. Several share the load through one MQTT 5 shared subscription;
each keeps a persistent session (QoS 1) and acknowledges a message only once the batch it
belongs to is committed, so a worker or broker that dies loses nothing: unacknowledged
messages come again and the (device, key, ts) key drops the copies."""

import logging
import queue
import threading
import time
from collections import Counter

from django.db import close_old_connections

from parkos.iot.broker import SHARE_GROUP, TOPIC_ROOT, broker_address, mqtt_client
from parkos.iot.credentials import identity_for_device
from parkos.iot.ingest import (
    PayloadRejected,
    attributes_ingest,
    ingest_reject_count,
    telemetry_ingest,
)

logger = logging.getLogger(__name__)

CHANNEL = "mqtt"
SESSION_EXPIRY = 7 * 24 * 3600
SUBSCRIPTIONS = [
    f"$share/{SHARE_GROUP}/{TOPIC_ROOT}/+/telemetry",
    f"$share/{SHARE_GROUP}/{TOPIC_ROOT}/+/attributes",
]


class IngestWorker:
    def __init__(
        self,
        *,
        url: str | None = None,
        name: str = "1",
        batch_size: int = 2000,
        batch_wait: float = 0.1,
        silence_check_every: float = 60.0,
    ):
        self.address = broker_address(url)
        self.name = name
        self.batch_size = batch_size
        self.batch_wait = batch_wait
        self.silence_check_every = silence_check_every
        self.inbox: queue.Queue = queue.Queue()
        self.stopping = threading.Event()
        self.connected = threading.Event()
        self.processed = 0
        self.client = None
        self._thread: threading.Thread | None = None

    # -- connection ---------------------------------------------------------------
    def _connect(self) -> None:
        from paho.mqtt.packettypes import PacketTypes
        from paho.mqtt.properties import Properties

        self.client = mqtt_client(
            client_id=f"parkos-ingest-{self.name}",
            address=self.address,
            manual_ack=True,
            reconnect_on_failure=True,
        )
        self.client.max_queued_messages_set(0)
        self.client.reconnect_delay_set(min_delay=0.2, max_delay=2)
        self.client.on_connect = self._on_connect
        self.client.on_subscribe = self._on_subscribe
        self.client.on_disconnect = lambda *args: self.connected.clear()
        self.client.on_message = lambda client, userdata, message: self.inbox.put(message)
        properties = Properties(PacketTypes.CONNECT)
        properties.SessionExpiryInterval = SESSION_EXPIRY
        properties.ReceiveMaximum = 65535
        self.client.connect_async(
            self.address.host,
            self.address.port,
            keepalive=20,
            clean_start=False,
            properties=properties,
        )
        self.client.loop_start()

    def _on_connect(self, client, userdata, flags, reason_code, properties):
        if reason_code.is_failure:
            logger.error("ingest worker %s refused by the broker: %s", self.name, reason_code)
            return
        if flags.session_present:
            # Mosquitto 2.0 restores a shared subscription from its store after a restart
            # without delivering to it; dropping and renewing it keeps the session's queue.
            client.unsubscribe(SUBSCRIPTIONS)
        client.subscribe([(topic, 1) for topic in SUBSCRIPTIONS])

    def _on_subscribe(self, client, userdata, mid, reason_codes, properties):
        refused = [code for code in reason_codes if code.is_failure]
        if refused:
            logger.error("ingest worker %s: subscription refused: %s", self.name, refused)
            return
        self.connected.set()

    # -- processing ---------------------------------------------------------------
    def _collect(self) -> list:
        try:
            first = self.inbox.get(timeout=0.5)
        except queue.Empty:
            return []
        batch = [first]
        deadline = time.monotonic() + self.batch_wait
        while len(batch) < self.batch_size:
            remaining = deadline - time.monotonic()
            try:
                batch.append(
                    self.inbox.get(timeout=max(remaining, 0))
                    if remaining > 0
                    else self.inbox.get_nowait()
                )
            except queue.Empty:
                break
        return batch

    def process(self, messages: list) -> None:
        """Store a batch, then acknowledge every message of it."""
        telemetry, garbage = [], Counter()
        for message in messages:
            parts = message.topic.split("/")
            identity = identity_for_device(parts[3]) if len(parts) == 5 else None
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
        self.after_commit(messages)
        for message in messages:
            self.client.ack(message.mid, message.qos)
        self.processed += len(messages)

    def after_commit(self, messages: list) -> None:
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
        """A database hiccup must not drop a batch: retry it (its messages stay unacked)."""
        delay = 0.2
        while not self.stopping.is_set():
            try:
                close_old_connections()
                self.process(batch)
                return
            except Exception:
                logger.exception("ingest batch of %d failed; retrying", len(batch))
                time.sleep(delay)
                delay = min(delay * 2, 5)

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
