"""Random sequences of actions by random people: whatever happens, a case is in exactly one
known state, its events tell the same story, and no step is approved twice in a round."""

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from factories import Role, member
from parkos.approvals import services
from parkos.approvals.models import CaseEvent, Status, StepCompletion
from parkos.core.errors import ServiceError

ACTIONS = ["approve", "reject", "return", "resubmit", "withdraw", "submit"]
ACTORS = ["applicant", "reviewer", "finance", "stranger"]


def _act(action, actor, case):
    if action == "approve":
        return services.case_approve(actor=actor, case=case)
    if action == "reject":
        return services.case_reject(actor=actor, case=case, reason="no")
    if action == "return":
        return services.case_return(actor=actor, case=case, comment="fix")
    if action == "resubmit":
        return services.case_resubmit(actor=actor, case=case)
    if action == "submit":
        return services.case_submit(actor=actor, case=case)
    return services.case_withdraw(actor=actor, case=case)


@pytest.mark.django_db
@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    moves=st.lists(st.tuples(st.sampled_from(ACTIONS), st.sampled_from(ACTORS)), max_size=12),
    submit=st.booleans(),
)
def test_random_action_sequences_keep_the_case_consistent(
    moves, submit, open_case, applicant, reviewer, finance, hooks
):
    people = {
        "applicant": applicant,
        "reviewer": reviewer,
        "finance": finance,
        "stranger": member(Role.REVIEWER),
    }
    people["stranger"].memberships.update(park=None)
    people["stranger"].memberships.update(role=Role.ENTERPRISE_MEMBER)
    hooks.calls.clear()
    case = open_case(submit=submit)
    for action, who in moves:
        before = (case.status, case.current_step_id, case.round)
        try:
            case = _act(action, people[who], case)
        except ServiceError:
            case.refresh_from_db()
            assert (case.status, case.current_step_id, case.round) == before
        assert case.status in Status.values
    case.refresh_from_db()
    transitions = CaseEvent.objects.filter(case=case).exclude(to_status="").order_by("at", "id")
    last = transitions.last()
    assert last.to_status == case.status
    completions = list(StepCompletion.objects.filter(case=case).values_list("step_id", "round"))
    assert len(completions) == len(set(completions))
    final_events = transitions.filter(kind__in=["approved", "rejected", "withdrawn"]).count()
    assert final_events == (1 if case.is_final else 0)
    assert len(hooks.calls) == final_events
    if case.status == Status.SUBMITTED:
        assert case.current_step is not None and case.deadline is not None
