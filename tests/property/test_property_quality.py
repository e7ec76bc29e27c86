"""Inspections, spot checks, surveys, the monthly assessment and tenant profiles."""

from datetime import datetime, time, timedelta

import pytest
from django.utils import timezone

from parkos.core.errors import Conflict, Forbidden, ValidationFailed
from parkos.core.models import AuditEntry
from parkos.property import selectors, services
from parkos.property.models import (
    InspectionRound,
    InspectionSchedule,
    InspectionTemplate,
    MonthlyScore,
    Ticket,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def schedule(place):
    template = InspectionTemplate.objects.create(
        company=place.company,
        name="空调机房日巡检",
        items=[
            {"key": "chiller", "label": "冷水机组运行正常", "kind": "check", "category": "hvac"},
            {
                "key": "temp",
                "label": "冷冻水温度",
                "kind": "value",
                "min": 6,
                "max": 12,
                "category": "hvac",
            },
        ],
    )
    schedule = InspectionSchedule.objects.create(
        template=template, building=place.building, frequency="daily"
    )
    schedule.technicians.set([place.hvac_near])
    return schedule


def test_rounds_are_generated_once_and_a_failed_item_opens_a_ticket(place, schedule):
    today = timezone.localdate()
    assert services.rounds_generate(day=today) == 1
    assert services.rounds_generate(day=today) == 0
    rnd = InspectionRound.objects.get(schedule=schedule)
    with pytest.raises(Forbidden):
        services.round_submit(actor=place.hvac_far.user, round_id=rnd.id, answers={})
    done = services.round_submit(
        actor=place.hvac_near.user,
        round_id=rnd.id,
        answers={"chiller": {"passed": True}, "temp": {"value": "15.5", "note": "偏高"}},
    )
    assert done.status == "done" and done.items_failed == 1
    ticket = Ticket.objects.get(source="inspection")
    assert ticket.category == "hvac" and "冷冻水温度" in ticket.title
    assert "15.5" in ticket.description
    assert ticket.status == "dispatched"
    with pytest.raises(Conflict):
        services.round_submit(actor=place.hvac_near.user, round_id=rnd.id, answers={})


def test_a_round_answer_that_is_not_a_number_changes_nothing(place, schedule):
    services.rounds_generate(day=timezone.localdate())
    rnd = InspectionRound.objects.get(schedule=schedule)
    with pytest.raises(ValidationFailed) as bad:
        services.round_submit(
            actor=place.hvac_near.user,
            round_id=rnd.id,
            answers={"chiller": {"passed": True}, "temp": {"value": "很冷"}},
        )
    assert "temp" in bad.value.fields
    rnd.refresh_from_db()
    assert rnd.status == "pending" and not Ticket.objects.exists()


def test_missed_rounds_are_marked(place, schedule):
    today = timezone.localdate()
    services.rounds_generate(day=today - timedelta(days=1))
    services.rounds_generate(day=today)
    assert InspectionRound.objects.get(due_date=today - timedelta(days=1)).status == "missed"


def test_spot_check_findings_are_followed_until_closed(place):
    with pytest.raises(Forbidden):
        services.spot_check_record(
            actor=place.dispatcher,
            company=place.company,
            inspector="安泰评估",
            checked_on=timezone.localdate(),
            findings=[],
        )
    check = services.spot_check_record(
        actor=place.operator,
        company=place.company,
        inspector="安泰评估",
        checked_on=timezone.localdate(),
        findings=[{"severity": "high", "description": "安全出口被锁闭"}],
    )
    finding = check.findings.get()
    assert finding.deadline == timezone.localdate() + timedelta(days=7)
    with pytest.raises(Forbidden):
        services.finding_follow_up(actor=place.manager, finding_id=finding.id, status="closed")
    services.finding_follow_up(
        actor=place.manager, finding_id=finding.id, status="rectified", note="已开锁"
    )
    closed = services.finding_follow_up(
        actor=place.operator, finding_id=finding.id, status="closed", note="复查通过"
    )
    assert closed.status == "closed" and len(closed.follow_ups) == 2
    assert list(selectors.finding_list(actor=place.other_dispatcher)) == []
    with pytest.raises(ValidationFailed):
        services.spot_check_record(
            actor=place.operator,
            company=place.company,
            inspector="安泰",
            checked_on=timezone.localdate(),
            findings=[{"severity": "huge", "description": "x"}],
        )


def _survey(place, zones=()):
    today = timezone.localdate()
    return services.survey_send(
        actor=place.operator,
        park=place.park,
        title="满意度调查",
        questions=[{"label": "总体满意度", "kind": "rating"}, {"label": "建议", "kind": "text"}],
        opens_on=today,
        closes_on=today + timedelta(days=7),
        zones=zones,
    )


def test_one_survey_answer_per_enterprise_and_results(place):
    survey = _survey(place)
    services.survey_answer(
        actor=place.tenant,
        survey=survey,
        enterprise=place.enterprise,
        answers={"q1": 4, "q2": "好"},
    )
    with pytest.raises(Conflict):
        services.survey_answer(
            actor=place.tenant, survey=survey, enterprise=place.enterprise, answers={"q1": 1}
        )
    with pytest.raises(Forbidden):
        services.survey_answer(
            actor=place.tenant, survey=survey, enterprise=place.other_enterprise, answers={"q1": 1}
        )
    with pytest.raises(ValidationFailed):
        services.survey_answer(
            actor=place.other_tenant,
            survey=survey,
            enterprise=place.other_enterprise,
            answers={"q1": 9},
        )
    results = selectors.survey_results(actor=place.operator, survey=survey)
    assert results["count"] == 1
    assert results["questions"][0]["average"] == 4 and results["questions"][0]["distribution"] == [
        0,
        0,
        0,
        1,
        0,
    ]


def test_a_survey_sent_to_another_zone_is_not_for_this_tenant(place):
    survey = _survey(place, zones=[place.other_zone])
    with pytest.raises(Forbidden):
        services.survey_answer(
            actor=place.tenant, survey=survey, enterprise=place.enterprise, answers={"q1": 5}
        )
    with pytest.raises(Forbidden):
        _survey_by(place.dispatcher, place)


def _survey_by(user, place):
    today = timezone.localdate()
    return services.survey_send(
        actor=user,
        park=place.park,
        title="x",
        questions=[{"label": "a", "kind": "rating"}],
        opens_on=today,
        closes_on=today,
    )


def _last_month():
    return (timezone.localdate().replace(day=1) - timedelta(days=1)).replace(day=1)


def _rated_ticket(place, rating, when):
    ticket = services.ticket_create(
        actor=place.tenant, unit=place.unit, description="空调漏水", category="hvac"
    )
    tech = ticket.assignee.user
    for step in (services.ticket_accept, services.ticket_arrive, services.ticket_resolve):
        step(actor=tech, ticket=ticket)
    services.ticket_confirm(actor=place.tenant, ticket=ticket, rating=rating)
    ticket.refresh_from_db()
    shift = when - ticket.created_at
    Ticket.objects.filter(pk=ticket.pk).update(
        created_at=when,
        accepted_at=ticket.accepted_at + shift,
        resolved_at=ticket.resolved_at + shift,
        response_due=ticket.response_due + shift,
        resolution_due=ticket.resolution_due + shift,
    )


def test_monthly_scores_rank_recompute_identically_and_freeze_on_close(place):
    month = _last_month()
    when = timezone.make_aware(datetime.combine(month.replace(day=10), time(10)))
    _rated_ticket(place, 2, when)
    first = {
        s.company_id: (s.total, s.rank, s.verdict)
        for s in services.month_compute(actor=place.operator, park=place.park, month=month)
    }
    again = {
        s.company_id: (s.total, s.rank, s.verdict)
        for s in services.month_compute(actor=place.operator, park=place.park, month=month)
    }
    assert first == again
    assert first[place.company.id][2] == "warning" and first[place.other_company.id][2] == "award"
    score = MonthlyScore.objects.get(company=place.company, month=month)
    assert score.indicators["avg_rating"] == 2 and score.satisfaction == 40
    services.month_close(actor=place.operator, park=place.park, month=month)
    assert AuditEntry.objects.filter(action="property.month_close").exists()
    with pytest.raises(Conflict):
        services.month_compute(actor=place.operator, park=place.park, month=month)
    with pytest.raises(Conflict):
        services.month_close(actor=place.operator, park=place.park, month=month)
    with pytest.raises(Forbidden):
        services.month_close(actor=place.manager, park=place.park, month=month)


def test_weights_change_the_total(place):
    month = _last_month()
    services.score_weights_set(
        actor=place.operator, park=place.park, safety=100, service=0, satisfaction=0, inspection=0
    )
    scores = services.month_compute(actor=place.operator, park=place.park, month=month)
    assert all(s.total == s.safety for s in scores)


def test_a_company_sees_only_its_own_breakdown(place):
    services.month_compute(actor=place.operator, park=place.park, month=_last_month())
    assert {s.company_id for s in selectors.score_list(actor=place.manager)} == {place.company.id}
    assert {s.company_id for s in selectors.score_list(actor=place.other_dispatcher)} == {
        place.other_company.id
    }
    assert selectors.score_list(actor=place.tenant).count() == 0


def test_tenant_profile_is_shown_to_the_desk_only_with_consent(place):
    ticket = services.ticket_create(
        actor=place.tenant, unit=place.unit, description="车位被占", category="hvac"
    )
    services.tenant_profile_update(
        actor=place.tenant,
        enterprise=place.enterprise,
        consent=True,
        vehicles=["沪A12345"],
        parking_spaces="B2-017",
    )
    assert selectors.tenant_profile_for(actor=place.dispatcher, ticket=ticket).vehicles == [
        "沪A12345"
    ]
    assert selectors.tenant_profile_for(actor=place.other_dispatcher, ticket=ticket) is None
    services.tenant_profile_update(
        actor=place.tenant, enterprise=place.enterprise, consent=False, vehicles=["沪A12345"]
    )
    assert selectors.tenant_profile_for(actor=place.dispatcher, ticket=ticket) is None
    with pytest.raises(Forbidden):
        services.tenant_profile_update(
            actor=place.other_tenant, enterprise=place.enterprise, consent=True
        )
