"""Recruitment services: positions, applying, the pipeline, interviews, duplicates, PIPL rights."""

import io
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from parkos.core.errors import Conflict, Forbidden, ValidationFailed
from parkos.core.workflow import IllegalTransition
from parkos.talent import services
from parkos.talent.models import (
    Application,
    ApplicationEvent,
    ApplicationStatus,
    Candidate,
    Position,
    PositionStatus,
)
from talent.factories import CandidateFactory, PositionFactory, id_number

pytestmark = pytest.mark.django_db

POSITION = {
    "title": "数据分析师",
    "field": "data",
    "level": "junior",
    "city": "杭州",
    "salary_min": "12,000",
    "salary_max": "20000",
    "headcount": 3,
    "skills": "Python、SQL，数据分析",
    "closes_on": None,
}


def _position_data(**changes):
    data = dict(POSITION, closes_on=(timezone.localdate() + timedelta(days=20)).isoformat())
    data.update(changes)
    return data


def test_hr_posts_and_publishes_a_position(hr, enterprise):
    position = services.position_create(actor=hr, enterprise=enterprise, **_position_data())
    assert position.salary_min == Decimal("12000.00")
    assert position.skills == ["Python", "SQL", "数据分析"]
    assert position.status == PositionStatus.DRAFT
    services.position_transition(actor=hr, position=position, action="publish")
    assert Position.objects.visible_to(None).filter(pk=position.pk).exists()


def test_salary_range_upside_down_is_refused_naming_the_field(hr, enterprise):
    with pytest.raises(ValidationFailed) as refused:
        services.position_create(
            actor=hr, enterprise=enterprise, **_position_data(salary_min="30000")
        )
    assert refused.value.code == "salary_range"
    assert "salary_max" in refused.value.fields
    assert not Position.objects.exists()


def test_closing_date_in_the_past_is_refused(hr, enterprise):
    yesterday = (timezone.localdate() - timedelta(days=1)).isoformat()
    with pytest.raises(ValidationFailed) as refused:
        services.position_create(
            actor=hr, enterprise=enterprise, **_position_data(closes_on=yesterday)
        )
    assert refused.value.code == "closing_date_past"
    assert list(refused.value.fields) == ["closes_on"]


def test_only_the_enterprise_admin_posts(hr_member, other_hr, enterprise):
    for actor in (hr_member, other_hr):
        with pytest.raises(Forbidden):
            services.position_create(actor=actor, enterprise=enterprise, **_position_data())


def test_operator_review_before_publishing(hr, operator, enterprise, park):
    services.park_policy_set(actor=operator, park=park, review_positions=True)
    position = services.position_create(actor=hr, enterprise=enterprise, **_position_data())
    with pytest.raises(ValidationFailed):
        services.position_transition(actor=hr, position=position, action="publish")
    position = services.position_transition(actor=hr, position=position, action="submit")
    with pytest.raises(Forbidden):
        services.position_transition(actor=hr, position=position, action="approve")
    position = services.position_transition(actor=operator, position=position, action="approve")
    assert position.status == PositionStatus.PUBLISHED
    with pytest.raises(IllegalTransition):
        services.position_transition(actor=operator, position=position, action="approve")


def test_closed_positions_unpublish_themselves(enterprise):
    position = PositionFactory(enterprise=enterprise)
    Position.objects.filter(pk=position.pk).update(
        closes_on=timezone.localdate() - timedelta(days=1)
    )
    assert not Position.objects.visible_to(None).filter(pk=position.pk).exists()
    assert services.positions_close_expired() == 1
    position.refresh_from_db()
    assert position.status == PositionStatus.CLOSED


def test_apply_to_three_positions_in_one_action(candidate, enterprise, other_enterprise):
    positions = [
        PositionFactory(enterprise=enterprise),
        PositionFactory(enterprise=enterprise),
        PositionFactory(enterprise=other_enterprise),
    ]
    made = services.application_apply(
        actor=candidate.user, position_ids=[p.id for p in positions], consent=True
    )
    assert len(made) == 3
    assert {a.status for a in made} == {ApplicationStatus.APPLIED}
    assert candidate.consents.filter(withdrawn_at__isnull=True).count() == 2
    assert ApplicationEvent.objects.filter(action="apply").count() == 3


def test_applying_twice_to_one_position_is_refused_and_nothing_written(candidate, enterprise):
    first, second = PositionFactory(enterprise=enterprise), PositionFactory(enterprise=enterprise)
    services.application_apply(actor=candidate.user, position_ids=[first.id], consent=True)
    with pytest.raises(Conflict) as refused:
        services.application_apply(
            actor=candidate.user, position_ids=[second.id, first.id], consent=True
        )
    assert refused.value.code == "already_applied"
    assert first.title in str(refused.value.message)
    assert Application.objects.count() == 1


def test_applying_needs_consent_and_an_open_position(candidate, enterprise):
    position = PositionFactory(enterprise=enterprise)
    with pytest.raises(ValidationFailed) as refused:
        services.application_apply(actor=candidate.user, position_ids=[position.id], consent=False)
    assert refused.value.code == "consent_required"
    closed = PositionFactory(enterprise=enterprise, status=PositionStatus.CLOSED)
    with pytest.raises(ValidationFailed) as refused:
        services.application_apply(
            actor=candidate.user, position_ids=[position.id, closed.id], consent=True
        )
    assert refused.value.code == "position_closed"
    assert not Application.objects.exists()


def _apply(candidate, position):
    return services.application_apply(
        actor=candidate.user, position_ids=[position.id], consent=True
    )[0]


def test_the_pipeline_to_hired_with_interview_rounds(candidate, position, hr, hr_member):
    application = _apply(candidate, position)
    application = services.application_move(
        actor=hr_member, application=application, action="screen"
    )
    soon = timezone.now() + timedelta(days=1)
    first = services.interview_schedule(
        actor=hr,
        application=application,
        starts_at=soon,
        ends_at=soon + timedelta(minutes=45),
        video_link="https://meeting.tencent.com/dm/abc",
    )
    services.interview_score(
        actor=hr,
        interview=first,
        scores={"skills": 5, "experience": 4, "communication": 4, "motivation": 5},
        recommendation="advance",
        feedback="基础扎实",
    )
    second = services.interview_schedule(
        actor=hr,
        application=application,
        starts_at=soon + timedelta(hours=2),
        ends_at=soon + timedelta(hours=3),
    )
    assert (first.round, second.round) == (1, 2)
    for action in ("intent", "offer", "hire"):
        application = services.application_move(actor=hr, application=application, action=action)
    assert application.status == ApplicationStatus.HIRED
    assert application.intent_at and application.hired_at
    actions = list(application.events.values_list("action", flat=True))
    assert actions == [
        "apply",
        "screen",
        "interview",
        "score",
        "interview",
        "intent",
        "offer",
        "hire",
    ]


def test_reject_needs_a_reason_code(candidate, position, hr):
    application = _apply(candidate, position)
    with pytest.raises(ValidationFailed) as refused:
        services.application_move(actor=hr, application=application, action="reject")
    assert refused.value.code == "reason_required"
    application = services.application_move(
        actor=hr, application=application, action="reject", reason_code="skills"
    )
    assert application.reason_code == "skills"
    with pytest.raises(IllegalTransition):
        services.application_move(actor=hr, application=application, action="screen")


def test_candidate_withdraws_but_may_not_screen(candidate, position, other_hr):
    application = _apply(candidate, position)
    with pytest.raises(Forbidden):
        services.application_move(actor=candidate.user, application=application, action="screen")
    with pytest.raises(Forbidden):
        services.application_move(actor=other_hr, application=application, action="screen")
    application = services.application_move(
        actor=candidate.user, application=application, action="withdraw", reason_code="other_offer"
    )
    assert application.status == ApplicationStatus.WITHDRAWN


def test_interview_slot_in_the_past_or_overlapping_is_refused(hr, enterprise):
    past = timezone.now() - timedelta(hours=1)
    with pytest.raises(ValidationFailed) as refused:
        services.slot_create(
            actor=hr, enterprise=enterprise, starts_at=past, ends_at=past + timedelta(hours=1)
        )
    assert refused.value.code == "slot_in_past"
    start = timezone.now() + timedelta(days=2)
    services.slot_create(
        actor=hr, enterprise=enterprise, starts_at=start, ends_at=start + timedelta(hours=1)
    )
    with pytest.raises(Conflict) as refused:
        services.slot_create(
            actor=hr,
            enterprise=enterprise,
            starts_at=start + timedelta(minutes=30),
            ends_at=start + timedelta(hours=2),
        )
    assert refused.value.code == "slot_overlap"
    assert "starts_at" in refused.value.fields


def test_duplicate_profiles_of_one_person_are_merged_and_counted_once(candidate, enterprise, hr):
    position = PositionFactory(enterprise=enterprise)
    other = PositionFactory(enterprise=enterprise)
    walk_in = services.candidate_add_walk_in(
        actor=hr, enterprise=enterprise, name="李华", phone="138 1234 0000"
    )
    same = services.candidate_add_walk_in(
        actor=hr, enterprise=enterprise, name="Li Hua", phone="13812340000"
    )
    assert same.pk == walk_in.pk
    number = id_number(7)
    Candidate.objects.filter(pk=walk_in.pk).update(
        id_hmac=__import__("parkos.talent.identity", fromlist=["id_hmac"]).id_hmac(number)
    )
    Application.objects.create(candidate=walk_in, position=position, enterprise=enterprise)
    Application.objects.create(candidate=walk_in, position=other, enterprise=enterprise)
    _apply(candidate, position)
    services.candidate_update(actor=candidate.user, candidate=candidate, id_number=number)
    walk_in.refresh_from_db()
    assert walk_in.merged_into_id == candidate.pk
    counted = Application.objects.counted()
    assert counted.filter(position=position).count() == 1
    assert counted.filter(candidate=candidate).count() == 2
    assert Application.objects.filter(status=ApplicationStatus.MERGED).count() == 1


def test_id_number_with_a_wrong_check_digit_is_refused(candidate):
    wrong = id_number(3)[:-1] + ("0" if id_number(3)[-1] != "0" else "1")
    with pytest.raises(ValidationFailed) as refused:
        services.candidate_update(actor=candidate.user, candidate=candidate, id_number=wrong)
    assert refused.value.code == "id_number"
    assert "id_number" in refused.value.fields


def _pdf(text="Python 数据分析"):
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(width=200, height=200)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def _docx(text):
    import docx

    document = docx.Document()
    document.add_paragraph(text)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def test_resume_docx_text_is_extracted(candidate):
    services.candidate_resume_upload(
        actor=candidate.user,
        candidate=candidate,
        name="李华简历.docx",
        data=_docx("熟悉 Python 与 数据分析，三年 Django 经验"),
    )
    candidate.refresh_from_db()
    assert "Django" in candidate.resume_text


def test_resume_pdf_is_accepted_and_bad_files_are_refused(candidate):
    services.candidate_resume_upload(
        actor=candidate.user, candidate=candidate, name="cv.pdf", data=_pdf()
    )
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(width=100, height=100)
    writer.encrypt("secret")
    locked = io.BytesIO()
    writer.write(locked)
    cases = [
        ("cv.txt", b"hello", "resume_type"),
        ("cv.exe", b"MZ\x90\x00", "resume_type"),
        ("cv.pdf", locked.getvalue(), "resume_encrypted"),
        ("cv.pdf", b"%PDF-" + b"0" * (50 * 1024 * 1024), "resume_too_large"),
        ("cv.pdf", b"%PDF-1.4 garbage", "resume_unreadable"),
    ]
    for name, data, code in cases:
        with pytest.raises(ValidationFailed) as refused:
            services.candidate_resume_upload(
                actor=candidate.user, candidate=candidate, name=name, data=data
            )
        assert refused.value.code == code, name
        assert "resume" in refused.value.fields


def test_consent_withdrawal_hides_the_profile_from_the_enterprise(candidate, position, hr):
    _apply(candidate, position)
    assert Candidate.objects.visible_to(hr).filter(pk=candidate.pk).exists()
    consent = candidate.consents.get()
    services.consent_withdraw(actor=candidate.user, consent=consent)
    assert not Candidate.objects.visible_to(hr).filter(pk=candidate.pk).exists()
    assert Application.objects.visible_to(hr).count() == 1


def test_export_and_delete_keep_statistics_anonymised(candidate, position):
    services.candidate_update(
        actor=candidate.user, candidate=candidate, id_number=id_number(5), skills="Go"
    )
    application = _apply(candidate, position)
    exported = services.candidate_export(actor=candidate.user, candidate=candidate)
    assert exported["profile"]["id_number"] == id_number(5)
    assert exported["applications"][0]["position"] == position.title
    services.candidate_delete(actor=candidate.user, candidate=candidate)
    candidate.refresh_from_db()
    application.refresh_from_db()
    assert candidate.phone == "" and candidate.id_hmac == "" and candidate.user is None
    assert application.anonymised and application.status == ApplicationStatus.WITHDRAWN
    assert Application.objects.counted().count() == 1


def test_fair_positions_take_applications_during_the_fair_only(candidate, hr, enterprise, park):
    from talent.factories import BoothFactory, FairFactory

    later = timezone.now() + timedelta(days=5)
    fair = FairFactory(park=park, starts_at=later, ends_at=later + timedelta(days=1))
    booth = BoothFactory(fair=fair, enterprise=enterprise)
    position = PositionFactory(enterprise=enterprise, booth=booth)
    with pytest.raises(ValidationFailed) as refused:
        _apply(candidate, position)
    assert refused.value.code == "position_closed"


def test_booths_need_the_operator(hr, operator, other_hr, enterprise, park):
    fair = services.fair_create(
        actor=operator,
        park=park,
        title="2026 春季云招聘",
        theme="field",
        field="software",
        starts_at=timezone.now() + timedelta(days=1),
        ends_at=timezone.now() + timedelta(days=3),
    )
    booth = services.booth_request(actor=hr, fair=fair, enterprise=enterprise)
    with pytest.raises(Conflict):
        services.booth_request(actor=hr, fair=fair, enterprise=enterprise)
    with pytest.raises(Forbidden):
        services.booth_transition(actor=other_hr, booth=booth, action="approve")
    booth = services.booth_transition(actor=operator, booth=booth, action="approve")
    assert booth.status == "approved"
    with pytest.raises(ValidationFailed) as refused:
        services.fair_create(
            actor=operator,
            park=park,
            title="x",
            theme="field",
            field="data",
            starts_at=timezone.now() + timedelta(days=2),
            ends_at=timezone.now(),
        )
    assert refused.value.code == "fair_window"


def test_register_refuses_a_phone_already_in_use(candidate):
    with pytest.raises(ValidationFailed) as refused:
        services.candidate_register(
            username="other", password="talent-pw-123", name="王五", phone="13812345678"
        )
    assert "phone" in refused.value.fields
    with pytest.raises((ValidationFailed, PermissionDenied)):
        services.candidate_register(username="third", password="short", name="王五", phone="12345")


def test_factories_build_a_consistent_application():
    from talent.factories import ApplicationFactory

    application = ApplicationFactory()
    assert application.enterprise_id == application.position.enterprise_id
    assert CandidateFactory().user is not None
