from datetime import date

import pytest

from factories import ParkFactory, Role, member
from parkos.approvals import selectors, services
from parkos.approvals.models import CaseEvent, Notification, Status
from parkos.core.errors import Conflict, Forbidden, ValidationFailed
from parkos.core.models import AuditEntry
from parkos.core.workdays import add_workdays

pytestmark = pytest.mark.django_db


def test_a_case_goes_through_both_steps_and_calls_the_hook(
    open_case, reviewer, finance, applicant, hooks, django_capture_on_commit_callbacks
):
    case = open_case()
    assert case.status == Status.SUBMITTED
    assert case.current_step.name == "Park review"
    assert case.deadline is not None
    case = services.case_approve(actor=reviewer, case=case, comment="ok")
    assert case.status == Status.SUBMITTED
    assert case.current_step.name == "Finance"
    assert hooks.calls == []
    with django_capture_on_commit_callbacks(execute=True):
        case = services.case_approve(actor=finance, case=case)
    assert case.status == Status.APPROVED
    assert hooks.calls == [("approved", case.id, finance.pk)]
    kinds = list(CaseEvent.objects.filter(case=case).values_list("kind", flat=True))
    assert kinds == ["opened", "submitted", "step_approved", "approved"]
    assert AuditEntry.objects.filter(object_id=str(case.id), action="approvals.case.approved")
    assert Notification.objects.filter(user=applicant, title__contains="Application").exists()


def test_reviewers_are_notified_when_a_step_starts(
    open_case, reviewer, finance, mailoutbox, django_capture_on_commit_callbacks
):
    reviewer.email = "r@example.com"
    reviewer.save()
    with django_capture_on_commit_callbacks(execute=True):
        case = open_case()
    assert Notification.objects.filter(user=reviewer).count() == 1
    assert len(mailoutbox) == 1
    with django_capture_on_commit_callbacks(execute=True):
        services.case_approve(actor=reviewer, case=case)
    assert Notification.objects.filter(user=finance).count() == 1


def test_return_then_resubmit_restarts_at_the_first_step(open_case, reviewer, applicant):
    case = open_case()
    with pytest.raises(ValidationFailed) as missing:
        services.case_return(actor=reviewer, case=case, comment=" ")
    assert "comment" in missing.value.fields
    case = services.case_return(actor=reviewer, case=case, comment="Add the contract")
    assert case.status == Status.RETURNED
    assert selectors.inbox(actor=reviewer).count() == 0
    case = services.case_resubmit(actor=applicant, case=case, comment="Added")
    assert case.status == Status.SUBMITTED and case.round == 2
    assert selectors.inbox(actor=reviewer).count() == 1


def test_reject_needs_a_reason_and_is_final(open_case, reviewer, applicant, hooks):
    case = open_case()
    with pytest.raises(ValidationFailed) as missing:
        services.case_reject(actor=reviewer, case=case, reason="")
    assert "reason" in missing.value.fields
    case = services.case_reject(actor=reviewer, case=case, reason="Not eligible")
    assert case.status == Status.REJECTED
    assert hooks.calls == [("rejected", case.id, reviewer.pk)]
    with pytest.raises(Conflict):
        services.case_withdraw(actor=applicant, case=case)


def test_approving_a_withdrawn_case_is_refused_and_changes_nothing(open_case, reviewer, applicant):
    case = open_case()
    case = services.case_withdraw(actor=applicant, case=case)
    events = CaseEvent.objects.filter(case=case).count()
    with pytest.raises(Conflict) as refused:
        services.case_approve(actor=reviewer, case=case)
    assert refused.value.code == "illegal_transition"
    case.refresh_from_db()
    assert case.status == Status.WITHDRAWN
    assert CaseEvent.objects.filter(case=case).count() == events


def test_a_stale_view_of_the_case_is_refused(open_case, reviewer, finance):
    case = open_case()
    seen = selectors.case_get(actor=finance, case_id=case.id)
    services.case_approve(actor=reviewer, case=case)
    with pytest.raises(Conflict) as stale:
        # A network operator reviewing the first step as well: the case moved on meanwhile.
        services.case_reject(actor=finance, case=seen, reason="late")
    assert stale.value.code == "stale"


def test_reviewer_of_another_park_cannot_act_or_see(open_case):
    case = open_case()
    stranger = member(Role.REVIEWER, park=ParkFactory())
    with pytest.raises(Forbidden):
        services.case_approve(actor=stranger, case=case)
    assert selectors.inbox(actor=stranger).count() == 0
    assert (
        selectors.case_for_subject(
            actor=stranger, subject_type=case.subject_type, subject_id=case.subject_id
        )
        is None
    )


def test_applicant_cannot_approve_and_reviewer_cannot_withdraw(open_case, applicant, reviewer):
    case = open_case()
    with pytest.raises(Forbidden):
        services.case_approve(actor=applicant, case=case)
    with pytest.raises(Forbidden):
        services.case_withdraw(actor=reviewer, case=case)


def test_flagship_reviewer_reviews_its_branches(open_case, process, applicant, hooks):
    from factories import EnterpriseFactory

    flagship = ParkFactory()
    branch = ParkFactory(parent=flagship)
    enterprise = EnterpriseFactory(park=branch)
    admin = member(Role.ENTERPRISE_ADMIN, enterprise=enterprise)
    case = open_case(actor=admin, enterprise=enterprise)
    assert case.park_id == branch.id
    flagship_reviewer = member(Role.REVIEWER, park=flagship)
    assert list(selectors.inbox(actor=flagship_reviewer)) == [case]


def test_all_of_sign_off_waits_for_every_reviewer(hooks, park, applicant, enterprise):
    services.process_ensure(
        code="all-of",
        name="All of",
        steps=[{"name": "Board", "role": Role.REVIEWER, "scope": "park", "sign_off": "all"}],
    )
    first, second = member(Role.REVIEWER, park=park), member(Role.REVIEWER, park=park)
    case = services.case_open(
        actor=applicant,
        process_code="all-of",
        subject_type="tests.thing",
        subject_id="x",
        title="Board",
        enterprise=enterprise,
    )
    case = services.case_approve(actor=first, case=case)
    assert case.status == Status.SUBMITTED
    assert selectors.inbox(actor=first).count() == 0
    assert selectors.inbox(actor=second).count() == 1
    with pytest.raises(Conflict):
        services.case_approve(actor=first, case=case)
    case = services.case_approve(actor=second, case=case)
    assert case.status == Status.APPROVED


def test_one_open_case_per_subject(open_case, applicant):
    case = open_case(subject_id="same")
    with pytest.raises(Conflict):
        open_case(subject_id="same")
    services.case_withdraw(actor=applicant, case=case)
    assert open_case(subject_id="same").status == Status.SUBMITTED


def test_open_refuses_unknown_subject_process_and_foreign_enterprise(
    hooks, process, applicant, enterprise
):
    from factories import EnterpriseFactory

    with pytest.raises(ValidationFailed) as unknown:
        services.case_open(
            actor=applicant,
            process_code=process.code,
            subject_type="nope",
            subject_id="1",
            title="t",
        )
    assert "subject_type" in unknown.value.fields
    with pytest.raises(ValidationFailed):
        services.case_open(
            actor=applicant,
            process_code="missing",
            subject_type="tests.thing",
            subject_id="1",
            title="t",
        )
    with pytest.raises(Forbidden):
        services.case_open(
            actor=applicant,
            process_code=process.code,
            subject_type="tests.thing",
            subject_id="1",
            title="t",
            enterprise=EnterpriseFactory(),
        )


def test_draft_then_submit(open_case, applicant):
    case = open_case(submit=False)
    assert case.status == Status.DRAFT and case.current_step is None
    case = services.case_submit(actor=applicant, case=case)
    assert case.status == Status.SUBMITTED


def test_batch_approve_all_or_nothing(open_case, reviewer, applicant):
    first, second = open_case(), open_case()
    services.case_withdraw(actor=applicant, case=second)
    second.refresh_from_db()
    with pytest.raises(Conflict):
        services.case_approve_batch(actor=reviewer, cases=[first, second])
    first.refresh_from_db()
    assert first.current_step.position == 1
    services.case_approve_batch(actor=reviewer, cases=[first])
    first.refresh_from_db()
    assert first.current_step.position == 2


def test_batch_approve_refused_where_the_process_does_not_allow_it(
    hooks, reviewer, applicant, enterprise
):
    services.process_ensure(
        code="single", name="Single", steps=[{"name": "R", "role": Role.REVIEWER}]
    )
    case = services.case_open(
        actor=applicant,
        process_code="single",
        subject_type="tests.thing",
        subject_id="1",
        title="t",
        enterprise=enterprise,
    )
    with pytest.raises(ValidationFailed) as refused:
        services.case_approve_batch(actor=reviewer, cases=[case])
    assert refused.value.code == "batch_not_allowed"


def test_overdue_cases_are_flagged_once(open_case, reviewer, process):
    from django.core.management import call_command

    case = open_case()
    later = add_workdays(case.deadline, 1)
    assert services.cases_flag_overdue(today=later) == 1
    assert services.cases_flag_overdue(today=later) == 0
    case.refresh_from_db()
    assert case.overdue
    assert selectors.inbox(actor=reviewer, overdue=True).count() == 1
    assert selectors.inbox(actor=reviewer, overdue=False).count() == 0
    call_command("approvals_flag_overdue")
    services.case_approve(actor=reviewer, case=case)
    case.refresh_from_db()
    assert not case.overdue


def test_working_days_skip_holidays_and_count_swapped_weekends():
    # 2024-09-29 (a Sunday) was a working day before the National Day holiday.
    assert add_workdays(date(2024, 9, 27), 1) == date(2024, 9, 29)
    assert add_workdays(date(2024, 9, 30), 1) == date(2024, 10, 8)
    # A year the calendar does not cover falls back to Monday-Friday.
    assert add_workdays(date(2099, 1, 2), 1) == date(2099, 1, 5)


def test_process_ensure_is_idempotent_and_validates(db):
    first = services.process_ensure(code="p", name="P", steps=[{"name": "a", "role": "reviewer"}])
    again = services.process_ensure(code="p", name="Other", steps=[])
    assert first.pk == again.pk
    with pytest.raises(ValidationFailed) as bad:
        services.process_ensure(code="q", name="Q", steps=[{"name": "a", "role": "king"}])
    assert "steps.0.role" in bad.value.fields


def test_process_update_keeps_running_cases(open_case, process, finance, reviewer):
    case = open_case()
    services.process_update(
        actor=finance,
        process=process,
        name="Renamed",
        allow_batch=False,
        active=True,
        steps=[
            {"name": "Park review", "role": "reviewer", "scope": "park", "deadline_days": 2},
            {"name": "Finance", "role": "operator_admin", "scope": "network"},
            {"name": "Director", "role": "operator_admin", "scope": "network"},
        ],
    )
    assert [s.name for s in services.process_steps(process)] == [
        "Park review",
        "Finance",
        "Director",
    ]
    with pytest.raises(Forbidden):
        services.process_update(
            actor=reviewer, process=process, name="x", steps=[], allow_batch=False, active=True
        )
    case = services.case_approve(actor=reviewer, case=case)
    assert case.current_step.name == "Finance"


def test_an_app_may_resolve_the_applicant_zone_scope(hooks, park, applicant, enterprise):
    from django.db.models import Q

    from parkos.approvals import registry

    manager = member(Role.PROPERTY_MANAGER, park=park)
    services.process_ensure(
        code="zone",
        name="Zone",
        steps=[{"name": "Zone manager", "role": Role.PROPERTY_MANAGER, "scope": "applicant_zone"}],
    )
    registry.register_scope(
        "applicant_zone",
        cases=lambda user, role: (
            Q(enterprise_id=enterprise.id) if user == manager else Q(pk__in=[])
        ),
        reviewers=lambda case, role: type(manager).objects.filter(pk=manager.pk),
    )
    try:
        other_manager = member(Role.PROPERTY_MANAGER, park=park)
        case = services.case_open(
            actor=applicant,
            process_code="zone",
            subject_type="tests.thing",
            subject_id="z",
            title="Zone",
            enterprise=enterprise,
        )
        assert selectors.inbox(actor=other_manager).count() == 0
        assert services.case_approve(actor=manager, case=case).status == Status.APPROVED
    finally:
        registry._scopes.pop("applicant_zone", None)
