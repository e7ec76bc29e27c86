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
from django.utils.translation import gettext as _

from parkos.iot.models import (
    Alarm,
    AlarmRule,
    AlarmStatus,
    Comparison,
    Device,
    LatestValue,
    RuleKind,
    RuleState,
)

RULES_TTL = 5.0
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


def _limit_text(comparison: str, low, high) -> str:
    if comparison == Comparison.ABOVE:
        return _("above %(limit)s") % {"limit": high}
    if comparison == Comparison.BELOW:
        return _("below %(limit)s") % {"limit": low}
    return _("outside %(low)s–%(high)s") % {"low": low, "high": high}


class _Episode:
    """The holding state of one rule for one device, saved only when it changes."""

    def __init__(self, rule: AlarmRule, device: Device):
        self.rule, self.device = rule, device
        self.state = RuleState.objects.filter(rule=rule, device=device).first()
        self.since = self.state.holding_since if self.state else None
        self.fired = self.state.fired if self.state else False
        self.changed = False

    def observe(self, ts: datetime, holds: bool, value, message: str) -> None:
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


def _rule_raise(rule, device, *, value, message, at) -> Alarm:
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
        alarm_clear(actor=None, alarm=alarm, note=_("The condition no longer holds."))


def _unit(device: Device, key: str) -> str:
    for spec in device.device_type.keys.all():
        if spec.key == key:
            return spec.unit
    return ""


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
        unit = _unit(device, rule.key)
        for r in readings:
            if r.key == rule.key and r.value is not None:
                holds = compare(rule.comparison, r.value, rule.low, rule.high)
                message = _("%(key)s is %(value)s%(unit)s, %(limit)s") % {
                    "key": rule.key,
                    "value": round(r.value, 2),
                    "unit": unit,
                    "limit": _limit_text(rule.comparison, rule.low, rule.high),
                }
                episode.observe(r.ts, holds, r.value, message)
    elif rule.kind == RuleKind.RATE:
        last = previous.get((device.id, rule.key))
        for r in readings:
            if r.key != rule.key or r.value is None:
                continue
            if last is not None and last[1] is not None and r.ts > last[0]:
                minutes = (r.ts - last[0]).total_seconds() / 60
                rate = abs(r.value - last[1]) / minutes
                message = _("%(key)s changes by %(rate)s per minute (limit %(limit)s)") % {
                    "key": rule.key,
                    "rate": round(rate, 2),
                    "limit": rule.rate_per_minute,
                }
                episode.observe(r.ts, rate > rule.rate_per_minute, r.value, message)
            last = (r.ts, r.value)
    elif rule.kind == RuleKind.NO_DATA:
        episode.observe(readings[-1].ts, False, None, "")
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
        message = "; ".join(
            f"{c['key']}={latest.get(c['key'])} {_limit_text(c['comparison'], c.get('low'), c.get('high'))}"
            for c in rule.conditions
        )
        episode.observe(readings[-1].ts, holds, None, message)
    episode.save()


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
                _("No data for %(minutes)s minutes (last seen %(seen)s)")
                % {
                    "minutes": rule.silence_minutes,
                    "seen": timezone.localtime(since).strftime("%Y-%m-%d %H:%M")
                    if device.last_seen_at
                    else _("never"),
                },
            )
            episode.changed = True
            episode.save()
            raised += 1
    return raised
