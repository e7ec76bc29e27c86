"""The ingest pipeline shared by the HTTP device API and the MQTT workers: parse a payload,
check each value against the device type, store the readings once, keep the latest value per
key, count every outcome and let the rules look at what is new.

Payloads are ThingsBoard's: `{"key": value}`, `{"ts": ms, "values": {...}}` or a list of
either."""

import json
import logging
import math
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from math import isfinite
from uuid import UUID

from django.db import transaction
from django.utils import timezone

from parkos.iot import storage
from parkos.iot.credentials import DeviceIdentity
from parkos.iot.models import ValueKind

logger = logging.getLogger(__name__)

MAX_PAYLOAD_BYTES = 64 * 1024
EARLIEST = datetime(2000, 1, 1, tzinfo=UTC)
# Device clocks drift; a reading further ahead than this is a broken clock, not the future.
FUTURE_TOLERANCE = timedelta(hours=1)
MAX_KEY_LENGTH = 64
EARLIEST_US = storage.ts_us(EARLIEST)
FUTURE_TOLERANCE_US = FUTURE_TOLERANCE // timedelta(microseconds=1)


class PayloadRejected(Exception):
    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True, slots=True)
class Reading:
    device_id: UUID
    key: str
    ts: datetime
    value: float | None
    text: str | None


@dataclass
class IngestResult:
    stored: int = 0
    duplicates: int = 0
    counts: Counter = field(default_factory=Counter)

    @property
    def rejected(self) -> int:
        return sum(n for reason, n in self.counts.items() if reason.startswith("rejected_"))


def payload_parse(body: bytes | str) -> list[tuple[object, dict]]:
    """The (timestamp or None, values) pairs of a payload, or PayloadRejected."""
    if len(body) > MAX_PAYLOAD_BYTES:
        raise PayloadRejected("rejected_too_large")
    try:
        data = json.loads(body)
    except (ValueError, UnicodeDecodeError) as broken:
        raise PayloadRejected("rejected_malformed") from broken
    items = data if isinstance(data, list) else [data]
    if not items:
        raise PayloadRejected("rejected_malformed")
    entries = []
    for item in items:
        if not isinstance(item, dict):
            raise PayloadRejected("rejected_malformed")
        if (
            "values" in item
            and isinstance(item["values"], dict)
            and (len(item) == 1 or (len(item) == 2 and "ts" in item))
        ):
            entries.append((item.get("ts"), item["values"]))
        else:
            entries.append((None, item))
    return entries


def _timestamp_us(raw, now_us: int) -> tuple[int | None, str | None]:
    """Microseconds since the epoch of a payload's `ts` (milliseconds), or the problem."""
    if raw is None:
        return now_us, None
    if isinstance(raw, bool) or not isinstance(raw, int | float) or not math.isfinite(raw):
        return None, "rejected_bad_timestamp"
    ts = int(raw) * 1000
    if ts < EARLIEST_US:
        return None, "rejected_too_old"
    if ts > now_us + FUTURE_TOLERANCE_US:
        return None, "rejected_future"
    return ts, None


def _number(raw) -> float | None:
    if isinstance(raw, bool):
        return None
    if isinstance(raw, int | float):
        try:
            number = float(raw)
        except OverflowError:
            return None
    elif isinstance(raw, str):
        try:
            number = float(raw.strip())
        except ValueError:
            return None
    else:
        return None
    return number if math.isfinite(number) else None


_NUMBER = str(ValueKind.NUMBER)
_TRUE = {"true", "on", "1", "yes"}
_FALSE = {"false", "off", "0", "no"}


# Keys seen to be storable, so that each is checked once per process, not once per reading.
_good_keys: set[str] = set()
GOOD_KEYS_KEPT = 10_000


def _key_check(key: str) -> bool:
    """A key must be 1-64 characters that PostgreSQL can store in a text column: no NUL,
    nothing that is not valid UTF-8 (a lone surrogate from a JSON escape)."""
    if not key or len(key) > MAX_KEY_LENGTH or "\x00" in key or not key.isprintable():
        return False
    try:
        key.encode()
    except UnicodeEncodeError:
        return False
    if len(_good_keys) < GOOD_KEYS_KEPT:
        _good_keys.add(key)
    return True


def _storable_text(text: str) -> str:
    """Text as PostgreSQL can store it: no NUL, lone surrogates replaced."""
    text = text[:4000]
    if not text.isascii():
        text = text.encode("utf-8", "replace").decode()
    return text.replace("\x00", "") if "\x00" in text else text


def value_coerce(raw, kind: str | None) -> tuple[float | None, str | None] | None:
    """(value, text) for a raw value of a key of `kind` (None: a key the type does not
    declare); None when the value does not fit the kind."""
    if kind == ValueKind.NUMBER:
        number = _number(raw)
        return None if number is None else (number, None)
    if kind == ValueKind.BOOLEAN:
        if isinstance(raw, bool):
            return (1.0 if raw else 0.0), None
        if isinstance(raw, int | float) and raw in (0, 1):
            return float(raw), None
        if isinstance(raw, str) and raw.strip().lower() in _TRUE | _FALSE:
            return (1.0 if raw.strip().lower() in _TRUE else 0.0), None
        return None
    if kind == ValueKind.TEXT:
        if raw is None:
            return None
        text = raw if isinstance(raw, str) else json.dumps(raw, ensure_ascii=False)
        return None, _storable_text(text)
    # A key the type does not declare is kept as it comes, as ThingsBoard does.
    if isinstance(raw, bool):
        return (1.0 if raw else 0.0), None
    if isinstance(raw, int | float):
        number = _number(raw)
        return None if number is None else (number, None)
    if isinstance(raw, str):
        return None, _storable_text(raw)
    if raw is None:
        return None
    return None, _storable_text(json.dumps(raw, ensure_ascii=False))


def rows_build(
    *, identity: DeviceIdentity, entries, now_us: int, counts: Counter, rows: list
) -> None:
    """Append the readings of a parsed payload to `rows` as storage row tuples
    (device_id, key, ts_us, value, text), counting what does not fit."""
    device_id, kinds = identity.device_id, identity.keys
    for raw_ts, values in entries:
        ts, problem = _timestamp_us(raw_ts, now_us)
        if problem:
            counts[problem] += max(len(values), 1)
            continue
        for key, raw in values.items():
            if key not in _good_keys and not _key_check(key):
                counts["rejected_bad_key"] += 1
                continue
            # The common case, a number for a numeric key, without a call per value.
            if type(raw) is float:
                kind = kinds.get(key)
                if kind is None or kind == _NUMBER:
                    if isfinite(raw):
                        rows.append((device_id, key, ts, raw, None))
                    else:
                        counts["rejected_bad_value"] += 1
                    continue
            elif type(raw) is int:
                kind = kinds.get(key)
                if kind is None or kind == _NUMBER:
                    number = _number(raw)
                    if number is None:
                        counts["rejected_bad_value"] += 1
                    else:
                        rows.append((device_id, key, ts, number, None))
                    continue
            coerced = value_coerce(raw, kinds.get(key))
            if coerced is None:
                counts["rejected_bad_value"] += 1
                continue
            rows.append((device_id, key, ts, coerced[0], coerced[1]))


def _now() -> datetime:
    now = timezone.now()
    return now.replace(microsecond=now.microsecond // 1000 * 1000)


def telemetry_ingest(
    *, items: list[tuple[DeviceIdentity, bytes]], channel: str, now: datetime | None = None
) -> IngestResult:
    """Ingest a batch of payloads from known devices, in one transaction."""
    now = now or _now()
    now_us = storage.ts_us(now)
    result = IngestResult()
    counts = result.counts
    rows: list[tuple] = []
    identities: dict[UUID, DeviceIdentity] = {}
    for identity, body in items:
        identities[identity.device_id] = identity
        try:
            entries = payload_parse(body)
        except PayloadRejected as rejected:
            counts[rejected.reason] += 1
            continue
        rows_build(identity=identity, entries=entries, now_us=now_us, counts=counts, rows=rows)
    counts["messages"] += len(items)
    with transaction.atomic():
        if rows:
            written = storage.telemetry_rows_store(rows, watched=_watched(identities))
            result.stored = written.inserted
            result.duplicates = len(rows) - written.inserted
            if written.rows:
                _rules_evaluate(written.rows, written.previous, identities)
        storage.devices_seen(list(identities), now)
        counts["accepted"] += result.stored
        counts["duplicate"] += result.duplicates
        storage.ingest_counts_add(channel=channel, day=timezone.localdate(now), counts=counts)
    if rows:
        _publish_latest(rows, identities)
    return result


def ingest_reject_count(*, channel: str, reason: str, n: int = 1) -> None:
    """Count something turned away before it reached a device (an unknown token, garbage)."""
    storage.ingest_counts_add(
        channel=channel, day=timezone.localdate(), counts=Counter({reason: n})
    )


def attributes_ingest(*, identity: DeviceIdentity, body: bytes, channel: str) -> dict:
    """Merge the client attributes a device reports (firmware, model, ...)."""
    if len(body) > MAX_PAYLOAD_BYTES:
        raise PayloadRejected("rejected_too_large")
    try:
        data = json.loads(body)
    except (ValueError, UnicodeDecodeError) as broken:
        raise PayloadRejected("rejected_malformed") from broken
    if not isinstance(data, dict):
        raise PayloadRejected("rejected_malformed")
    with transaction.atomic():
        attributes = storage.device_attributes_merge(identity.device_id, data)
        storage.devices_seen([identity.device_id], _now())
        storage.ingest_counts_add(
            channel=channel, day=timezone.localdate(), counts=Counter({"attributes": 1})
        )
    return attributes


def _watched(identities: dict[UUID, DeviceIdentity]) -> set[UUID]:
    from parkos.iot.rules import rules_for_device

    return {
        device_id
        for device_id, identity in identities.items()
        if rules_for_device(device_id=device_id, device_type_id=identity.device_type_id)
    }


def _rules_evaluate(rows: list[Reading], previous: dict, identities) -> None:
    from parkos.iot.rules import readings_evaluate

    by_device: dict[UUID, list[Reading]] = defaultdict(list)
    for reading in rows:
        by_device[reading.device_id].append(reading)
    try:
        # A broken rule must not cost the readings: its work is undone alone.
        with transaction.atomic():
            readings_evaluate(by_device=by_device, previous=previous, identities=identities)
    except Exception:
        logger.exception("rule evaluation failed for %d devices", len(by_device))


LIVE_DEVICES_PER_BATCH = 300


def _publish_latest(rows: list[tuple], identities: dict[UUID, DeviceIdentity]) -> None:
    from parkos.iot.live import live_publish

    latest: dict[UUID, dict[str, list]] = {}
    # Rows of one message follow each other: the device is looked up by identity first,
    # since hashing a UUID is a Python call.
    last_device, values = None, None
    for device_id, key, ts, value, _text in rows:
        if value is None:
            continue
        if device_id is not last_device:
            last_device = device_id
            values = latest.get(device_id)
            if values is None:
                if len(latest) >= LIVE_DEVICES_PER_BATCH:
                    last_device = None
                    continue
                values = latest[device_id] = {}
        current = values.get(key)
        if current is None or current[0] < ts // 1000:
            values[key] = [ts // 1000, value]
    by_park: dict[str, list] = defaultdict(list)
    for device_id, values in latest.items():
        park_id = str(identities[device_id].park_id)
        by_park[park_id].append({"device": str(device_id), "values": values})
    for park_id, devices in by_park.items():
        transaction.on_commit(
            lambda park_id=park_id, devices=devices: live_publish(
                {"type": "telemetry", "park": park_id, "devices": devices}
            )
        )
