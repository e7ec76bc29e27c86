"""The rows that keep a case's history: one `CaseEvent` for every change a person or the
scheduler makes, with the audit entry that goes with it. The case workflow writes its
transitions here; the steps inside a review (a sign-off, a step approved) and comments are
written by the services through the same functions."""

from parkos.approvals.models import Case, CaseEvent, EventKind
from parkos.core.audit import audit_record

# The event a transition of the case workflow leaves in the timeline.
TRANSITION_EVENTS = {
    "submit": EventKind.SUBMITTED,
    "resubmit": EventKind.RESUBMITTED,
    "approve": EventKind.APPROVED,
    "reject": EventKind.REJECTED,
    "return": EventKind.RETURNED,
    "withdraw": EventKind.WITHDRAWN,
}
# The audit action of each transition, as it has always been recorded.
TRANSITION_AUDITS = {
    "submit": "submitted",
    "resubmit": "resubmitted",
    "approve": "approved",
    "reject": "rejected",
    "return": "return",
    "withdraw": "withdrawn",
}


def case_event_record(case: Case, *, kind: str, actor, before: str = "", text: str = ""):
    """One line of the case's timeline."""
    return CaseEvent.objects.create(
        case=case,
        kind=kind,
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        step=case.current_step,
        from_status=before,
        to_status=case.status,
        text=text,
    )


def case_audit_record(case: Case, *, actor, action: str, before: str, **extra) -> None:
    audit_record(
        actor=actor,
        action=f"approvals.case.{action}",
        instance=case,
        park_id=case.park_id,
        changes={"status": [before, case.status], "step": case.current_step_id, **extra},
    )


def case_transition_recorded(case: Case, *, action, actor, before, after, note, data, at):
    """The case workflow's event hook: the timeline line and the audit entry of a move."""
    case_event_record(case, kind=TRANSITION_EVENTS[action], actor=actor, before=before, text=note)
    extra = {"comment": note} if action in ("approve", "reject", "return", "withdraw") else {}
    case_audit_record(case, actor=actor, action=TRANSITION_AUDITS[action], before=before, **extra)
