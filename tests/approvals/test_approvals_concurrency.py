"""Two reviewers pressing Approve/Reject on the same case at the same moment: only one
decision is kept (row locks on PostgreSQL)."""

import threading

import pytest
from django.db import close_old_connections, connection

from parkos.approvals import services
from parkos.approvals.models import Case, CaseEvent, StepCompletion
from parkos.core.errors import ServiceError


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("second_action", ["approve", "reject"])
def test_two_reviewers_acting_at_once_never_both_succeed(
    is_postgres, open_case, reviewer, park, second_action
):
    from factories import Role, member

    if not is_postgres:
        pytest.skip("row locks are tested on PostgreSQL")
    other = member(Role.REVIEWER, park=park)
    results = []
    for _attempt in range(5):
        case = open_case()
        barrier = threading.Barrier(2)
        outcome: list[str] = []

        def act(user, action, case=case, barrier=barrier, outcome=outcome):
            close_old_connections()
            try:
                barrier.wait()
                if action == "approve":
                    services.case_approve(actor=user, case=case)
                else:
                    services.case_reject(actor=user, case=case, reason="no")
                outcome.append("ok")
            except ServiceError as refused:
                outcome.append(refused.code)
            finally:
                connection.close()

        threads = [
            threading.Thread(target=act, args=(reviewer, "approve")),
            threading.Thread(target=act, args=(other, second_action)),
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert outcome.count("ok") == 1, outcome
        stored = Case.objects.get(pk=case.pk)
        decisions = CaseEvent.objects.filter(
            case=stored, kind__in=["step_approved", "rejected"]
        ).count()
        assert decisions == 1
        assert StepCompletion.objects.filter(case=stored).count() <= 1
        results.append(outcome)
    assert len(results) == 5


@pytest.mark.django_db(transaction=True)
def test_two_concurrent_http_requests_only_one_decision(
    is_postgres, live_server, open_case, reviewer, park
):
    import json
    import urllib.error
    import urllib.request

    from factories import Role, member
    from parkos.accounts.services import token_create

    if not is_postgres:
        pytest.skip("row locks are tested on PostgreSQL")
    other = member(Role.REVIEWER, park=park)
    tokens = [token_create(user=user)[1] for user in (reviewer, other)]
    case = open_case()
    barrier = threading.Barrier(2)
    statuses: list[int] = []

    def post(token, action, body):
        request = urllib.request.Request(
            f"{live_server.url}/api/approvals/cases/{case.id}/{action}",
            data=json.dumps(body).encode(),
            headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
            method="POST",
        )
        barrier.wait()
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                statuses.append(response.status)
        except urllib.error.HTTPError as refused:
            statuses.append(refused.code)

    threads = [
        threading.Thread(target=post, args=(tokens[0], "approve", {})),
        threading.Thread(target=post, args=(tokens[1], "reject", {"reason": "no"})),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(statuses) == [200, 409], statuses
    decisions = CaseEvent.objects.filter(case_id=case.id, kind__in=["step_approved", "rejected"])
    assert decisions.count() == 1
