"""The pages: each role's home, raising a ticket with the form, acting on it, the ranking."""

from datetime import date, timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from factories import ParkFactory, member
from parkos.accounts.models import Role
from parkos.core.errors import Forbidden, ValidationFailed
from parkos.property import services
from parkos.property.models import Ticket, TicketStatus
from property.factories import alarm_ticket

pytestmark = pytest.mark.django_db


def _login(client, user, language=None):
    if language:
        user.language = language
        user.save(update_fields=["language"])
    client.force_login(user)
    return client


def test_home_for_each_role(client, place):
    ticket = services.ticket_create(
        actor=place.tenant, unit=place.unit, description="空调漏水", category="hvac"
    )
    for user in (place.tenant, place.dispatcher, place.hvac_near.user, place.operator):
        page = _login(client, user).get(reverse("property:home"))
        assert page.status_code == 200
        assert ticket.number in page.content.decode()
    assert (
        ticket.number
        not in _login(client, place.other_tenant).get(reverse("property:home")).content.decode()
    )
    client.logout()
    assert client.get(reverse("property:home")).status_code == 302


def test_raising_a_ticket_with_the_form(client, place, png_bytes):
    _login(client, place.tenant)
    page = client.get(reverse("property:ticket_new"))
    assert place.unit.number in page.content.decode()
    photo = SimpleUploadedFile("leak.png", png_bytes, content_type="image/png")
    response = client.post(
        reverse("property:ticket_new"),
        {
            "unit": str(place.unit.id),
            "kind": "repair",
            "category": "hvac",
            "priority": "normal",
            "description": "空调漏水",
            "photos": photo,
        },
    )
    ticket = Ticket.objects.get()
    assert response.status_code == 302 and response.url == reverse(
        "property:ticket_detail", args=[ticket.id]
    )
    assert ticket.photos.count() == 1
    detail = client.get(response.url).content.decode()
    assert "data-deadline" in detail and "assignment-reasons" in detail
    photo_url = reverse("property:ticket_photo", args=[ticket.id, ticket.photos.get().id])
    assert photo_url in detail
    served = client.get(photo_url)
    assert served.status_code == 200 and b"".join(served.streaming_content) == png_bytes
    _login(client, place.other_tenant)
    assert client.get(photo_url).status_code == 404


def test_form_errors_are_shown_and_nothing_is_saved(client, place):
    _login(client, place.tenant)
    bad_photo = SimpleUploadedFile("x.png", b"not an image", content_type="image/png")
    response = client.post(
        reverse("property:ticket_new"),
        {
            "unit": str(place.unit.id),
            "kind": "repair",
            "priority": "normal",
            "description": "漏水",
            "photos": bad_photo,
        },
    )
    assert response.status_code == 422
    assert not Ticket.objects.exists()


def test_other_tenant_gets_404_on_a_ticket_page(client, place):
    ticket = services.ticket_create(
        actor=place.tenant, unit=place.unit, description="空调漏水", category="hvac"
    )
    assert (
        _login(client, place.other_tenant)
        .get(reverse("property:ticket_detail", args=[ticket.id]))
        .status_code
        == 404
    )


def test_accept_by_someone_else_shows_an_error_and_changes_nothing(client, place):
    ticket = services.ticket_create(
        actor=place.tenant, unit=place.unit, description="空调漏水", category="hvac"
    )
    _login(client, place.dispatcher)
    response = client.post(
        reverse("property:ticket_action", args=[ticket.id, "accept"]), follow=True
    )
    assert response.status_code == 200
    ticket.refresh_from_db()
    assert ticket.status == "dispatched"


def test_ranking_page_for_operator_and_company(client, place):
    _login(client, place.operator)
    page = client.get(reverse("property:scores"))
    assert page.status_code == 200 and "formula" in page.content.decode()
    client.post(reverse("property:scores") + "?month=2025-01", {"action": "compute"})
    page = client.get(reverse("property:scores") + "?month=2025-01").content.decode()
    assert place.company.name in page and place.other_company.name in page
    own = (
        _login(client, place.manager)
        .get(reverse("property:scores") + "?month=2025-01")
        .content.decode()
    )
    assert place.company.name in own and place.other_company.name not in own
    assert _login(client, place.tenant).get(reverse("property:scores")).status_code == 403


def test_other_pages_render(client, place):
    services.survey_send(
        actor=place.operator,
        park=place.park,
        title="满意度调查",
        questions=[{"label": "总体", "kind": "rating"}],
        opens_on=date(2025, 1, 1),
        closes_on=date(2099, 1, 1),
    )
    for user in (place.operator, place.tenant, place.dispatcher):
        _login(client, user)
        assert client.get(reverse("property:spot_checks")).status_code == 200
        assert client.get(reverse("property:surveys")).status_code == 200
    assert _login(client, place.tenant).get(reverse("property:profile")).status_code == 200


def test_service_desk_records_a_phone_call_and_the_caller_is_inferred(client, place):
    _login(client, place.dispatcher)
    page = client.get(reverse("property:ticket_new")).content.decode()
    assert place.unit.number in page
    client.post(
        reverse("property:ticket_new"),
        {
            "unit": str(place.unit.id),
            "kind": "repair",
            "category": "hvac",
            "priority": "high",
            "description": "电话报修：空调漏水",
        },
    )
    ticket = Ticket.objects.get()
    assert ticket.source == "phone" and ticket.enterprise == place.enterprise
    assert ticket.raised_by == place.dispatcher


def test_tabs_show_only_the_pages_the_role_may_open(client, place, read_page):
    expected = {
        place.tenant: (False, True),
        place.dispatcher: (True, False),
        place.hvac_near.user: (False, False),
        place.operator: (True, False),
    }
    for user, (scores, profile) in expected.items():
        html = read_page(user, reverse("property:home")).content.decode()
        assert ('data-testid="nav-scores"' in html) is scores, user
        assert ('data-testid="nav-profile"' in html) is profile, user
        if scores:
            assert client.get(reverse("property:scores")).status_code == 200
        if profile:
            assert client.get(reverse("property:profile")).status_code == 200


def test_the_parks_ioc_reads_but_does_not_act_on_its_alarm_tickets(client, place, read_page):
    ioc = member(Role.IOC_OPERATOR, park=place.park)
    other_ioc = member(Role.IOC_OPERATOR, park=ParkFactory())
    raised = alarm_ticket(place)
    web_ticket = services.ticket_create(
        actor=place.tenant, unit=place.unit, description="空调漏水", category="hvac"
    )
    url = reverse("property:ticket_detail", args=[raised.id])
    page = read_page(ioc, url)
    assert page.status_code == 200
    html = page.content.decode()
    assert raised.number in html
    assert 'data-testid="dispatch"' not in html and 'data-testid="cancel"' not in html
    assert client.get(reverse("property:ticket_detail", args=[web_ticket.id])).status_code == 404
    response = client.post(reverse("property:ticket_action", args=[raised.id, "cancel"]))
    assert response.status_code == 302
    raised.refresh_from_db()
    assert raised.status == TicketStatus.DISPATCHED
    with pytest.raises(Forbidden):
        services.ticket_cancel(actor=ioc, ticket=raised)
    assert read_page(other_ioc, url).status_code == 404


def test_a_corrected_category_is_not_shown_with_the_models_confidence(
    client, place, trained, read_page
):
    ticket = services.ticket_create(
        actor=place.tenant, unit=place.unit, description="会议室空调不制冷，温度一直30度"
    )
    assert ticket.predicted_category == "hvac"
    url = reverse("property:ticket_detail", args=[ticket.id])
    assert "模型置信度" in read_page(place.dispatcher, url).content.decode()
    services.ticket_dispatch(actor=place.dispatcher, ticket=ticket, category="cleaning")
    html = read_page(place.dispatcher, url).content.decode()
    assert "模型置信度" not in html
    assert "调度员设定；模型建议为空调暖通" in html


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


@pytest.mark.parametrize("who", ["tenant", "dispatcher", "technician", "operator"])
def test_the_ticket_list_page_has_a_query_budget(client, place, who, django_assert_max_num_queries):
    from property.factories import TicketFactory

    for index in range(8):
        TicketFactory(
            company=place.company,
            enterprise=place.enterprise,
            unit=place.unit,
            building=place.building,
            assignee=place.hvac_near,
            status="dispatched",
            awaiting_dispatcher=index % 3 == 0,
        )
    user = place.hvac_near.user if who == "technician" else getattr(place, who)
    client.force_login(user)
    with django_assert_max_num_queries(20):
        page = client.get(reverse("property:home"))
    assert page.status_code == 200
    assert page.content.decode().count('data-testid="status"') >= 8


def test_the_ticket_page_shows_the_actions_of_the_workflow(client, place):
    ticket = services.ticket_create(
        actor=place.tenant, unit=place.unit, description="空调漏水", category="hvac"
    )
    url = reverse("property:ticket_detail", args=[ticket.id])
    expected = {
        place.tenant: {"cancel"},
        place.dispatcher: {"dispatch", "cancel"},
        ticket.assignee.user: {"accept"},
        place.operator: set(),
    }
    every = {"dispatch", "accept", "arrive", "resolve", "confirm", "reopen", "cancel"}
    for user, shown in expected.items():
        html = _login(client, user).get(url).content.decode()
        for action in every:
            assert (f'data-testid="{action}"' in html) is (action in shown), (user, action)
