"""Talent end to end: a candidate registers, joins the running fair and applies to three positions
in one action; the enterprise's HR sees them ranked with reasons, schedules an interview and
records the preliminary intent, and the fair's live board moves. A talent applies for the housing
subsidy; the reviewer approves; the amount is capped at 600,000 for a 3,000,000 home; the ledger
verifies, on the public page and with `parkos talent-ledger-verify`."""

import io
import json
import re
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from parkos.core.hashchain import purge_for_tests
from parkos.demo.context import DEMO_PASSWORD
from parkos.demo.loader import demo_load
from parkos.talent.ledger import LEDGER_TABLES
from parkos.talent.models import Booth, JobFair, LedgerRecord, Position, SubsidyRule

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def fair_world(transactional_db):
    context = demo_load(
        steps=["parkos.demo.parks", "parkos.demo.accounts"],
        report=lambda line: None,
    )
    enterprise = context.extra["tenant_enterprises"]["tenant"]
    # A live-server test empties the tables after itself, the rule its migration seeded too.
    SubsidyRule.objects.get_or_create(
        version=1,
        defaults={
            "rate": Decimal("0.3000"),
            "cap": Decimal("600000.00"),
            "window_years": 3,
            "in_force_from": date(2020, 1, 1),
        },
    )
    # The URL configuration imports every app's API (the crowd app loads LightGBM): load it
    # here, in the live server's process, rather than inside the browser's first page load.
    reverse("talent:home")
    now = timezone.now()
    fair = JobFair.objects.create(
        park=enterprise.park,
        title="浦江软件园冬季云招聘会",
        theme="field",
        field="data",
        starts_at=now - timedelta(hours=1),
        ends_at=now + timedelta(days=1),
    )
    booth = Booth.objects.create(fair=fair, enterprise=enterprise, status="approved")
    titles = ["数据分析师", "Python 后端工程师", "机器学习工程师", "行政专员"]
    positions = [
        Position.objects.create(
            enterprise=enterprise,
            park=enterprise.park,
            booth=booth,
            title=title,
            field="data",
            level="junior",
            city="上海",
            salary_min="15000",
            salary_max="25000",
            skills=["Python", "数据分析"],
            closes_on=timezone.localdate() + timedelta(days=20),
            status="published",
            published_at=now,
        )
        for title in titles
    ]
    yield context, fair, positions
    # SQLite empties tables with DELETE between browser tests; the ledger refuses DELETE.
    purge_for_tests(*reversed(LEDGER_TABLES))


def sign_in(page, username):
    page.goto("/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", DEMO_PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_load_state()


def sign_out(page):
    page.click("[data-testid=logout]")
    page.wait_for_url("**/accounts/login/")


def test_candidate_applies_hr_moves_the_pipeline_and_the_board_moves(page, fair_world):
    _context, fair, positions = fair_world
    page.goto("/talent/register/")
    page.fill("#id_name", "王芳")
    page.fill("#id_phone", "137 0000 1234")
    page.fill("#id_email", "wangfang@example.com")
    page.fill("#id_username", "wangfang")
    page.fill("#id_password", "talent-pw-2026")
    page.click("[data-testid=register-form] button")
    page.wait_for_url("**/talent/me/")
    page.fill("#id_skills", "Python、数据分析、SQL")
    page.fill("#id_city", "上海")
    page.fill("#id_expected_salary", "20,000")
    page.select_option("#id_field", "data")
    page.select_option("#id_level", "junior")
    page.click("[data-testid=profile-form] button")
    page.wait_for_selector(".alert-success")

    page.goto(f"/talent/fairs/{fair.id}/")
    assert page.locator("[data-testid=fair-phase]").inner_text() == "进行中"
    for n in (1, 2, 3):
        page.check(f"[data-testid=pick-{n}]")
    page.check("#fair-consent")
    page.click("[data-testid=apply-selected]")
    page.wait_for_url("**/talent/me/")
    assert "已投递 3 个岗位" in page.locator(".alert-success").inner_text()
    assert page.locator("[data-testid=my-applications] a").count() == 3
    sign_out(page)

    sign_in(page, "tenant")
    analyst = next(p for p in positions if p.title == "数据分析师")
    page.goto(f"/talent/positions/{analyst.id}/board/")
    applied = page.locator("[data-testid=column-applied]")
    assert "王芳" in applied.inner_text()
    reasons = applied.locator("[data-testid=applicant-reasons]").first.inner_text()
    assert "Python 与 数据分析 匹配" in reasons and "同城" in reasons
    applied.locator("a").first.click()
    page.click("[data-testid=action-screen]")
    page.wait_for_selector("[data-testid=interview-form]")
    start = timezone.localtime(timezone.now() + timedelta(days=1)).replace(
        minute=0, second=0, microsecond=0
    )
    page.fill("#id_starts_at", start.strftime("%Y-%m-%dT%H:%M"))
    page.fill("#id_ends_at", (start + timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M"))
    page.fill("#id_video_link", "https://meeting.tencent.com/dm/abc")
    page.click("[data-testid=schedule]")
    page.wait_for_selector("[data-testid=interview-1]")
    assert page.locator("[data-testid=application-status]").inner_text() == "面试中"
    page.click("[data-testid=action-intent]")
    page.wait_for_function(
        "document.querySelector('[data-testid=application-status]').innerText === '达成初步意向'"
    )

    page.goto(f"/talent/fairs/{fair.id}/live/")
    assert page.locator("[data-testid=live-applications]").inner_text() == "3"
    assert page.locator("[data-testid=live-intents]").inner_text() == "1"
    assert page.locator("[data-testid=live-interviews]").inner_text() == "1"


def test_housing_subsidy_capped_approved_and_sealed(page, fair_world):
    _context, _fair, _positions = fair_world
    sign_in(page, "tenant2")
    page.goto("/talent/onething/")
    page.fill("#id_name", "陈静")
    page.fill("#id_phone", "13900001111")
    page.fill("#id_id_number", "11010519491231002X")
    page.fill("#id_arrived_on", (timezone.localdate() - timedelta(days=100)).isoformat())
    page.check("input[name=kinds][value=housing]")
    page.check("input[name=kinds][value=residence]")
    page.fill("#id_price", "3,000,000")
    page.fill("#id_home_address", "上海市浦东新区人才公寓路 8 号")
    page.check("#id_first_home")
    page.check("#id_in_district")
    page.click("[data-testid=onething-submit]")
    page.wait_for_load_state()
    page.wait_for_selector("[data-testid=subcase-housing]")
    housing = page.locator("[data-testid=subcase-housing]")
    assert "¥600,000.00" in housing.locator("[data-testid=subsidy-amount]").inner_text()
    assert page.locator("[data-testid=subcase-residence]").count() == 1
    housing.get_by_role("link").first.click()
    page.wait_for_url(re.compile(r".*/approvals/cases/[0-9a-f-]+/$"))
    case_url = page.url
    sign_out(page)

    sign_in(page, "reviewer")
    page.goto(case_url)
    page.wait_for_selector("[data-testid=approve]")
    page.fill("#action-text", "材料齐全")
    page.click("[data-testid=approve]")
    page.wait_for_selector(".alert-success")
    record = LedgerRecord.objects.get()
    assert str(record.amount) == "600000.00"

    page.goto(f"/talent/ledger/check/?seq={record.seq}&hash={record.hash}")
    assert "完好无损" in page.locator("[data-testid=check-result]").inner_text()
    page.goto(f"/talent/ledger/check/?seq={record.seq}&hash={'0' * 64}")
    assert "没有" in page.locator("[data-testid=check-result]").inner_text()
    page.goto("/talent/ledger/")
    assert record.hash in page.locator("[data-testid=chain-head]").inner_text()

    out = io.StringIO()
    call_command("talent_ledger_verify", stdout=out, stderr=io.StringIO())
    assert json.loads(out.getvalue().strip().splitlines()[-1]) == {
        "ok": True,
        "records": 1,
        "first_bad": None,
    }
