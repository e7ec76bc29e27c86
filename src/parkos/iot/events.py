"""The history of alarms: every AlarmEvent row is written here, by the services and by the
alarm workflow's event hook (workflows.py), so that each change of an alarm is kept."""

from django.conf import settings
from django.utils import timezone, translation

from parkos.core.texts import text_render
from parkos.iot.models import AlarmEvent, AlarmEventKind

# The event each action of the alarm workflow writes.
ACTION_KINDS = {
    "acknowledge": AlarmEventKind.ACKNOWLEDGED,
    "clear": AlarmEventKind.CLEARED,
}


def stored_text(value) -> tuple[str, dict | None]:
    """A text given as plain words or as a text to word when shown (core texts): the words
    kept in the park's language, for search and export, and the text."""
    if isinstance(value, dict):
        if not value:
            return "", None
        with translation.override(settings.LANGUAGE_CODE):
            return text_render(value), value
    return value or "", None


def alarm_event_record(alarm, kind: str, *, actor=None, note="", data=None, at=None) -> AlarmEvent:
    note, spec = stored_text(note)
    data = dict(data or {})
    if spec is not None:
        data["text"] = spec
    return AlarmEvent.objects.create(
        alarm=alarm,
        kind=kind,
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        note=note,
        data=data,
        at=at or timezone.now(),
    )


def alarm_transition_record(
    alarm, *, action: str, actor=None, before="", after="", note="", data=None, at=None
) -> AlarmEvent:
    """The alarm workflow's event hook: one event per fired action."""
    return alarm_event_record(alarm, ACTION_KINDS[action], actor=actor, note=note, data=data, at=at)
