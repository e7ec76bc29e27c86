"""The ledger's API: four callers at every door, the one error format, query budgets."""

import io
from datetime import timedelta

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from parkos.filings.models import FilingRound, Submission, SubmissionRevision

API = "/api/filings"


@pytest.fixture
def as_user(client):
    def login(user):
        client.logout()
        if user is not None:
            client.force_login(user)
        return client

    return login


def round_payload(net, **changes):
    today = timezone.localdate()
    return {
        "park": str(net.park.id),
        "title": "第12周复工台账",
        "period_start": str(today - timedelta(days=6)),
        "period_end": str(today),
        "change_threshold": 25,
        **changes,
    }


FIGURES = {
    "total_staff": 100,
    "returned_staff": 60,
    "risk_area_staff": 0,
    "observation_staff": 0,
    "supplies_days": 14,
    "compliance_declared": True,
}


@pytest.mark.parametrize(
    ("who", "status"),
    [(None, 401), ("tenant", 403), ("reviewer", 403), ("other_operator", 403), ("operator", 201)],
)
def test_opening_a_round(net, as_user, who, status):
    client = as_user(getattr(net, who) if who else None)
    response = client.post(f"{API}/rounds", round_payload(net), content_type="application/json")
    assert response.status_code == status, response.content
    assert FilingRound.objects.count() == (1 if status == 201 else 0)
    if status == 201:
        assert response.json()["change_threshold"] == 25
        assert response.json()["status"] == "open"


def test_opening_a_round_with_bad_input_names_the_field(net, as_user):
    client = as_user(net.operator)
    today = timezone.localdate()
    response = client.post(
        f"{API}/rounds",
        round_payload(net, period_end=str(today - timedelta(days=30)), change_threshold="x"),
        content_type="application/json",
    )
    assert response.status_code == 422
    body = response.json()
    assert body["code"] == "validation_error"
    assert set(body["fields"]) == {"period_end", "change_threshold"}
    assert not FilingRound.objects.exists()


@pytest.mark.parametrize(
    ("who", "status"),
    [
        (None, 401),
        ("outsider_tenant", 404),
        ("other_operator", 404),
        ("technician", 404),
        ("tenant", 200),
        ("reviewer", 200),
        ("operator", 200),
    ],
)
def test_reading_a_round(net, as_user, this_round, who, status):
    client = as_user(getattr(net, who) if who else None)
    assert client.get(f"{API}/rounds/{this_round.id}").status_code == status


@pytest.mark.parametrize(
    ("who", "status"),
    [
        (None, 401),
        ("other_operator", 404),
        ("tenant", 403),
        ("reviewer", 200),
        ("operator", 200),
    ],
)
def test_the_dashboard_is_for_the_parks_staff(net, as_user, this_round, file, who, status):
    file(net.tenant, this_round, net.acme)
    client = as_user(getattr(net, who) if who else None)
    response = client.get(f"{API}/rounds/{this_round.id}/dashboard")
    assert response.status_code == status
    if status == 200:
        body = response.json()
        assert body["overall"] == {
            "label": body["overall"]["label"],
            "expected": 3,
            "filed": 1,
            "rate": 33.3,
        }
        assert {row["enterprise_name"] for row in body["flagged"]} == {"乙科技", "丙科技"}


@pytest.mark.parametrize(
    ("who", "status"),
    [(None, 401), ("other_operator", 404), ("tenant", 403), ("reviewer", 403), ("operator", 200)],
)
def test_closing_a_round(net, as_user, this_round, who, status):
    client = as_user(getattr(net, who) if who else None)
    response = client.post(f"{API}/rounds/{this_round.id}/close")
    assert response.status_code == status
    this_round.refresh_from_db()
    assert this_round.is_open == (status != 200)


def test_the_round_list_shows_each_caller_their_rounds(net, as_user, open_round):
    open_round(weeks_ago=1)
    open_round()
    from parkos.filings import services

    today = timezone.localdate()
    services.round_open(
        actor=net.other_operator,
        park=net.other_park,
        title="别处",
        period_start=today,
        period_end=today,
    )
    counts = {}
    for who in (
        "operator",
        "other_operator",
        "tenant",
        "branch_tenant",
        "outsider_tenant",
        "technician",
    ):
        counts[who] = as_user(getattr(net, who)).get(f"{API}/rounds").json()["count"]
    assert counts == {
        "operator": 2,
        "other_operator": 1,
        "tenant": 2,
        "branch_tenant": 2,
        "outsider_tenant": 1,
        "technician": 0,
    }


def test_the_round_list_keeps_a_query_budget(
    net, as_user, open_round, django_assert_max_num_queries
):
    for weeks_ago in range(6):
        open_round(weeks_ago=weeks_ago)
    client = as_user(net.tenant)
    with django_assert_max_num_queries(8):
        response = client.get(f"{API}/rounds")
    assert response.json()["count"] == 6


@pytest.mark.parametrize(
    ("who", "status"),
    [
        (None, 401),
        ("outsider_tenant", 404),
        ("other_operator", 404),
        ("reviewer", 403),
        ("technician", 404),
        ("tenant", 201),
    ],
)
def test_filing(net, as_user, this_round, who, status):
    client = as_user(getattr(net, who) if who else None)
    response = client.post(
        f"{API}/rounds/{this_round.id}/submissions", FIGURES, content_type="application/json"
    )
    assert response.status_code == status, response.content
    assert Submission.objects.count() == (1 if status == 201 else 0)


def test_filing_twice_answers_a_correction_with_its_history(net, as_user, this_round):
    client = as_user(net.tenant)
    url = f"{API}/rounds/{this_round.id}/submissions"
    first = client.post(url, FIGURES, content_type="application/json")
    assert first.status_code == 201
    second = client.post(url, {**FIGURES, "returned_staff": 65}, content_type="application/json")
    assert second.status_code == 200
    body = second.json()
    assert body["id"] == first.json()["id"]
    assert body["version"] == 2
    assert [r["returned_staff"] for r in body["revisions"]] == [65, 60]


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"total_staff": -3}, "total_staff"),
        ({"returned_staff": 2.5}, "returned_staff"),
        ({"supplies_days": "many"}, "supplies_days"),
        ({"returned_staff": 120}, "returned_staff"),
    ],
)
def test_bad_figures_get_422_naming_the_field(net, as_user, this_round, changes, field):
    client = as_user(net.tenant)
    response = client.post(
        f"{API}/rounds/{this_round.id}/submissions",
        {**FIGURES, **changes},
        content_type="application/json",
    )
    assert response.status_code == 422
    assert field in response.json()["fields"]
    assert not Submission.objects.exists()


def test_filing_a_closed_round_is_a_conflict(net, as_user, this_round):
    as_user(net.operator).post(f"{API}/rounds/{this_round.id}/close")
    response = as_user(net.tenant).post(
        f"{API}/rounds/{this_round.id}/submissions", FIGURES, content_type="application/json"
    )
    assert response.status_code == 409
    assert response.json()["code"] == "round_closed"
    assert not Submission.objects.exists()


def test_operator_files_on_behalf_naming_the_enterprise(net, as_user, this_round):
    client = as_user(net.operator)
    url = f"{API}/rounds/{this_round.id}/submissions"
    missing = client.post(url, FIGURES, content_type="application/json")
    assert missing.status_code == 422
    assert "enterprise" in missing.json()["fields"]
    outside = client.post(
        url, {**FIGURES, "enterprise": str(net.outsider.id)}, content_type="application/json"
    )
    assert outside.status_code == 422
    made = client.post(
        url, {**FIGURES, "enterprise": str(net.acme.id)}, content_type="application/json"
    )
    assert made.status_code == 201


def test_an_enterprise_sees_only_its_own_submissions(net, as_user, this_round, file):
    own = file(net.tenant, this_round, net.acme).submission
    other = file(net.tenant2, this_round, net.beta, total_staff=50, returned_staff=20).submission
    client = as_user(net.tenant)
    listed = client.get(f"{API}/rounds/{this_round.id}/submissions").json()
    assert [item["id"] for item in listed["items"]] == [str(own.id)]
    assert client.get(f"{API}/submissions/{own.id}").status_code == 200
    assert client.get(f"{API}/submissions/{other.id}").status_code == 404


@pytest.mark.parametrize(
    ("who", "status"),
    [(None, 401), ("other_operator", 404), ("tenant2", 404), ("reviewer", 200), ("tenant", 200)],
)
def test_reading_a_submission(net, as_user, this_round, file, who, status):
    submission = file(net.tenant, this_round, net.acme).submission
    client = as_user(getattr(net, who) if who else None)
    assert client.get(f"{API}/submissions/{submission.id}").status_code == status


def test_operators_of_another_park_see_no_submission(net, as_user, this_round, file):
    file(net.tenant, this_round, net.acme)
    client = as_user(net.other_operator)
    assert client.get(f"{API}/rounds/{this_round.id}/submissions").status_code == 404


def test_the_submission_list_keeps_a_query_budget(
    net, as_user, this_round, file, django_assert_max_num_queries
):
    file(net.tenant, this_round, net.acme, returned_staff=10, compliance_declared=False)
    file(net.tenant2, this_round, net.beta, total_staff=50, returned_staff=20)
    file(net.branch_tenant, this_round, net.gamma, total_staff=20, returned_staff=10)
    client = as_user(net.operator)
    with django_assert_max_num_queries(8):
        response = client.get(f"{API}/rounds/{this_round.id}/submissions?flagged=true")
    items = response.json()["items"]
    assert [item["enterprise_name"] for item in items] == ["甲科技"]
    assert items[0]["flags"][0]["code"] == "no_declaration"
    assert items[0]["flags"][0]["message"]


@pytest.mark.parametrize(
    ("who", "status"),
    [(None, 401), ("other_operator", 404), ("tenant", 403), ("reviewer", 200), ("operator", 200)],
)
def test_exporting_a_round(net, as_user, this_round, file, who, status):
    file(net.tenant, this_round, net.acme)
    client = as_user(getattr(net, who) if who else None)
    response = client.get(f"{API}/rounds/{this_round.id}/export")
    assert response.status_code == status
    if status == 200:
        workbook = load_workbook(io.BytesIO(response.content))
        assert len(workbook.worksheets) == 3
        rows = list(workbook.worksheets[0].iter_rows(values_only=True))
        assert rows[1][0] == "甲科技"
        assert rows[1][4:6] == (100, 60)
        missing = [row[0] for row in workbook.worksheets[1].iter_rows(min_row=2, values_only=True)]
        assert sorted(missing) == ["丙科技", "乙科技"]


def test_corrections_are_kept_as_revisions(net, as_user, this_round):
    client = as_user(net.tenant)
    url = f"{API}/rounds/{this_round.id}/submissions"
    for returned in (10, 20, 30):
        client.post(url, {**FIGURES, "returned_staff": returned}, content_type="application/json")
    assert Submission.objects.count() == 1
    assert SubmissionRevision.objects.count() == 3
