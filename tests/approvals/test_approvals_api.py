"""The approvals engine's JSON door: lists keep a query budget however many rows they hold;
who may is decided before the input is read; what one may not see is not found."""

import uuid

import pytest

from approvals.factories import case_for, two_step_process
from factories import EnterpriseFactory, ParkFactory, Role, member

pytestmark = pytest.mark.django_db


@pytest.fixture
def many_cases(hooks, applicant, reviewer, enterprise, django_capture_on_commit_callbacks):
    process = two_step_process()
    with django_capture_on_commit_callbacks(execute=True):
        return [
            case_for(
                subject_type="tests.thing",
                process=process,
                applicant=applicant,
                enterprise=enterprise,
            )
            for _ in range(8)
        ]


@pytest.mark.parametrize(
    ("who", "url", "count", "budget"),
    [
        ("applicant", "/api/approvals/cases", 8, 5),
        ("reviewer", "/api/approvals/notifications", 8, 5),
        ("finance", "/api/approvals/processes", None, 5),
    ],
)
def test_api_lists_keep_a_query_budget(
    client, many_cases, request, who, url, count, budget, django_assert_max_num_queries
):
    client.force_login(request.getfixturevalue(who))
    with django_assert_max_num_queries(budget):
        response = client.get(url)
    assert response.status_code == 200
    if count is not None:
        assert response.json()["count"] == count


def test_batch_approval_refuses_someone_who_reviews_nothing_before_reading_the_cases(
    client, open_case, applicant, reviewer
):
    case = open_case()
    client.force_login(applicant)
    for chosen in ([], [str(case.id)]):
        response = client.post(
            "/api/approvals/batch-approve", {"cases": chosen}, content_type="application/json"
        )
        assert response.status_code == 403, response.content
    client.force_login(reviewer)
    empty = client.post("/api/approvals/batch-approve", {"cases": []}, "application/json")
    assert empty.status_code == 422
    assert "cases" in empty.json()["fields"]


def test_an_unknown_or_hidden_case_is_a_404_page_and_answer(client, open_case, applicant):
    case = open_case()
    stranger_park = ParkFactory()
    stranger = member(
        Role.ENTERPRISE_ADMIN, enterprise=EnterpriseFactory(park=stranger_park), park=stranger_park
    )
    client.force_login(stranger)
    assert client.get(f"/approvals/cases/{case.id}/").status_code == 404
    answer = client.get(f"/api/approvals/cases/{case.id}")
    assert answer.status_code == 404
    assert answer.json()["code"] == "not_found"
    client.force_login(applicant)
    assert client.get(f"/approvals/cases/{uuid.uuid4()}/").status_code == 404
