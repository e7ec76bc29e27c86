"""The door other apps (crowd) use to raise and clear alarms of their own making."""

from django.db import transaction
from django.utils import timezone

from parkos.core.errors import ValidationFailed
from parkos.iot.models import Alarm, AlarmStatus
from parkos.iot.services.alarms import alarm_clear, alarm_message_refresh, alarm_raise


def _check(source: str, key: str) -> None:
    if not source or len(source) > 40 or source == "rule":
        raise ValidationFailed.for_field("source", "source must be 1–40 characters, not 'rule'")
    if not key or len(key) > 200:
        raise ValidationFailed.for_field("key", "key must be 1–200 characters")


def alarm_raise_external(
    *,
    source: str,
    key: str,
    park,
    severity: str,
    title: str | dict,
    message: str | dict,
    building=None,
    device=None,
) -> Alarm:
    """One open alarm per (source, key): a repeat raises its count and updates its message.
    Title and message may be texts translated when shown (core.texts.text)."""
    _check(source, key)
    return alarm_raise(
        park=park,
        source=source,
        dedupe_key=key,
        severity=severity,
        title=title,
        message=message,
        building=building,
        device=device,
        at=timezone.now(),
    )


def alarm_message_refresh_external(*, source: str, key: str, message: str | dict) -> Alarm | None:
    """Bring the open alarm of (source, key) up to date with current figures, silently."""
    _check(source, key)
    return alarm_message_refresh(source=source, dedupe_key=key, message=message)


def alarm_clear_external(*, source: str, key: str, note: str | dict = "") -> Alarm | None:
    """Clear the open alarm of (source, key), if there is one."""
    _check(source, key)
    with transaction.atomic():
        alarm = (
            Alarm.objects.filter(source=source, dedupe_key=key)
            .exclude(status=AlarmStatus.CLEARED)
            .first()
        )
        if alarm is None:
            return None
        return alarm_clear(actor=None, alarm=alarm, note=note)
