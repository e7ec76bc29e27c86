"""What the QA review of property pages found, each pinned: tabs only to those who may open
them, reasons and findings worded in the reader's language, the IOC reading its alarms'
tickets, readable spot checks and scores, forms that keep what was typed and say which field
is wrong, today's round for a schedule saved today, and words that mean what they say."""

import importlib
from datetime import datetime, timedelta

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone, translation

from factories import EnterpriseFactory, ParkFactory, member
from parkos.accounts.models import Role
from parkos.core.errors import Forbidden, ValidationFailed
from parkos.property import reasons, scoring, services
from parkos.property.models import (
    InspectionRound,
    InspectionSchedule,
    InspectionTemplate,
    Severity,
    Survey,
    SurveyResponse,
    Ticket,
    TicketStatus,
)

pytestmark = pytest.mark.django_db


def _login(client, user, language="zh-hans"):
    user.language = language
    user.save(update_fields=["language"])
    client.force_login(user)
    return client


def _page(client, user, url, language="zh-hans"):
    with translation.override(language):
        return _login(client, user, language).get(url, HTTP_ACCEPT_LANGUAGE=language)


def _alarm_ticket(place, ref="alarm-1"):
    return services.ticket_open_for_alarm(
        park=place.park,
        building=place.building,
        category="hvac",
        priority="urgent",
        title="机房温度过高",
        description="机房温度 35℃",
        source="alarm",
        source_ref=ref,
    )


# 1. Tabs


def test_tabs_show_only_the_pages_the_role_may_open(client, place):
    expected = {
        place.tenant: (False, True),
        place.dispatcher: (True, False),
        place.hvac_near.user: (False, False),
        place.operator: (True, False),
    }
    for user, (scores, profile) in expected.items():
        html = _page(client, user, reverse("property:home")).content.decode()
        assert ('data-testid="nav-scores"' in html) is scores, user
        assert ('data-testid="nav-profile"' in html) is profile, user
        if scores:
            assert client.get(reverse("property:scores")).status_code == 200
        if profile:
            assert client.get(reverse("property:profile")).status_code == 200


# 2. Reasons and findings in the reader's language


def test_reasons_are_stored_as_codes_and_worded_for_each_reader(client, place):
    ticket = services.ticket_create(
        actor=place.tenant, unit=place.unit, description="空调漏水", category="hvac"
    )
    assert all(isinstance(r, dict) and r["code"] for r in ticket.assignment_reasons)
    assert ticket.assignment_reasons[0] == {"code": "skill", "category": "hvac"}
    url = reverse("property:ticket_detail", args=[ticket.id])
    zh = _page(client, place.tenant, url, "zh-hans").content.decode()
    en = _page(client, place.tenant, url, "en").content.decode()
    assert "具备空调暖通技能" in zh and "在办工单 0 张" in zh
    assert "HVAC skill" in en and "0 open tickets" in en and "技能" not in en


def test_reasons_stored_as_text_still_read_well():
    with translation.override("zh-hans"):
        assert reasons.reasons_text(["cleaning skill", "旧的说明"]) == ["具备保洁技能", "旧的说明"]
    with translation.override("en"):
        assert reasons.reason_text("cleaning skill") == "Cleaning skill"


def test_the_data_migration_codes_old_reasons_and_alarm_sources(place):
    migration = importlib.import_module(
        "parkos.property.migrations.0003_structured_reasons_and_alarm_source"
    )
    coded, changed = migration._coded(
        ["hvac skill", "调度员指定", "值班至 20:00"], {"hvac", "cleaning"}
    )
    assert changed
    assert coded == [{"code": "skill", "category": "hvac"}, {"code": "dispatcher"}, "值班至 20:00"]
    ticket = _alarm_ticket(place)
    Ticket.objects.filter(pk=ticket.pk).update(
        assignment_reasons=["hvac skill", "值班至 20:00"],
        source="inspection",
        title="巡检发现问题：冷冻水温度",
    )
    ticket.events.filter(kind="dispatch").update(data={"reasons": ["hvac skill"]})
    from django.apps import apps

    migration.forward(apps, None)
    ticket.refresh_from_db()
    assert ticket.assignment_reasons == [{"code": "skill", "category": "hvac"}, "值班至 20:00"]
    assert ticket.title == "冷冻水温度"
    assert ticket.events.get(kind="dispatch").data["reasons"] == [
        {"code": "skill", "category": "hvac"}
    ]


def test_the_demo_stores_reasons_as_codes():
    import inspect

    from parkos.demo import property as demo

    assert 'f"{category} skill"' not in inspect.getsource(demo)
    assert "reasons.skill(category)" in inspect.getsource(demo)


def test_an_inspection_finding_title_is_worded_for_each_reader(place):
    template = InspectionTemplate.objects.create(
        company=place.company,
        name="空调机房日巡检",
        items=[
            {"key": "temp", "label": "冷冻水温度", "kind": "value", "min": 6, "max": 12},
        ],
    )
    schedule = InspectionSchedule.objects.create(template=template, frequency="daily")
    schedule.technicians.set([place.hvac_near])
    services.rounds_generate(day=timezone.localdate())
    rnd = InspectionRound.objects.get(schedule=schedule)
    with translation.override("en"):
        services.round_submit(
            actor=place.hvac_near.user, round_id=rnd.id, answers={"temp": {"value": "15"}}
        )
    ticket = Ticket.objects.get(source="inspection")
    assert ticket.title == "冷冻水温度" and "reading" not in ticket.description
    with translation.override("zh-hans"):
        assert ticket.heading == "巡检发现问题：冷冻水温度"
    with translation.override("en"):
        assert ticket.heading == "Inspection finding: 冷冻水温度"


# 3. The IOC and its alarms' tickets; sources


def test_the_parks_ioc_reads_but_does_not_act_on_its_alarm_tickets(client, place):
    ioc = member(Role.IOC_OPERATOR, park=place.park)
    other_ioc = member(Role.IOC_OPERATOR, park=ParkFactory())
    alarm_ticket = _alarm_ticket(place)
    web_ticket = services.ticket_create(
        actor=place.tenant, unit=place.unit, description="空调漏水", category="hvac"
    )
    url = reverse("property:ticket_detail", args=[alarm_ticket.id])
    page = _page(client, ioc, url)
    assert page.status_code == 200
    html = page.content.decode()
    assert alarm_ticket.number in html
    assert 'data-testid="dispatch"' not in html and 'data-testid="cancel"' not in html
    assert client.get(reverse("property:ticket_detail", args=[web_ticket.id])).status_code == 404
    response = client.post(reverse("property:ticket_action", args=[alarm_ticket.id, "cancel"]))
    assert response.status_code == 302
    alarm_ticket.refresh_from_db()
    assert alarm_ticket.status == TicketStatus.DISPATCHED
    with pytest.raises(Forbidden):
        services.ticket_cancel(actor=ioc, ticket=alarm_ticket)
    assert _page(client, other_ioc, url).status_code == 404


def test_a_system_ticket_with_an_unknown_source_is_refused(place):
    with pytest.raises(ValidationFailed) as bad:
        services.ticket_open_for_alarm(
            park=place.park,
            category="hvac",
            priority="urgent",
            title="x",
            description="x",
            source="iot",
            source_ref="a-1",
        )
    assert bad.value.code == "unknown_source" and "alarm" in str(bad.value.message)
    assert not Ticket.objects.exists()
    ticket = _alarm_ticket(place)
    assert ticket.source == "alarm"
    with pytest.raises(IntegrityError), transaction.atomic():
        Ticket.objects.filter(pk=ticket.pk).update(source="iot")


# 4. Spot checks


def test_spot_checks_show_local_times_a_message_and_checks_without_findings(client, place):
    with_finding = services.spot_check_record(
        actor=place.operator,
        company=place.company,
        inspector="安泰评估",
        checked_on=timezone.localdate(),
        findings=[{"severity": "medium", "description": "安全出口被锁闭"}],
    )
    services.spot_check_record(
        actor=place.operator,
        company=place.company,
        inspector="华东消防",
        checked_on=timezone.localdate() - timedelta(days=1),
        findings=[],
    )
    finding = with_finding.findings.get()
    _login(client, place.dispatcher)
    response = client.post(
        reverse("property:finding_follow_up", args=[finding.id]),
        {"status": "rectified", "note": "已安排整改"},
        follow=True,
        HTTP_ACCEPT_LANGUAGE="zh-hans",
    )
    html = response.content.decode()
    assert "跟进已记录。" in html
    finding.refresh_from_db()
    stored = finding.follow_ups[0]["at"]
    local = timezone.localtime(datetime.fromisoformat(stored))
    assert f"{local:%Y-%m-%d %H:%M} " in html and stored[:16] not in html
    assert 'data-testid="no-findings"' in html
    assert "<td>中</td>" in html


def test_medium_severity_reads_as_a_severity():
    with translation.override("zh-hans"):
        assert str(Severity.MEDIUM.label) == "中"


# 5. Monthly scores


def test_the_survey_rating_is_stored_and_shown_rounded(client, place):
    month = (timezone.localdate().replace(day=1) - timedelta(days=1)).replace(day=1)
    survey = Survey.objects.create(
        park=place.park, title="满意度", opens_on=month, closes_on=month.replace(day=20)
    )
    third = EnterpriseFactory(park=place.park)
    for enterprise, rating in (
        (place.enterprise, "4.33"),
        (place.other_enterprise, "4.00"),
        (third, "3.92"),
    ):
        SurveyResponse.objects.create(
            survey=survey,
            enterprise=enterprise,
            company=place.company,
            average_rating=rating,
            answered_at=timezone.now(),
        )
    assert scoring.indicators(place.company, month)["survey_rating"] == 4.08
    services.month_compute(actor=place.operator, park=place.park, month=month)
    html = _page(client, place.operator, reverse("property:scores") + f"?month={month:%Y-%m}")
    text = html.content.decode()
    assert text.split('data-testid="survey-rating">')[1].split("<")[0] == "4.08"


def test_closing_a_month_asks_first_and_a_bad_weight_is_named(client, place):
    html = _page(client, place.operator, reverse("property:scores")).content.decode()
    assert 'data-testid="close-month"' in html and "window.confirm(" in html
    response = client.post(
        reverse("property:scores"),
        {"action": "weights", "safety": "40", "service": "abc", "satisfaction": "30"},
        follow=True,
        HTTP_ACCEPT_LANGUAGE="zh-hans",
    )
    assert "服务：请输入数字。" in response.content.decode()


# 6. The round form


@pytest.fixture
def round_today(place):
    template = InspectionTemplate.objects.create(
        company=place.company,
        name="水泵房巡检",
        items=[
            {"key": "pump", "label": "水泵运行正常", "kind": "check", "category": "plumbing"},
            {"key": "pressure", "label": "出水压力", "kind": "value", "min": 2, "max": 6},
        ],
    )
    schedule = InspectionSchedule.objects.create(template=template, frequency="daily")
    schedule.technicians.set([place.hvac_near])
    services.rounds_generate(day=timezone.localdate())
    return InspectionRound.objects.get(schedule=schedule)


def test_a_round_error_names_the_item_and_keeps_what_was_entered(client, place, round_today):
    _login(client, place.hvac_near.user)
    url = reverse("property:round", args=[round_today.id])
    for reading, message in (("", "出水压力：请填写读数。"), ("abc", "出水压力：请输入数字。")):
        response = client.post(
            url,
            {"pump": "fail", "pump_note": "轴承异响", "pressure": reading, "pressure_note": "表坏"},
            HTTP_ACCEPT_LANGUAGE="zh-hans",
        )
        assert response.status_code == 422
        html = response.content.decode()
        assert message in html
        assert 'value="轴承异响"' in html and 'value="表坏"' in html
        assert 'value="fail" id="pump-f" checked' in html
        if reading:
            assert f'value="{reading}"' in html
    round_today.refresh_from_db()
    assert round_today.status == "pending"


def test_a_finding_note_over_the_limit_is_refused_not_cut(client, place, round_today):
    _login(client, place.hvac_near.user)
    response = client.post(
        reverse("property:round", args=[round_today.id]),
        {"pump": "fail", "pump_note": "长" * 605, "pressure": "4"},
        HTTP_ACCEPT_LANGUAGE="zh-hans",
    )
    assert response.status_code == 422
    assert "500" in response.content.decode() and "605" in response.content.decode()
    round_today.refresh_from_db()
    assert round_today.status == "pending" and not Ticket.objects.exists()


# 7. A schedule saved today


def test_a_schedule_saved_today_has_its_round_today(client, place):
    template = InspectionTemplate.objects.create(
        company=place.company,
        name="QA 水泵检查",
        items=[{"key": "pump", "label": "水泵", "kind": "check"}],
    )
    daily = services.inspection_schedule_create(
        actor=place.manager, template=template, frequency="daily", technicians=[place.hvac_near]
    )
    today = timezone.localdate()
    rnd = InspectionRound.objects.get(schedule=daily)
    assert rnd.due_date == today and rnd.technician == place.hvac_near
    home = _page(client, place.hvac_near.user, reverse("property:home")).content.decode()
    assert str(rnd.id) in home or "QA 水泵检查" in home
    # The morning job adds nothing more for the day.
    assert services.rounds_generate(day=today) == 0
    # A schedule not due today (a paused one) gets none.
    services.inspection_schedule_create(
        actor=place.manager,
        template=template,
        frequency="daily",
        technicians=[place.hvac_near],
        active=False,
    )
    assert InspectionRound.objects.count() == 1


# 8. A category set by the dispatcher


def test_a_corrected_category_is_not_shown_with_the_models_confidence(client, place, trained):
    ticket = services.ticket_create(
        actor=place.tenant, unit=place.unit, description="会议室空调不制冷，温度一直30度"
    )
    assert ticket.predicted_category == "hvac"
    url = reverse("property:ticket_detail", args=[ticket.id])
    assert "模型置信度" in _page(client, place.dispatcher, url).content.decode()
    services.ticket_dispatch(actor=place.dispatcher, ticket=ticket, category="cleaning")
    html = _page(client, place.dispatcher, url).content.decode()
    assert "模型置信度" not in html
    assert "调度员设定；模型建议为空调暖通" in html


# 9. Bad input on tickets


def test_a_preferred_time_in_the_past_is_refused(client, place):
    with pytest.raises(ValidationFailed) as bad:
        services.ticket_create(
            actor=place.tenant,
            unit=place.unit,
            description="空调漏水",
            preferred_time=timezone.now() - timedelta(days=1),
        )
    assert "preferred_time" in bad.value.fields
    _login(client, place.tenant)
    response = client.post(
        reverse("property:ticket_new"),
        {
            "unit": str(place.unit.id),
            "kind": "repair",
            "priority": "normal",
            "description": "空调漏水",
            "preferred_time": "2001-01-01T10:00",
        },
        HTTP_ACCEPT_LANGUAGE="zh-hans",
    )
    assert response.status_code == 422
    assert "期望时间已过" in response.content.decode()
    assert not Ticket.objects.exists()


def test_a_rating_comment_over_the_limit_names_it_and_is_kept(client, place):
    ticket = services.ticket_create(
        actor=place.tenant, unit=place.unit, description="空调漏水", category="hvac"
    )
    tech = ticket.assignee.user
    for step in (services.ticket_accept, services.ticket_arrive, services.ticket_resolve):
        step(actor=tech, ticket=ticket)
    _login(client, place.tenant)
    comment = "很好" * 600
    response = client.post(
        reverse("property:ticket_action", args=[ticket.id, "confirm"]),
        {"rating": "4", "comment": comment},
        HTTP_ACCEPT_LANGUAGE="zh-hans",
    )
    assert response.status_code == 422
    html = response.content.decode()
    assert "评价最多 1000 个字符（当前 1200 个）。" in html
    assert comment in html and 'value="4" checked' in html
    ticket.refresh_from_db()
    assert ticket.rating is None


# 10. An empty survey


def test_a_survey_without_answers_says_so(client, place):
    today = timezone.localdate()
    survey = services.survey_send(
        actor=place.operator,
        park=place.park,
        title="满意度调查",
        questions=[{"label": "总体", "kind": "rating"}],
        opens_on=today,
        closes_on=today + timedelta(days=7),
    )
    html = _page(
        client, place.operator, reverse("property:survey_detail", args=[survey.id])
    ).content.decode()
    assert 'data-testid="no-answers"' in html and 'data-chart="survey-chart"' not in html


# 12. Words that mean what they say here


def test_property_words_are_not_taken_from_other_apps(client, place):
    with translation.override("zh-hans"):
        assert str(TicketStatus.ACCEPTED.label) == "已接单"
        from parkos.property.models import FindingStatus, TicketEvent

        assert str(FindingStatus.OPEN.label) == "未整改"
        assert str(FindingStatus.CLOSED.label) == "已关闭"
        assert TicketEvent(kind="created").label == "已提交"


def test_why_a_ticket_waits_for_a_dispatcher_is_worded_for_each_reader(client, place):
    """QA read 没有具备该技能的技师。 in the English history: the note was stored translated."""
    ticket = services.ticket_create(
        actor=place.tenant, unit=place.unit, description="电梯困人", category="elevator"
    )
    assert ticket.awaiting_dispatcher
    url = reverse("property:ticket_detail", args=[ticket.id])
    assert "没有具备该技能的技师。" in _page(client, place.tenant, url, "zh-hans").content.decode()
    english = _page(client, place.tenant, url, "en").content.decode()
    assert "No technician has this skill." in english and "技师" not in english
    with translation.override("en"):
        events = _login(client, place.tenant, "en").get(
            f"/api/property/tickets/{ticket.id}/events", HTTP_ACCEPT_LANGUAGE="en"
        )
    assert "No technician has this skill." in [event["note"] for event in events.json()]


def test_the_data_migration_codes_old_dispatcher_wait_notes(place):
    from django.apps import apps

    migration = importlib.import_module("parkos.property.migrations.0005_system_notes_as_codes")
    ticket = services.ticket_create(
        actor=place.tenant, unit=place.unit, description="电梯困人", category="elevator"
    )
    waiting = ticket.events.get(kind="awaiting_dispatcher")
    waiting.note, waiting.data = "没有具备该技能的技师。", {}
    waiting.save()
    migration.notes_to_codes(apps, None)
    waiting.refresh_from_db()
    assert waiting.data == {"why": "no_skilled_technician"} and waiting.note == ""
    with translation.override("en"):
        assert waiting.note_text == "No technician has this skill."


def test_an_unknown_status_filter_is_a_field_error_not_an_empty_list(client, place):
    _login(client, place.dispatcher)
    response = client.get("/api/property/tickets", {"status": "zzz"})
    assert response.status_code == 422
    assert "status" in response.json()["fields"]
    assert client.get("/api/property/tickets", {"status": "new"}).status_code == 200
