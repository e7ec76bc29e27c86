"""The life of an alarm: raised (or repeated), acknowledged, cleared; comments, assignment,
the ticket opened for it and the operators told about it, each kept as an AlarmEvent."""

import logging

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from parkos.accounts.models import Role
from parkos.accounts.selectors import users_with_role
from parkos.core.audit import audit_record
from parkos.core.errors import ValidationFailed
from parkos.iot import permissions
from parkos.iot.events import alarm_event_record, stored_text
from parkos.iot.live import live_publish
from parkos.iot.models import (
    Alarm,
    AlarmEvent,
    AlarmEventKind,
    AlarmStatus,
    Severity,
)
from parkos.iot.workflows import ALARM

logger = logging.getLogger(__name__)


def alarm_live_summary(alarm: Alarm) -> dict:
    return {
        "id": str(alarm.id),
        "title": alarm.title_text,
        "message": alarm.message_text,
        "severity": alarm.severity,
        "severity_label": str(alarm.get_severity_display()),
        "status": alarm.status,
        "status_label": str(alarm.get_status_display()),
        "count": alarm.count,
        "device": str(alarm.device_id) if alarm.device_id else None,
        "building": str(alarm.building_id) if alarm.building_id else None,
        "value": alarm.value,
        "raised_at": alarm.raised_at.isoformat(),
        "last_raised_at": alarm.last_raised_at.isoformat(),
        "ticket": str(alarm.ticket_id) if alarm.ticket_id else None,
    }


def _publish(alarm: Alarm, change: str) -> None:
    event = {
        "type": "alarm",
        "change": change,
        "park": str(alarm.park_id),
        "alarm": alarm_live_summary(alarm),
    }
    transaction.on_commit(lambda: live_publish(event))


def alarm_raise(
    *,
    park,
    source: str,
    dedupe_key: str,
    severity: str,
    title: str | dict,
    message: str | dict = "",
    building=None,
    device=None,
    rule=None,
    value: float | None = None,
    at=None,
) -> Alarm:
    """Raise an alarm, or bump the count of the one already open for (source, key). The
    title and message are plain words, or texts translated when shown (core.texts)."""
    if severity not in Severity.values:
        raise ValidationFailed.for_field("severity", _("Unknown severity."))
    at = at or timezone.now()
    message_spec = message if isinstance(message, dict) and message else None
    title, title_spec = stored_text(title)
    message, _spec = stored_text(message)
    texts = {
        name: spec
        for name, spec in (("title", title_spec), ("message", message_spec))
        if spec is not None
    }
    with transaction.atomic():
        existing = (
            Alarm.objects.select_for_update()
            .filter(source=source, dedupe_key=dedupe_key)
            .exclude(status=AlarmStatus.CLEARED)
            .first()
        )
        if existing is None:
            try:
                with transaction.atomic():
                    alarm = Alarm.objects.create(
                        park=park,
                        building=building or (device.building if device else None),
                        device=device,
                        rule=rule,
                        source=source,
                        dedupe_key=dedupe_key,
                        severity=severity,
                        title=title[:200],
                        message=message,
                        texts=texts,
                        value=value,
                        raised_at=at,
                        last_raised_at=at,
                    )
            except IntegrityError:
                # Another worker raised it a moment ago: this is a repeat of theirs.
                existing = (
                    Alarm.objects.select_for_update()
                    .filter(source=source, dedupe_key=dedupe_key)
                    .exclude(status=AlarmStatus.CLEARED)
                    .get()
                )
            else:
                alarm_event_record(
                    alarm,
                    AlarmEventKind.RAISED,
                    note=message_spec or message,
                    data={"value": value},
                    at=at,
                )
                if rule is not None and rule.opens_ticket:
                    _ticket_open(alarm, rule)
                _notify_on_duty(alarm)
                _publish(alarm, "raised")
                return alarm
        existing.count += 1
        existing.last_raised_at = max(at, existing.last_raised_at)
        if message:
            existing.message = message
            existing.texts = {**(existing.texts or {}), "message": message_spec}
            if message_spec is None:
                existing.texts.pop("message")
        existing.value = value if value is not None else existing.value
        existing.save(update_fields=["count", "last_raised_at", "message", "texts", "value"])
        alarm_event_record(
            existing,
            AlarmEventKind.REPEATED,
            note=message_spec or message,
            data={"value": value},
            at=at,
        )
        _publish(existing, "repeated")
        return existing


def alarm_message_refresh(*, source: str, dedupe_key: str, message: str | dict) -> Alarm | None:
    """Rewrite the open alarm's message with current figures, without counting a repeat or
    adding to its history: for a source whose situation drifts (a lead time shrinking, a
    threshold an operator moved) while nothing happens that an operator must see again."""
    text, spec = stored_text(message)
    with transaction.atomic():
        alarm = (
            Alarm.objects.select_for_update()
            .filter(source=source, dedupe_key=dedupe_key)
            .exclude(status=AlarmStatus.CLEARED)
            .first()
        )
        if alarm is None or (alarm.message == text and (alarm.texts or {}).get("message") == spec):
            return alarm
        alarm.message = text
        alarm.texts = {**(alarm.texts or {}), "message": spec}
        if spec is None:
            alarm.texts.pop("message")
        alarm.save(update_fields=["message", "texts"])
        _publish(alarm, "updated")
        return alarm


def alarm_acknowledge(*, actor, alarm: Alarm, note: str = "") -> Alarm:
    permissions.require_operate(actor, alarm.park_id)
    with transaction.atomic():
        alarm = ALARM.lock_for(alarm)
        alarm.acknowledged_by = actor
        alarm = ALARM.fire(
            alarm,
            "acknowledge",
            actor=actor,
            update_fields=["acknowledged_by"],
            note=note,
            lock=False,
        )
        audit_record(
            actor=actor, action="iot.alarm_acknowledge", instance=alarm, park_id=alarm.park_id
        )
        _publish(alarm, "acknowledged")
    return alarm


def alarm_clear(*, actor, alarm: Alarm, note: str | dict = "") -> Alarm:
    """Clear by an operator (actor) or by the system (actor None, e.g. a rule's auto-clear,
    whose note is a text worded when shown)."""
    if actor is not None:
        permissions.require_operate(actor, alarm.park_id)
    with transaction.atomic():
        alarm = ALARM.lock_for(alarm)
        alarm.cleared_by = actor
        alarm = ALARM.fire(
            alarm,
            "clear",
            actor=actor,
            update_fields=["cleared_by"],
            note=note,
            lock=False,
            # The system clears by its own rule; an operator's right was checked above.
            check=actor is not None,
        )
        if actor is not None:
            audit_record(
                actor=actor, action="iot.alarm_clear", instance=alarm, park_id=alarm.park_id
            )
        _publish(alarm, "cleared")
    return alarm


def alarm_comment(*, actor, alarm: Alarm, text: str) -> AlarmEvent:
    permissions.require_operate(actor, alarm.park_id)
    text = (text or "").strip()
    if not text:
        raise ValidationFailed.for_field("text", _("Write a comment."))
    if len(text) > 2000:
        raise ValidationFailed.for_field("text", _("A comment is at most 2000 characters."))
    with transaction.atomic():
        return alarm_event_record(alarm, AlarmEventKind.COMMENTED, actor=actor, note=text)


def alarm_assign(*, actor, alarm: Alarm, assignee) -> Alarm:
    permissions.require_operate(actor, alarm.park_id)
    if assignee is not None and not permissions.can_operate(assignee, alarm.park_id):
        raise ValidationFailed.for_field(
            "assignee", _("The assignee must be an operator of this park.")
        )
    with transaction.atomic():
        alarm = ALARM.lock_for(alarm)
        alarm.assignee = assignee
        alarm.save(update_fields=["assignee"])
        alarm_event_record(
            alarm,
            AlarmEventKind.ASSIGNED,
            actor=actor,
            data={"assignee": str(assignee.pk) if assignee else None},
            note=(assignee.display_name or assignee.username) if assignee else "",
        )
        _publish(alarm, "assigned")
    return alarm


def _ticket_open(alarm: Alarm, rule) -> None:
    """Open the property ticket the rule asks for, linking both ways. A failure there is
    recorded on the alarm and does not stop it being raised."""
    try:
        from parkos.property.services import ticket_open_for_alarm
    except ImportError:
        alarm_event_record(
            alarm, AlarmEventKind.TICKET_LINKED, note=_("No ticket: the property app is absent.")
        )
        return
    try:
        with transaction.atomic():
            ticket = ticket_open_for_alarm(
                park=alarm.park,
                building=alarm.building,
                category=rule.ticket_category,
                priority=rule.ticket_priority,
                title=alarm.title,
                description=alarm.message or alarm.title,
                source="alarm",
                source_ref=str(alarm.id),
            )
    except Exception as failure:
        logger.exception("ticket for alarm %s not opened", alarm.id)
        alarm_event_record(
            alarm,
            AlarmEventKind.TICKET_LINKED,
            note=_("The ticket could not be opened: %(error)s") % {"error": failure},
        )
        return
    alarm.ticket_id = ticket.pk
    alarm.save(update_fields=["ticket_id"])
    alarm_event_record(
        alarm,
        AlarmEventKind.TICKET_LINKED,
        data={"ticket": str(ticket.pk), "number": str(getattr(ticket, "number", ""))},
    )


def _notify_on_duty(alarm: Alarm) -> None:
    """Tell the park's IOC operators at once: an in-app notification where the approvals
    app provides one, and an event per person told."""
    operators = list(users_with_role(Role.IOC_OPERATOR, park_id=alarm.park_id)[:20])
    try:
        from parkos.approvals.services import notify
    except ImportError:
        notify = None
    from django.urls import reverse

    url = reverse("iot:alarm_detail", kwargs={"alarm_id": alarm.id})
    with translation.override(settings.LANGUAGE_CODE):
        title = f"[{alarm.get_severity_display()}] {alarm.title_text}"
    for user in operators:
        alarm_event_record(
            alarm,
            AlarmEventKind.NOTIFIED,
            data={"user": str(user.pk), "channel": "in_app" if notify else "live"},
            note=user.display_name or user.username,
        )
        if notify is not None:
            # notify() delivers after commit by itself.
            notify(user=user, title=title, url=url, body=alarm.message)
