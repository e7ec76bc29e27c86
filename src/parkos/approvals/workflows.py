"""The life cycle of an approval case, declared once: pages, the API and the services ask
this table which moves exist and who may make them.

The applicant side (the applicant and their enterprise's admins) submits, resubmits after a
return and withdraws; the reviewers of the current step approve, return or reject it, once
each per round. Approving a step that is not the last one keeps the case in review (the
services move it to the next step); only the last approval fires `approve`."""

from django.utils.translation import gettext_lazy as _

from parkos.approvals import permissions
from parkos.approvals.events import case_transition_recorded
from parkos.approvals.models import SignOffRecord, Status
from parkos.core.workflow import Transition, Workflow

OPEN_STATUSES = (Status.DRAFT, Status.SUBMITTED, Status.RETURNED)
REVIEWER_ACTIONS = ("approve", "return", "reject")
APPLICANT_ACTIONS = ("submit", "resubmit", "withdraw")


def _remembered(actor, case, question: str, answer) -> bool:
    """One answer per actor, question and state of the case: the three reviewer actions ask
    the same question, and a page lists them all."""
    memo = case.__dict__.setdefault("_approvals_answers", {})
    key = (getattr(actor, "pk", None), question, case.status, case.current_step_id, case.round)
    if key not in memo:
        memo[key] = bool(answer())
    return memo[key]


def has_signed(actor, case) -> bool:
    """Whether `actor` already signed the case's current step in this round."""
    return SignOffRecord.objects.filter(
        case=case, step_id=case.current_step_id, round=case.round, user_id=actor.pk
    ).exists()


def is_deciding_reviewer(actor, case) -> bool:
    """A reviewer of the current step who has not yet signed it in this round."""
    return _remembered(
        actor,
        case,
        "deciding reviewer",
        lambda: permissions.can_review(actor, case) and not has_signed(actor, case),
    )


def is_applicant(actor, case) -> bool:
    return _remembered(actor, case, "applicant", lambda: permissions.is_applicant_side(actor, case))


CASE_WORKFLOW = Workflow(
    name="approval case",
    state_field="status",
    event=case_transition_recorded,
    # In the order the buttons appear on the case page.
    transitions=[
        Transition(
            "approve",
            sources=(Status.SUBMITTED,),
            target=Status.APPROVED,
            label=_("Approve"),
            allowed=is_deciding_reviewer,
            stamp="closed_at",
        ),
        Transition(
            "return",
            sources=(Status.SUBMITTED,),
            target=Status.RETURNED,
            label=_("Return for changes"),
            allowed=is_deciding_reviewer,
        ),
        Transition(
            "reject",
            sources=(Status.SUBMITTED,),
            target=Status.REJECTED,
            label=_("Reject"),
            allowed=is_deciding_reviewer,
            stamp="closed_at",
        ),
        Transition(
            "submit",
            sources=(Status.DRAFT,),
            target=Status.SUBMITTED,
            label=_("Submit"),
            allowed=is_applicant,
            stamp="submitted_at",
        ),
        Transition(
            "resubmit",
            sources=(Status.RETURNED,),
            target=Status.SUBMITTED,
            label=_("Resubmit"),
            allowed=is_applicant,
            stamp="submitted_at",
        ),
        Transition(
            "withdraw",
            sources=OPEN_STATUSES,
            target=Status.WITHDRAWN,
            label=_("Withdraw"),
            allowed=is_applicant,
            stamp="closed_at",
        ),
    ],
)
