"""What rent relief records when something moves: the audit entries of a programme's moves
(the programme workflow's event) and of an application's decision. Relief keeps no event
table of its own; an application's timeline is its approval case's."""

from parkos.core.audit import audit_record


def programme_transition_recorded(programme, *, action, actor, before, after, note, data, at):
    audit_record(
        actor=actor,
        action=f"relief.programme.{after}",
        instance=programme,
        park_id=programme.park_id,
        changes={"status": [before, after]},
    )


def application_decision_recorded(application, *, actor, before: str) -> None:
    audit_record(
        actor=actor,
        action=f"relief.application.{application.status}",
        instance=application,
        park_id=application.park_id,
        changes={"status": [before, application.status]},
    )
