"""The history of crowd warnings: every WarningEvent row is written here, so that each
raise, change and clearing of a warning is kept with the figures it had then."""

from datetime import datetime

from parkos.crowd.models import CrowdWarning, WarningEvent


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
