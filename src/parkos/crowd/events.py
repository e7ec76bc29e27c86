"""The history of crowd warnings: every WarningEvent row is written here, so that each
raise, change and clearing of a warning is kept with the figures it had then."""

from datetime import datetime

from parkos.crowd.models import CrowdWarning, WarningEvent, WarningEventKind

# The event each action of the warning workflow writes.
ACTION_KINDS = {"clear": WarningEventKind.CLEARED}


def warning_event_record(
    warning: CrowdWarning, kind: str, *, at: datetime, note: str = ""
) -> WarningEvent:
    return WarningEvent.objects.create(
        warning=warning,
        kind=kind,
        at=at,
        level=warning.level,
        expected_at=warning.expected_at,
        expected_count=warning.expected_count,
        note=note[:300],
    )


def warning_transition_record(
    warning: CrowdWarning, *, action: str, actor=None, before="", after="", note="", data=None, at
) -> WarningEvent:
    """The warning workflow's event hook (workflows.py)."""
    return warning_event_record(warning, ACTION_KINDS[action], at=at, note=note)
