"""Live events for the operations center. Every process keeps a short ring of recent events
that its Server-Sent-Event streams read from. Without Redis an event goes straight into the
ring of the process that produced it; with REDIS_URL it is published on a Redis channel and
each process's listener thread puts it into its own ring, so a worker's alarm reaches every
web process."""

import asyncio
import json
import logging
import threading
import time
from collections import deque

from django.conf import settings

logger = logging.getLogger(__name__)

CHANNEL = "parkos:iot:live"
RING_SIZE = 2000


class EventRing:
    def __init__(self, size: int = RING_SIZE):
        self._events: deque[tuple[int, dict]] = deque(maxlen=size)
        self._sequence = 0
        self._changed = threading.Condition()

    @property
    def last(self) -> int:
        return self._sequence

    def append(self, event: dict) -> None:
        with self._changed:
            self._sequence += 1
            self._events.append((self._sequence, event))
            self._changed.notify_all()

    def since(self, sequence: int) -> list[tuple[int, dict]]:
        with self._changed:
            return [(n, event) for n, event in self._events if n > sequence]

    def wait(self, sequence: int, timeout: float) -> list[tuple[int, dict]]:
        """Events after `sequence`, waiting up to `timeout` seconds for one."""
        with self._changed:
            if self._sequence <= sequence:
                self._changed.wait(timeout)
        return self.since(sequence)

    async def wait_async(self, sequence: int, timeout: float) -> list[tuple[int, dict]]:
        deadline = time.monotonic() + timeout
        while self._sequence <= sequence and time.monotonic() < deadline:
            await asyncio.sleep(0.05)
        return self.since(sequence)


ring = EventRing()
_listener_lock = threading.Lock()
_listener: threading.Thread | None = None
_redis_client = None


def _redis():
    global _redis_client
    if _redis_client is None:
        import redis

        _redis_client = redis.Redis.from_url(settings.REDIS_URL)
    return _redis_client


def live_publish(event: dict) -> None:
    """Send an event to every open live stream. Best effort: a live view that misses one
    catches up on its next refresh, so a failure is logged and not raised."""
    if settings.REDIS_URL:
        try:
            _redis().publish(CHANNEL, json.dumps(event, default=str))
            return
        except Exception:
            logger.exception("live event not published to Redis; kept in this process")
    ring.append(event)


def _listen() -> None:
    import redis

    while True:
        try:
            pubsub = redis.Redis.from_url(settings.REDIS_URL).pubsub(ignore_subscribe_messages=True)
            pubsub.subscribe(CHANNEL)
            for message in pubsub.listen():
                try:
                    ring.append(json.loads(message["data"]))
                except (ValueError, TypeError):
                    logger.warning("unreadable live event dropped")
        except Exception:
            logger.exception("live listener lost Redis; reconnecting")
            time.sleep(1)


def live_listen() -> None:
    """Start (once per process) the thread that relays Redis events into the ring."""
    global _listener
    if not settings.REDIS_URL:
        return
    with _listener_lock:
        if _listener is None or not _listener.is_alive():
            _listener = threading.Thread(target=_listen, name="iot-live-listener", daemon=True)
            _listener.start()
