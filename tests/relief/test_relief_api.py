import uuid

import pytest
from django.urls import reverse

from factories import EnterpriseFactory, Role, member
from parkos.approvals.models import Case
from parkos.relief import services
from parkos.relief.models import ReliefApplication

pytestmark = pytest.mark.django_db


def test_apply_page_quotes_then_submits(client, programme, lease, tenant):
    client.force_login(tenant)
    page = client.get(reverse("relief:programme_detail", args=[programme.id]))
    assert page.status_code == 200 and 'data-testid="apply-form"' in page.content.decode()
    quote = client.post(
        reverse("relief:quote", args=[programme.id]),
        {"lease": str(lease.id), "declared_revenue": "1000000"},
    )
    assert "¥20,000.00" in quote.content.decode()
    response = client.post(
        reverse("relief:apply", args=[programme.id]),
        {"lease": str(lease.id), "declared_revenue": "1000000"},
    )
    assert response.status_code == 302
    case = Case.objects.get()
    assert response["Location"] == reverse("approvals:case_detail", args=[case.id])
    again = client.post(
        reverse("relief:apply", args=[programme.id]),
        {"lease": str(lease.id), "declared_revenue": "1000000"},
    )
    assert again.status_code == 409
    assert ReliefApplication.objects.count() == 1


def test_application_api_permission_matrix(client, programme, lease, tenant, operator):
    application = services.application_submit(
        actor=tenant, programme=programme, lease=lease, declared_revenue="1"
    )
    url = f"/api/relief/applications/{application.id}"
    assert client.get(url).status_code == 401
    client.force_login(member(Role.ENTERPRISE_ADMIN, enterprise=EnterpriseFactory()))
    assert client.get(url).status_code == 404
    client.force_login(tenant)
    body = client.get(url).json()
    assert body["amount"] == "20000.00" and body["case"]
    client.force_login(operator)
    assert client.get(url).status_code == 200


def test_submit_api_bad_input(client, programme, lease, tenant, park):
    client.force_login(tenant)

    def post(body):
        return client.post("/api/relief/applications", body, content_type="application/json")

    negative = post(
        {"programme": str(programme.id), "lease": str(lease.id), "declared_revenue": "-1"}
    )
    assert negative.status_code == 422 and "declared_revenue" in negative.json()["fields"]
    from factories import LeaseFactory

    foreign = LeaseFactory(enterprise=EnterpriseFactory(park=park))
    response = post({"programme": str(programme.id), "lease": str(foreign.id)})
    assert response.status_code == 422 and "lease" in response.json()["fields"]
    quote = client.post(
        f"/api/relief/programmes/{programme.id}/quote",
        {"lease": str(lease.id), "declared_revenue": "5"},
        content_type="application/json",
    )
    assert quote.json()["amount"] == "20000.00"
    missing = post({"programme": str(programme.id), "lease": str(lease.id)})
    assert missing.json()["code"] == "not_eligible"
    body = {"programme": str(programme.id), "lease": str(lease.id), "declared_revenue": "5"}
    assert post(body).status_code == 201
    assert post(body).status_code == 409
    assert ReliefApplication.objects.count() == 1


def test_report_and_programme_create_permissions(client, programme, tenant, operator, park):
    assert client.get("/api/relief/report").status_code == 401
    client.force_login(tenant)
    assert client.get("/api/relief/report").status_code == 403
    assert client.get(reverse("relief:report")).status_code == 403
    body = {
        "name": "x",
        "period_start": "2026-01-01",
        "period_end": "2026-02-01",
        "kind": "percent",
        "percent": "50",
    }
    assert (
        client.post("/api/relief/programmes", body, content_type="application/json").status_code
        == 403
    )
    client.force_login(operator)
    assert client.get("/api/relief/report").status_code == 200
    assert client.get(reverse("relief:report")).status_code == 200
    created = client.post("/api/relief/programmes", body, content_type="application/json")
    assert created.status_code == 201
    assert client.get(reverse("relief:programme_new")).status_code == 200


def test_application_list_has_a_query_budget(
    client, programme, lease, tenant, operator, django_assert_max_num_queries
):
    services.application_submit(
        actor=tenant, programme=programme, lease=lease, declared_revenue="1"
    )
    client.force_login(operator)
    with django_assert_max_num_queries(8):
        response = client.get("/api/relief/applications")
    assert response.json()["count"] == 1
    assert client.get(reverse("relief:home")).status_code == 200


def test_adjustments_api_after_approval(client, programme, lease, tenant, reviewer, operator):
    from parkos.approvals import services as approvals
    from parkos.approvals.selectors import case_for_subject

    application = services.application_submit(
        actor=tenant, programme=programme, lease=lease, declared_revenue="1"
    )
    case = case_for_subject(
        actor=tenant, subject_type="relief.application", subject_id=str(application.id)
    )
    case = approvals.case_approve(actor=reviewer, case=case)
    approvals.case_approve(actor=operator, case=case)
    client.force_login(tenant)
    body = client.get(f"/api/relief/adjustments?lease={lease.id}").json()
    assert body["count"] == 1 and body["items"][0]["amount"] == "20000.00"
    client.force_login(member(Role.ENTERPRISE_ADMIN, enterprise=EnterpriseFactory()))
    assert client.get("/api/relief/adjustments").json()["count"] == 0


@pytest.mark.parametrize(
    ("who", "url", "budget"),
    [
        ("tenant", "/api/relief/programmes", 6),
        ("operator", "/api/relief/adjustments", 6),
        ("operator", "/api/relief/report", 8),
    ],
)
def test_more_lists_keep_a_query_budget(
    client, park, request, who, url, budget, django_assert_max_num_queries
):
    from relief.factories import ReliefProgrammeFactory

    ReliefProgrammeFactory.create_batch(6, park=park)
    client.force_login(request.getfixturevalue(who))
    with django_assert_max_num_queries(budget):
        response = client.get(url)
    assert response.status_code == 200


def test_who_may_apply_is_decided_before_the_input_is_read(
    client, programme, lease, enterprise, operator
):
    """An operator (who applies for no enterprise) and a mere member are refused with 403,
    whatever they send; neither learns whether the lease or the programme exists."""
    staff_member = member(Role.ENTERPRISE_MEMBER, enterprise=enterprise, park=enterprise.park)
    for actor in (operator, staff_member):
        client.force_login(actor)
        quote = client.post(
            f"/api/relief/programmes/{programme.id}/quote",
            {"lease": str(lease.id)},
            content_type="application/json",
        )
        assert quote.status_code == 403, quote.content
        submit = client.post(
            "/api/relief/applications",
            {"programme": str(uuid.uuid4()), "lease": str(uuid.uuid4())},
            content_type="application/json",
        )
        assert submit.status_code == 403, submit.content
    assert not ReliefApplication.objects.exists()


def test_the_api_documents_relief_bodies_under_their_own_names():
    from parkos.config.api import api

    schema = api.get_openapi_schema()
    quote = schema["paths"]["/api/relief/programmes/{programme_id}/quote"]["post"]
    name = quote["requestBody"]["content"]["application/json"]["schema"]["$ref"].split("/")[-1]
    assert schema["components"]["schemas"][name]["required"] == ["lease"]
