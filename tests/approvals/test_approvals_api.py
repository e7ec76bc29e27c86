"""The approvals engine's JSON lists keep a query budget however many rows they hold."""

import pytest

from approvals.factories import case_for, two_step_process

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
