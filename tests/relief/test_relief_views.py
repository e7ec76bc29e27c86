"""Rent relief's pages: the new-programme form (each problem under its own field and named by
its label, every figure checked, only rent-relief processes offered), the application form
(amounts as people type them), the way a programme's terms read (natural Chinese, correct
English numbers), and query budgets on the list pages."""

import uuid
from decimal import Decimal

import pytest
from django.urls import reverse

from factories import ParkFactory, Role, member
from parkos.approvals.services import process_ensure
from parkos.relief import services
from parkos.relief.models import ReliefApplication, ReliefProgramme
from parkos.relief.templatetags.relief_terms import programme_eligibility, programme_terms

pytestmark = pytest.mark.django_db

URL = "/relief/programmes/new/"
GOOD = {
    "name": "2026年减租",
    "period_start": "2026-02-01",
    "period_end": "2026-04-30",
    "kind": "months",
    "months": "2",
    "process_code": "rent-relief",
}


def _field_errors(page: str, field: str) -> str:
    return page.split(f'id="{field}-errors">')[1].split("</div></div>")[0]


def test_each_problem_shows_under_its_field_with_its_label(client, operator):
    client.force_login(operator)
    posted = GOOD | {
        "period_start": "2026-04-01",
        "period_end": "2026-03-01",
        "months": "abc",
        "cap_per_enterprise": "-1",
    }
    response = client.post(URL, posted)
    assert response.status_code == 422
    page = response.content.decode()
    assert "结束日期早于开始日期" in _field_errors(page, "period_end")
    assert "请输入数字" in _field_errors(page, "months")
    assert "不能为负数" in _field_errors(page, "cap_per_enterprise")
    summary = page.split('data-testid="error-summary"')[1].split("</div>")[0]
    assert "减免月数</a>：请输入数字" in summary
    assert "每家企业上限（元）</a>：不能为负数" in summary
    for raw in ("period_end:", "cap_per_enterprise:", "months:"):
        assert raw not in summary
    assert 'value="abc"' in page, "what was typed stays in the form"
    assert not ReliefProgramme.objects.exists()


def test_an_unreadable_date_is_reported_with_the_other_problems(client, operator):
    client.force_login(operator)
    page = client.post(URL, GOOD | {"period_end": "2026-13-45", "months": "0"}).content.decode()
    assert "YYYY-MM-DD" in _field_errors(page, "period_end")
    assert "必须大于零" in _field_errors(page, "months")


def test_the_percentage_is_checked_even_when_months_are_waived(client, operator):
    client.force_login(operator)
    page = client.post(URL, GOOD | {"percent": "150"}).content.decode()
    assert "100%" in _field_errors(page, "percent")
    assert not ReliefProgramme.objects.exists()
    response = client.post(URL, GOOD | {"kind": "percent", "percent": "50", "months": ""})
    assert response.status_code == 302
    assert ReliefProgramme.objects.get().percent == Decimal("50")


def test_only_rent_relief_processes_are_offered(client, operator):
    process_ensure(
        code="voucher-grant",
        name="科技创新券申领",
        steps=[{"name": "审核", "role": "reviewer", "scope": "park", "deadline_days": 3}],
        subject_type="marketplace.voucher",
    )
    process_ensure(
        code="unlabelled",
        name="未分类流程",
        steps=[{"name": "审核", "role": "reviewer", "scope": "park", "deadline_days": 3}],
    )
    client.force_login(operator)
    page = client.get(URL).content.decode()
    choices = page.split('id="process_code"')[1].split("</select>")[0]
    assert "rent-relief" in choices
    assert "科技创新券申领" not in choices and "未分类流程" not in choices
    response = client.post(URL, GOOD | {"process_code": "voucher-grant"})
    assert response.status_code == 422
    assert "减租审批流程" in _field_errors(response.content.decode(), "process_code")


def _programme(**terms):
    return ReliefProgramme(
        kind=terms.get("kind", "months"),
        months=terms.get("months"),
        percent=terms.get("percent"),
        cap_per_enterprise=terms.get("cap"),
        max_headcount=terms.get("headcount"),
        max_revenue=terms.get("revenue"),
        require_no_arrears=terms.get("arrears", True),
    )


def test_terms_read_naturally_in_chinese(settings):
    from django.utils import translation

    with translation.override("zh-hans"):
        assert (
            programme_terms(_programme(months=Decimal("2"), cap=Decimal("200000")))
            == "减免 2 个月房租，每家企业最高 ¥200,000.00。"
        )
        assert (
            programme_terms(_programme(kind="percent", percent=Decimal("50.00")))
            == "减免期内房租减免 50%。"
        )
        assert programme_eligibility(_programme(headcount=100)) == (
            "减免期内有有效租约的企业；从业人数不超过 100 人；无欠租。"
        )


def test_terms_count_correctly_in_english():
    from django.utils import translation

    with translation.override("en"):
        assert programme_terms(_programme(months=Decimal("1"))) == "1 month of rent waived."
        assert programme_terms(_programme(months=Decimal("1.5"))) == "1.5 months of rent waived."
        assert (
            programme_terms(_programme(months=Decimal("2"), cap=Decimal("30000")))
            == "2 months of rent waived, up to ¥30,000.00 per enterprise."
        )
        assert programme_eligibility(_programme(headcount=1, arrears=False)) == (
            "Enterprises with a lease running during the period; at most 1 employee."
        )


def test_the_programme_page_shows_the_terms(client, programme, tenant):
    client.force_login(tenant)
    page = client.get(reverse("relief:programme_detail", args=[programme.id])).content.decode()
    assert "减免 2 个月房租，每家企业最高 ¥30,000.00。" in page
    assert "无欠租。" in page and "无欠租." not in page


@pytest.mark.parametrize(
    ("who", "page", "budget"),
    [("tenant", "home", 12), ("tenant", "detail", 14), ("operator", "report", 10)],
)
def test_list_pages_keep_a_query_budget(
    client, programme, lease, tenant, request, who, page, budget, django_assert_max_num_queries
):
    from relief.factories import ReliefProgrammeFactory, leased_enterprise

    for _ in range(4):
        enterprise, other_lease = leased_enterprise(programme.park)
        applicant = member(Role.ENTERPRISE_ADMIN, enterprise=enterprise, park=programme.park)
        services.application_submit(
            actor=applicant, programme=programme, lease=other_lease, declared_revenue="1000000"
        )
    ReliefProgrammeFactory.create_batch(3, park=programme.park)
    url = {
        "home": reverse("relief:home"),
        "detail": reverse("relief:programme_detail", args=[programme.id]),
        "report": reverse("relief:report"),
    }[page]
    client.force_login(request.getfixturevalue(who))
    with django_assert_max_num_queries(budget):
        response = client.get(url)
    assert response.status_code == 200


def test_revenue_typed_with_grouped_digits_is_read_as_yuan(client, programme, lease, tenant):
    client.force_login(tenant)
    response = client.post(
        reverse("relief:apply", args=[programme.id]),
        {"lease": str(lease.id), "declared_revenue": "23,500,000"},
    )
    assert response.status_code == 302
    assert ReliefApplication.objects.get().declared_revenue == Decimal("23500000.00")


def test_unreadable_revenue_is_shown_under_its_field_and_kept(client, programme, lease, tenant):
    client.force_login(tenant)
    response = client.post(
        reverse("relief:apply", args=[programme.id]),
        {"lease": str(lease.id), "declared_revenue": "12.345"},
    )
    assert response.status_code == 422
    page = response.content.decode()
    assert "error-declared_revenue" in page and 'value="12.345"' in page
    assert not ReliefApplication.objects.exists()


@pytest.mark.parametrize("page", ["relief:programme_act", "relief:publish"])
def test_moving_a_programme_refuses_a_wrong_role_and_hides_it_from_another_park(
    client, programme, tenant, page
):
    url = reverse(page, args=[programme.id])
    client.force_login(tenant)
    assert client.post(url, {"action": "close"}).status_code == 403
    client.force_login(member(Role.OPERATOR_ADMIN, park=ParkFactory()))
    assert client.post(url, {"action": "close"}).status_code == 404
    assert ReliefProgramme.objects.get(pk=programme.pk).status == "published"


def test_the_operator_closes_a_programme_from_its_page(client, programme, operator):
    client.force_login(operator)
    response = client.post(
        reverse("relief:programme_act", args=[programme.id]), {"action": "close"}
    )
    assert response.status_code == 302
    assert ReliefProgramme.objects.get(pk=programme.pk).status == "closed"


def test_an_unknown_programme_is_a_404_page(client, tenant):
    client.force_login(tenant)
    assert client.get(reverse("relief:programme_detail", args=[uuid.uuid4()])).status_code == 404


def test_the_inbox_describes_relief_cases_without_a_query_per_row(client, programme, reviewer):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from relief.factories import leased_enterprise

    def apply(count):
        for _ in range(count):
            enterprise, lease = leased_enterprise(programme.park)
            applicant = member(Role.ENTERPRISE_ADMIN, enterprise=enterprise, park=programme.park)
            services.application_submit(
                actor=applicant, programme=programme, lease=lease, declared_revenue="1000000"
            )

    def inbox_queries() -> tuple[int, str]:
        client.get(reverse("approvals:inbox"))
        with CaptureQueriesContext(connection) as queries:
            page = client.get(reverse("approvals:inbox")).content.decode()
        return len(queries), page

    client.force_login(reviewer)
    apply(1)
    one, _page = inbox_queries()
    apply(4)
    five, page = inbox_queries()
    assert page.count("¥20,000.00") == 5
    assert five == one


def test_the_report_chart_uses_the_house_palette(client, programme, operator):
    from parkos.core.charts import PALETTE

    client.force_login(operator)
    response = client.get(reverse("relief:report"))
    assert response.context["chart"]["color"] == list(PALETTE)
