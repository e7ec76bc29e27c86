"""The rule engine: looks at each batch of new readings (and, for silence, at the clock) and
raises or clears alarms. A rule fires once per episode: the condition must lapse before the
same rule raises again for the same device (the repeat then bumps the open alarm's count)."""

import threading
import time
from collections import defaultdict
from datetime import datetime, timedelta
from uuid import UUID

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_noop

from parkos.core.texts import text, translatable
from parkos.iot.models import (
    Alarm,
    AlarmRule,
    AlarmStatus,
    Comparison,
    Device,
    LatestValue,
    RuleKind,
    RuleState,
    Telemetry,
    ValueKind,
)

RULES_TTL = 5.0
# Rate rules compare a reading with one at least this much older.
RATE_WINDOW = timedelta(minutes=1)
_lock = threading.Lock()
_cache: dict = {"loaded_at": 0.0, "by_type": {}, "by_device": {}}


def rules_changed() -> None:
    """Forget the cached rules of this process (other processes refresh within RULES_TTL)."""
    with _lock:
        _cache["loaded_at"] = 0.0


def _rules() -> dict:
    with _lock:
        if time.monotonic() - _cache["loaded_at"] > RULES_TTL:
            by_type, by_device = defaultdict(list), defaultdict(list)
            for rule in AlarmRule.objects.filter(enabled=True):
                if rule.device_id:
                    by_device[rule.device_id].append(rule)
                else:
                    by_type[rule.device_type_id].append(rule)
            _cache.update(by_type=by_type, by_device=by_device, loaded_at=time.monotonic())
        return _cache


def rules_for_device(*, device_id: UUID, device_type_id: UUID, park_id: UUID | None = None):
    cache = _rules()
    found = list(cache["by_device"].get(device_id, ()))
    for rule in cache["by_type"].get(device_type_id, ()):
        if park_id is None or rule.park_id == park_id:
            found.append(rule)
    return found


def compare(comparison: str, value: float, low, high) -> bool:
    if comparison == Comparison.ABOVE:
        return value > high
    if comparison == Comparison.BELOW:
        return value < low
    return value < low or value > high


def _limit_text(comparison: str, low, high, unit: str = "") -> dict:
    if comparison == Comparison.ABOVE:
        return text(gettext_noop("above %(limit)s%(unit)s"), limit=high, unit=unit)
    if comparison == Comparison.BELOW:
        return text(gettext_noop("below %(limit)s%(unit)s"), limit=low, unit=unit)
    return text(gettext_noop("outside %(low)s–%(high)s%(unit)s"), low=low, high=high, unit=unit)


class _Episode:
    """The holding state of one rule for one device, saved only when it changes."""

    def __init__(self, rule: AlarmRule, device: Device):
        self.rule, self.device = rule, device
        self.state = RuleState.objects.filter(rule=rule, device=device).first()
        self.since = self.state.holding_since if self.state else None
        self.fired = self.state.fired if self.state else False
        self.changed = False

    def observe(self, ts: datetime, holds: bool, value, message: dict) -> None:
        if holds:
            if self.since is None:
                self.since, self.fired, self.changed = ts, False, True
            if not self.fired and (ts - self.since).total_seconds() >= self.rule.duration:
                _rule_raise(self.rule, self.device, value=value, message=message, at=ts)
                self.fired, self.changed = True, True
        elif self.since is not None:
            was_fired = self.fired
            self.since, self.fired, self.changed = None, False, True
            if was_fired and self.rule.auto_clear:
                _rule_clear(self.rule, self.device)

    def save(self) -> None:
        if self.changed:
            RuleState.objects.update_or_create(
                rule=self.rule,
                device=self.device,
                defaults={"holding_since": self.since, "fired": self.fired},
            )


def _dedupe_key(rule: AlarmRule, device: Device) -> str:
    return f"{rule.id}:{device.id}"


def _rule_raise(rule, device, *, value, message: dict, at) -> Alarm:
    from parkos.iot.services.alarms import alarm_raise

    return alarm_raise(
        park=device.park,
        source="rule",
        dedupe_key=_dedupe_key(rule, device),
        severity=rule.severity,
        title=f"{device.name} · {rule.name}",
        message=message,
        device=device,
        rule=rule,
        value=value,
        at=at,
    )


def _rule_clear(rule, device) -> None:
    from parkos.iot.services.alarms import alarm_clear

    alarm = (
        Alarm.objects.filter(source="rule", dedupe_key=_dedupe_key(rule, device))
        .exclude(status=AlarmStatus.CLEARED)
        .first()
    )
    if alarm is not None:
        alarm_clear(
            actor=None, alarm=alarm, note=text(gettext_noop("The condition no longer holds."))
        )


def _metric(device: Device, key: str) -> tuple[dict, str, bool]:
    """A key's name, to translate when shown, its unit, and whether it is a yes/no key."""
    for spec in device.device_type.keys.all():
        if spec.key == key:
            return translatable(spec.name or key), spec.unit, spec.value_kind == ValueKind.BOOLEAN
    return translatable(key), "", False


def _reading_text(name: dict, unit: str, boolean: bool, value, limit: dict) -> dict:
    if boolean and value is not None:
        return text(
            gettext_noop("%(key)s: %(value)s"),
            key=name,
            value=text(gettext_noop("yes") if value else gettext_noop("no")),
        )
    return text(
        gettext_noop("%(key)s is %(value)s%(unit)s, %(limit)s"),
        key=name,
        value=round(value, 2) if value is not None else "—",
        unit=unit if value is not None else "",
        limit=limit,
    )


def reading_message(*, device: Device, key: str, value, comparison: str, low=None, high=None):
    """The message of a reading breaking a threshold, translated when shown."""
    name, unit, boolean = _metric(device, key)
    return _reading_text(name, unit, boolean, value, _limit_text(comparison, low, high, unit))


def rate_message(*, device: Device, key: str, rate: float, limit: float) -> dict:
    """The message of a key changing faster than a rate rule allows."""
    name, unit, _boolean = _metric(device, key)
    return text(
        gettext_noop("%(key)s changes by %(rate)s%(unit)s per minute (limit %(limit)s)"),
        key=name,
        rate=round(rate, 2),
        unit=unit,
        limit=limit,
    )


def combination_message(*, device: Device, readings: list[tuple]) -> dict:
    """The message of a combination rule: each (key, value, comparison, low, high)."""
    parts = []
    for key, value, comparison, low, high in readings:
        name, unit, boolean = _metric(device, key)
        limit = _limit_text(comparison, low, high, unit)
        parts.append(_reading_text(name, unit, boolean, value, limit))
    return _joined(parts)


def _rate_reference(history: list[tuple], ts: datetime, previous):
    """The reading a rate is measured from: the latest at least RATE_WINDOW before `ts`
    (the last value before the batch when the stored history does not reach back so far)."""
    reference = None
    for at, value in history:
        if at > ts - RATE_WINDOW:
            break
        reference = (at, value)
    if reference is None and previous is not None and previous[0] <= ts - RATE_WINDOW:
        reference = previous
    return reference


def _rate_history(device: Device, key: str, readings: list) -> list[tuple]:
    timestamps = [r.ts for r in readings if r.key == key and r.value is not None]
    if not timestamps:
        return []
    return list(
        Telemetry.objects.filter(
            device_id=device.id,
            key=key,
            ts__gte=min(timestamps) - RATE_WINDOW,
            ts__lte=max(timestamps),
            value__isnull=False,
        )
        .order_by("ts")
        .values_list("ts", "value")
    )


def readings_evaluate(*, by_device: dict, previous: dict, identities: dict) -> None:
    devices = Device.objects.select_related("park", "building", "device_type").in_bulk(
        list(by_device)
    )
    for device_id, readings in by_device.items():
        device = devices.get(device_id)
        if device is None:
            continue
        rules = rules_for_device(
            device_id=device_id, device_type_id=device.device_type_id, park_id=device.park_id
        )
        readings = sorted(readings, key=lambda r: r.ts)
        for rule in rules:
            _evaluate(rule, device, readings, previous)


def _evaluate(rule: AlarmRule, device: Device, readings: list, previous: dict) -> None:
    episode = _Episode(rule, device)
    if rule.kind == RuleKind.THRESHOLD:
        name, unit, boolean = _metric(device, rule.key)
        limit = _limit_text(rule.comparison, rule.low, rule.high, unit)
        for r in readings:
            if r.key == rule.key and r.value is not None:
                holds = compare(rule.comparison, r.value, rule.low, rule.high)
                message = _reading_text(name, unit, boolean, r.value, limit)
                episode.observe(r.ts, holds, r.value, message)
    elif rule.kind == RuleKind.RATE:
        # Readings seconds apart differ by their noise; scaled to a minute, that noise
        # looks like a surge. The rate is measured over at least RATE_WINDOW instead.
        history = _rate_history(device, rule.key, readings)
        last = previous.get((device.id, rule.key))
        last = last if last is not None and last[1] is not None else None
        for r in readings:
            if r.key != rule.key or r.value is None:
                continue
            reference = _rate_reference(history, r.ts, last)
            if reference is not None:
                minutes = (r.ts - reference[0]).total_seconds() / 60
                rate = abs(r.value - reference[1]) / minutes
                message = rate_message(
                    device=device, key=rule.key, rate=rate, limit=rule.rate_per_minute
                )
                episode.observe(r.ts, rate > rule.rate_per_minute, r.value, message)
    elif rule.kind == RuleKind.NO_DATA:
        episode.observe(readings[-1].ts, False, None, {})
    elif rule.kind == RuleKind.COMBINATION:
        keys = [c["key"] for c in rule.conditions]
        latest = dict(
            LatestValue.objects.filter(device_id=device.id, key__in=keys).values_list(
                "key", "value"
            )
        )
        holds = all(
            latest.get(c["key"]) is not None
            and compare(c["comparison"], latest[c["key"]], c.get("low"), c.get("high"))
            for c in rule.conditions
        )
        message = combination_message(
            device=device,
            readings=[
                (c["key"], latest.get(c["key"]), c["comparison"], c.get("low"), c.get("high"))
                for c in rule.conditions
            ],
        )
        episode.observe(readings[-1].ts, holds, None, message)
    episode.save()


def _joined(parts: list[dict]) -> dict:
    """The conditions of a combination rule joined by "; ", each translated when shown."""
    names = [f"part{i}" for i in range(len(parts))]
    template = "; ".join(f"%({name})s" for name in names)
    return {"msgid": template, "params": dict(zip(names, parts, strict=True))}


def rules_silence_check(*, now: datetime | None = None) -> int:
    """Raise 'no data' alarms for devices silent longer than their rule allows. Run every
    minute by the ingest worker and the simulator; returns the alarms raised."""
    now = now or timezone.now()
    raised = 0
    for rule in AlarmRule.objects.filter(enabled=True, kind=RuleKind.NO_DATA).select_related(
        "park"
    ):
        cutoff = now - timedelta(minutes=rule.silence_minutes)
        devices = Device.objects.filter(park_id=rule.park_id).select_related(
            "park", "building", "device_type"
        )
        devices = (
            devices.filter(pk=rule.device_id)
            if rule.device_id
            else devices.filter(device_type_id=rule.device_type_id)
        )
        silent = devices.filter(
            Q(last_seen_at__lt=cutoff) | Q(last_seen_at__isnull=True, created_at__lt=cutoff)
        )
        fired = set(
            RuleState.objects.filter(rule=rule, fired=True).values_list("device_id", flat=True)
        )
        for device in silent:
            if device.id in fired:
                continue
            episode = _Episode(rule, device)
            since = device.last_seen_at or device.created_at
            episode.since = since
            episode.observe(
                now,
                True,
                None,
                text(
                    gettext_noop("No data for %(minutes)s minutes (last seen %(seen)s)"),
                    minutes=rule.silence_minutes,
                    seen=timezone.localtime(since).strftime("%Y-%m-%d %H:%M")
                    if device.last_seen_at
                    else text(gettext_noop("never")),
                ),
            )
            episode.changed = True
            episode.save()
            raised += 1
    return raised
