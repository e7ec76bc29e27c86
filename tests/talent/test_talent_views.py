"""The talent pages, as their users see them: each opens for its role, refuses the others, keeps
input after an error, and lists pages stay within a query budget."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from factories import PASSWORD, Role, member
from parkos.talent import services
from parkos.talent.models import Application
from talent.factories import (
    ApplicationFactory,
    BoothFactory,
    FairFactory,
    PositionFactory,
    id_number,
)

pytestmark = pytest.mark.django_db


def _as(client, user):
    client.force_login(user)
    return client


def test_public_pages_open_without_sign_in(client, position, park, django_assert_max_num_queries):
    PositionFactory.create_batch(10, enterprise=position.enterprise)
    fair = FairFactory(park=park)
    BoothFactory(fair=fair, enterprise=position.enterprise)
    for name, args in [
        ("talent:home", []),
        ("talent:positions", []),
        ("talent:position_detail", [position.id]),
        ("talent:fairs", []),
        ("talent:fair_detail", [fair.id]),
        ("talent:fair_live", [fair.id]),
        ("talent:universities", []),
        ("talent:register", []),
        ("talent:ledger_check", []),
    ]:
        with django_assert_max_num_queries(15):
            response = client.get(reverse(name, args=args))
        assert response.status_code == 200, name
    assert client.get(reverse("talent:profile")).status_code == 302
    assert client.get(reverse("talent:ledger")).status_code == 302


def test_register_then_apply_from_the_fair(client, park, enterprise):
    fair = FairFactory(park=park)
    booth = BoothFactory(fair=fair, enterprise=enterprise)
    positions = PositionFactory.create_batch(3, enterprise=enterprise, booth=booth)
    bad = client.post(
        reverse("talent:register"),
        {"name": "王芳", "phone": "123", "username": "wangfang", "password": "talent-pw-1"},
    )
    assert bad.status_code == 200
    assert "王芳" in bad.content.decode()
    assert 'data-testid="error-phone"' in bad.content.decode()
    response = client.post(
        reverse("talent:register"),
        {"name": "王芳", "phone": "13700001234", "username": "wangfang", "password": "talent-pw-1"},
    )
    assert response.status_code == 302
    response = client.post(
        reverse("talent:apply"),
        {"position_ids": [str(p.id) for p in positions], "consent": "on"},
    )
    assert response.status_code == 302
    assert Application.objects.filter(fair=fair).count() == 3


def test_position_form_keeps_input_and_names_the_field(client, hr):
    response = _as(client, hr).post(
        reverse("talent:position_new"),
        {
            "title": "测试岗位",
            "field": "data",
            "level": "junior",
            "city": "杭州",
            "salary_min": "30000",
            "salary_max": "20000",
            "headcount": "1",
            "closes_on": (timezone.localdate() + timedelta(days=9)).isoformat(),
        },
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert 'data-testid="error-salary_max"' in body and "测试岗位" in body


def test_board_and_application_pages_for_hr_only(client, hr, other_hr, candidate, position):
    application = services.application_apply(
        actor=candidate.user, position_ids=[position.id], consent=True
    )[0]
    _as(client, hr)
    board = client.get(reverse("talent:position_board", args=[position.id]))
    assert board.status_code == 200
    assert "李华" in board.content.decode()
    detail = client.get(reverse("talent:application_detail", args=[application.id]))
    assert 'data-testid="action-screen"' in detail.content.decode()
    client.post(reverse("talent:application_action", args=[application.id]), {"action": "screen"})
    application.refresh_from_db()
    assert application.status == "screened"
    _as(client, other_hr)
    assert client.get(reverse("talent:position_board", args=[position.id])).status_code == 403
    assert (
        client.get(reverse("talent:application_detail", args=[application.id])).status_code == 404
    )


def test_profile_and_onething_pages(client, candidate, park, reviewer):
    _as(client, candidate.user)
    assert client.get(reverse("talent:profile")).status_code == 200
    bad = client.post(
        reverse("talent:onething"),
        {
            "name": "李华",
            "phone": "13812345678",
            "id_number": "110105194912310021",
            "arrived_on": timezone.localdate().isoformat(),
            "park": str(park.id),
            "kinds": ["housing"],
            "price": "3000000",
            "home_address": "滨江",
            "first_home": "on",
            "in_district": "on",
        },
    )
    assert bad.status_code == 200 and 'data-testid="error-id_number"' in bad.content.decode()
    good = client.post(
        reverse("talent:onething"),
        {
            "name": "李华",
            "phone": "13812345678",
            "id_number": id_number(44),
            "arrived_on": timezone.localdate().isoformat(),
            "park": str(park.id),
            "kinds": ["housing", "residence"],
            "price": "3,000,000",
            "home_address": "滨江",
            "first_home": "on",
            "in_district": "on",
        },
    )
    assert good.status_code == 302
    page = client.get(good["Location"]).content.decode()
    assert "600,000" in page
    _as(client, reviewer)
    assert client.get(reverse("talent:ledger")).status_code == 200


def test_list_pages_within_budget(client, hr, enterprise, django_assert_max_num_queries):
    for position in PositionFactory.create_batch(8, enterprise=enterprise):
        ApplicationFactory(position=position)
    _as(client, hr)
    with django_assert_max_num_queries(15):
        assert client.get(reverse("talent:positions") + "?mine=1").status_code == 200
    with django_assert_max_num_queries(20):
        assert client.get(reverse("talent:home")).status_code == 200


def test_operator_pages(client, operator, park):
    _as(client, operator)
    assert client.get(reverse("talent:fair_new")).status_code == 200
    response = client.post(
        reverse("talent:fair_new"),
        {
            "title": "秋季招聘",
            "theme": "field",
            "field": "data",
            "starts_at": "2030-01-02T10:00",
            "ends_at": "2030-01-01T10:00",
        },
    )
    assert (
        response.status_code == 200 and 'data-testid="error-ends_at"' in response.content.decode()
    )
    assert client.get(reverse("talent:demand")).status_code == 200
    assert member(Role.CANDIDATE).check_password(PASSWORD)
