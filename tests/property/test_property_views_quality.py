"""The pages of rounds, spot checks, surveys, scores and the tenant profile
(views_quality.py): forms that keep what was typed and say which field is wrong."""

from datetime import datetime, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from factories import EnterpriseFactory
from parkos.property import scoring, services
from parkos.property.models import Survey, SurveyResponse, Ticket

pytestmark = pytest.mark.django_db


def _login(client, user, language="zh-hans"):
    user.language = language
    user.save(update_fields=["language"])
    client.force_login(user)
    return client


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


def test_the_survey_rating_is_stored_and_shown_rounded(client, place, read_page):
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
    html = read_page(place.operator, reverse("property:scores") + f"?month={month:%Y-%m}")
    text = html.content.decode()
    assert text.split('data-testid="survey-rating">')[1].split("<")[0] == "4.08"


def test_closing_a_month_asks_first_and_a_bad_weight_is_named(client, place, read_page):
    html = read_page(place.operator, reverse("property:scores")).content.decode()
    assert 'data-testid="close-month"' in html and "window.confirm(" in html
    response = client.post(
        reverse("property:scores"),
        {"action": "weights", "safety": "40", "service": "abc", "satisfaction": "30"},
        follow=True,
        HTTP_ACCEPT_LANGUAGE="zh-hans",
    )
    assert "服务：请输入数字。" in response.content.decode()


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


def test_a_survey_without_answers_says_so(place, read_page):
    today = timezone.localdate()
    survey = services.survey_send(
        actor=place.operator,
        park=place.park,
        title="满意度调查",
        questions=[{"label": "总体", "kind": "rating"}],
        opens_on=today,
        closes_on=today + timedelta(days=7),
    )
    html = read_page(
        place.operator, reverse("property:survey_detail", args=[survey.id])
    ).content.decode()
    assert 'data-testid="no-answers"' in html and 'data-chart="survey-chart"' not in html


@pytest.fixture
def busy_quality(place):
    from property.factories import FindingFactory, SpotCheckFactory, SurveyFactory

    for index in range(4):
        check = SpotCheckFactory(company=place.company)
        for severity in ("low", "high"):
            FindingFactory(
                spot_check=check, severity=severity, status="open" if index else "closed"
            )
    for _ in range(4):
        SurveyFactory(park=place.park).zones.set([place.zone])
    month = (timezone.localdate().replace(day=1) - timedelta(days=1)).replace(day=1)
    services.month_compute(actor=place.operator, park=place.park, month=month)


@pytest.mark.parametrize("name", ["property:spot_checks", "property:surveys", "property:scores"])
@pytest.mark.parametrize("who", ["operator", "manager"])
def test_the_quality_list_pages_have_a_query_budget(
    client, place, busy_quality, name, who, django_assert_max_num_queries
):
    client.force_login(getattr(place, who))
    with django_assert_max_num_queries(20):
        page = client.get(reverse(name))
    assert page.status_code == 200


def test_only_the_operator_may_close_a_finding_and_a_closed_one_takes_no_follow_up(client, place):
    from property.factories import FindingFactory

    finding = FindingFactory(spot_check__company=place.company)
    closed = FindingFactory(spot_check=finding.spot_check, status="closed")
    url = reverse("property:spot_checks")
    manager_page = _login(client, place.manager).get(url).content.decode()
    assert 'value="rectified"' in manager_page and 'value="closed"' not in manager_page
    operator_page = _login(client, place.operator).get(url).content.decode()
    assert 'value="closed"' in operator_page
    assert operator_page.count('name="status"') == 1
    response = client.post(
        reverse("property:finding_follow_up", args=[closed.id]), {"status": "open"}, follow=True
    )
    closed.refresh_from_db()
    assert closed.status == "closed" and not closed.follow_ups
    assert response.status_code == 200
