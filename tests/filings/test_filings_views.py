"""The ledger's pages: the operator's dashboard, the tenant's form, who may open what."""

import uuid
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from parkos.filings.models import FilingRound, Submission


@pytest.fixture
def as_user(client):
    def login(user):
        client.logout()
        client.force_login(user)
        return client

    return login


def form(**changes):
    return {
        "total_staff": "100",
        "returned_staff": "60",
        "risk_area_staff": "0",
        "observation_staff": "0",
        "supplies_days": "14",
        "compliance_declared": "on",
        **changes,
    }


def test_anonymous_visitors_are_sent_to_sign_in(client, this_round):
    response = client.get(reverse("filings:round_detail", args=[this_round.id]))
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_the_tenant_files_sees_the_error_then_is_accepted(net, as_user, this_round):
    client = as_user(net.tenant)
    url = reverse("filings:submit", args=[this_round.id])
    assert client.get(url).status_code == 200
    refused = client.post(url, form(returned_staff="120"))
    assert refused.status_code == 422
    assert [row["name"] for row in refused.context["rows"] if row["errors"]] == ["returned_staff"]
    assert 'data-testid="error-returned_staff"' in refused.content.decode()
    assert not Submission.objects.exists()
    accepted = client.post(url, form())
    assert accepted.status_code == 302
    page = client.get(accepted["Location"])
    assert page.status_code == 200
    assert Submission.objects.get().returned_staff == 60
    corrected = client.post(url, form(returned_staff="65"), follow=True)
    assert corrected.status_code == 200
    assert Submission.objects.get().version == 2


def test_a_closed_round_shows_the_reason_and_keeps_the_figures(net, as_user, this_round, file):
    file(net.tenant, this_round, net.acme)
    as_user(net.operator).post(reverse("filings:round_close", args=[this_round.id]))
    client = as_user(net.tenant)
    response = client.post(reverse("filings:submit", args=[this_round.id]), form(total_staff="90"))
    assert response.status_code == 409
    assert Submission.objects.get().total_staff == 100


@pytest.mark.parametrize(
    ("who", "status"),
    [("tenant", 403), ("reviewer", 403), ("technician", 403), ("operator", 200)],
)
def test_only_operators_open_rounds_on_the_web(net, as_user, who, status):
    response = as_user(getattr(net, who)).get(reverse("filings:round_create"))
    assert response.status_code == status


def test_operator_opens_a_round_through_the_form(net, as_user):
    client = as_user(net.operator)
    today = timezone.localdate()
    data = {
        "park": str(net.park.id),
        "title": "第3周复工台账",
        "period_start": str(today - timedelta(days=6)),
        "period_end": str(today),
        "due_on": "",
        "change_threshold": "30",
        "min_supplies_days": "7",
        "include_branches": "on",
    }
    refused = client.post(reverse("filings:round_create"), {**data, "period_end": "not a day"})
    assert refused.status_code == 422
    assert not FilingRound.objects.exists()
    response = client.post(reverse("filings:round_create"), data)
    assert response.status_code == 302
    filing_round = FilingRound.objects.get()
    assert filing_round.include_branches
    assert response["Location"] == reverse("filings:round_detail", args=[filing_round.id])


def test_the_dashboard_shows_completion_and_flags(net, as_user, this_round, file):
    file(net.tenant, this_round, net.acme, compliance_declared=False)
    response = as_user(net.operator).get(reverse("filings:round_detail", args=[this_round.id]))
    assert response.status_code == 200
    assert response.context["overall"].filed == 1
    assert response.context["overall"].expected == 3
    body = response.content.decode()
    assert 'data-chart="completion-chart-option"' in body
    assert "乙科技" in body and "甲科技" in body


def test_the_tenant_sees_its_own_filing_not_the_dashboard(net, as_user, this_round, file):
    file(net.tenant, this_round, net.acme)
    file(net.tenant2, this_round, net.beta, total_staff=50, returned_staff=20)
    response = as_user(net.tenant).get(reverse("filings:round_detail", args=[this_round.id]))
    assert response.status_code == 200
    body = response.content.decode()
    assert "甲科技" in body and "乙科技" not in body
    assert "overall" not in response.context


@pytest.mark.parametrize(
    ("who", "status"), [("other_operator", 404), ("outsider_tenant", 404), ("tenant2", 404)]
)
def test_outsiders_do_not_see_a_submission(net, as_user, this_round, file, who, status):
    submission = file(net.tenant, this_round, net.acme).submission
    response = as_user(getattr(net, who)).get(
        reverse("filings:submission_detail", args=[submission.id])
    )
    assert response.status_code == status


def test_the_submission_page_shows_every_version(net, as_user, this_round, file):
    file(net.tenant, this_round, net.acme)
    submission = file(net.tenant, this_round, net.acme, returned_staff=70).submission
    response = as_user(net.operator).get(reverse("filings:submission_detail", args=[submission.id]))
    assert [row["revision"].version for row in response.context["revisions"]] == [2, 1]


def test_the_round_list_keeps_a_query_budget(
    net, as_user, open_round, file, django_assert_max_num_queries
):
    for weeks_ago in range(5):
        file(net.tenant, open_round(weeks_ago=weeks_ago), net.acme)
    for who in ("operator", "tenant"):
        client = as_user(getattr(net, who))
        with django_assert_max_num_queries(14):
            response = client.get(reverse("filings:rounds"))
        assert len(response.context["page"].object_list) == 5


def test_the_dashboard_keeps_a_query_budget(
    net, as_user, open_round, file, django_assert_max_num_queries
):
    for weeks_ago in range(4, -1, -1):
        filing_round = open_round(weeks_ago=weeks_ago)
        file(net.tenant, filing_round, net.acme)
        file(net.tenant2, filing_round, net.beta, total_staff=50, returned_staff=20)
    client = as_user(net.operator)
    with django_assert_max_num_queries(16):
        response = client.get(reverse("filings:round_detail", args=[filing_round.id]))
    assert len(response.context["trend"]) == 5


def test_the_export_downloads_a_workbook(net, as_user, this_round, file):
    file(net.tenant, this_round, net.acme)
    response = as_user(net.operator).get(reverse("filings:round_export", args=[this_round.id]))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert (
        as_user(net.tenant).get(reverse("filings:round_export", args=[this_round.id])).status_code
        == 403
    )


def test_pages_speak_the_users_language(net, as_user, this_round, file):
    submission = file(net.tenant, this_round, net.acme, compliance_declared=False).submission
    for user in (net.operator, net.tenant):
        user.language = "en"
        user.save(update_fields=["language"])
    client = as_user(net.operator)
    dashboard = client.get(reverse("filings:round_detail", args=[this_round.id])).content.decode()
    assert "Completion by zone" in dashboard
    assert (
        "The declaration of compliance was not given."
        in client.get(reverse("filings:submission_detail", args=[submission.id])).content.decode()
    )
    net.operator.language = "zh-hans"
    net.operator.save(update_fields=["language"])
    chinese = client.get(reverse("filings:round_detail", args=[this_round.id])).content.decode()
    assert "各片区填报情况" in chinese and "未作出合规承诺" in chinese
    tenant_page = as_user(net.tenant).get(reverse("filings:submit", args=[this_round.id]))
    assert "File the re-opening ledger" in tenant_page.content.decode()


@pytest.mark.parametrize("page", ["filings:round_act", "filings:round_close"])
def test_closing_refuses_a_wrong_role_and_hides_the_round_from_another_park(
    net, as_user, this_round, page
):
    url = reverse(page, args=[this_round.id])
    assert as_user(net.tenant).post(url, {"action": "close"}).status_code == 403
    assert as_user(net.reviewer).post(url, {"action": "close"}).status_code == 403
    assert as_user(net.other_operator).post(url, {"action": "close"}).status_code == 404
    assert FilingRound.objects.get(pk=this_round.pk).is_open
    assert as_user(net.operator).post(url, {"action": "close"}).status_code == 302
    assert not FilingRound.objects.get(pk=this_round.pk).is_open


def test_an_unknown_round_or_filing_is_a_404_page(net, as_user):
    client = as_user(net.operator)
    assert client.get(reverse("filings:round_detail", args=[uuid.uuid4()])).status_code == 404
    assert client.get(reverse("filings:submission_detail", args=[uuid.uuid4()])).status_code == 404


def test_the_dashboard_charts_use_the_house_palette(net, as_user, this_round):
    from parkos.core.charts import PALETTE

    response = as_user(net.operator).get(reverse("filings:round_detail", args=[this_round.id]))
    assert response.context["completion_chart"]["color"] == list(PALETTE)
    assert response.context["trend_chart"]["yAxis"][0]["max"] == 100
