"""The tenant's journey through the re-opening ledger in a real browser: a filing whose
returned staff exceed the total is refused with the reason on the field; the corrected one
is accepted and shown."""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from factories import (
    PASSWORD,
    EnterpriseFactory,
    LeaseFactory,
    ParkFactory,
    Role,
    UnitFactory,
    member,
)
from parkos.filings import services
from parkos.filings.models import Submission

pytestmark = pytest.mark.django_db(transaction=True)


def test_tenant_files_sees_the_error_then_files_correctly(page):
    park = ParkFactory(name="浦江测试园")
    enterprise = EnterpriseFactory(park=park, name="甲科技有限公司", headcount=80)
    LeaseFactory(enterprise=enterprise, unit=UnitFactory(floor__building__park=park))
    operator = member(Role.OPERATOR_ADMIN, park=park)
    tenant = member(Role.ENTERPRISE_ADMIN, enterprise=enterprise, park=park)
    today = timezone.localdate()
    filing_round = services.round_open(
        actor=operator,
        park=park,
        title="第47周复工台账",
        period_start=today - timedelta(days=6),
        period_end=today,
    )

    page.goto("/accounts/login/?next=/filings/")
    page.fill("#id_username", tenant.username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.click(f'[data-testid="file-{filing_round.id}"]')

    page.fill("#id_total_staff", "80")
    page.fill("#id_returned_staff", "95")
    page.fill("#id_risk_area_staff", "0")
    page.fill("#id_observation_staff", "1")
    page.fill("#id_supplies_days", "20")
    page.check("#id_compliance_declared")
    page.click('[data-testid="file-submit"]')

    expect(page.get_by_test_id("filing-error")).to_be_visible()
    expect(page.get_by_test_id("error-returned_staff")).to_contain_text(
        "已返岗人数（95）不能超过员工总数（80）"
    )
    assert not Submission.objects.exists()

    page.fill("#id_returned_staff", "60")
    page.click('[data-testid="file-submit"]')

    expect(page.get_by_role("alert")).to_contain_text("您的填报已被接受")
    expect(page.get_by_test_id("filed-returned")).to_have_text("60")
    submission = Submission.objects.get()
    assert (submission.total_staff, submission.returned_staff) == (80, 60)
    assert submission.submitted_by_id == tenant.id
