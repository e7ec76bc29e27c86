"""The rows that keep the talent app's history: one `ApplicationEvent` for every move of an
application (the pipeline board's timeline), and audit entries for positions, booths, subsidies
and the ledger."""

from parkos.core.audit import audit_record
from parkos.talent.models import ApplicationEvent


def application_event(application, *, action, actor, before, after, note="", data=None, at=None):
    event = ApplicationEvent(
        application=application,
        action=action,
        before=before,
        after=after,
        actor=actor,
        note=(note or "")[:500],
        data=data or {},
    )
    if at is not None:
        event.at = at
    event.save()
    return event


def position_event(position, *, action, actor, before, after, note="", data=None, at=None):
    audit_record(
        actor=actor,
        action=f"talent.position.{action}",
        instance=position,
        park_id=position.park_id,
        changes={"status": [before, after], **({"note": note} if note else {})},
    )


def booth_event(booth, *, action, actor, before, after, note="", data=None, at=None):
    audit_record(
        actor=actor,
        action=f"talent.booth.{action}",
        instance=booth,
        park_id=booth.fair.park_id,
        changes={"status": [before, after]},
    )


def subsidy_record(subsidy, *, actor, action: str, park_id, **changes) -> None:
    audit_record(
        actor=actor,
        action=f"talent.subsidy.{action}",
        instance=subsidy,
        park_id=park_id,
        changes=changes,
    )
