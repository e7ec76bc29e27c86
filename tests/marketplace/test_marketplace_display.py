"""What users read: tabs each role may open, the order history in words and money, the
voucher rule as a percentage, the approval cases in the park's language, and a revenue
chart with every month on its axis."""

import importlib
import random
import re
from datetime import date, datetime, timedelta
from decimal import Decimal

import pytest
from django.apps import apps
from django.utils import timezone, translation

from factories import PASSWORD, UserFactory
from parkos.accounts.models import Role
from parkos.approvals.models import Process, Step
from parkos.approvals.selectors import case_for_subject
from parkos.demo.parks import make_credit_code
from parkos.marketplace.approvals_door import VOUCHER_PROCESS, VOUCHER_SUBJECT, describe_application
from parkos.marketplace.models import Order, OrderEvent, ProviderStatus
from parkos.marketplace.selectors.orders import _every_month
from parkos.marketplace.services import catalogue, orders, vouchers

pytestmark = pytest.mark.django_db

TABS = ("nav-dashboard", "nav-review", "nav-apply")


def _login(client, user, language="zh-hans"):
    """Signed in reading `language`: a user's chosen language wins over the browser's."""
    user.language = language
    user.save(update_fields=["language"])
    client.login(username=user.username, password=PASSWORD)
    return client


def _tabs(client) -> set[str]:
    page = client.get("/marketplace/").content.decode()
    return {tab for tab in TABS if f'data-testid="{tab}"' in page}


def test_each_role_sees_only_the_tabs_it_may_open(client, market):
    applicant = UserFactory()
    catalogue.provider_apply(
        actor=applicant,
        name="极光视讯科技有限公司",
        credit_code=make_credit_code(random.Random(7), "310115"),
        contact_name="吴昊",
        credentials="营业执照",
    )
    seen = {
        "operator": (market.operator, {"nav-review", "nav-apply"}),
        "reviewer": (market.reviewer, {"nav-apply"}),
        "tenant": (market.tenant, {"nav-apply"}),
        "verified provider": (market.provider_staff, {"nav-dashboard"}),
        "applying provider": (applicant, {"nav-dashboard", "nav-apply"}),
    }
    for role, (user, tabs) in seen.items():
        _login(client, user)
        assert _tabs(client) == tabs, role
        for tab, path in (
            ("nav-dashboard", "/marketplace/dashboard/"),
            ("nav-review", "/marketplace/review/"),
        ):
            allowed = client.get(path).status_code == 200
            assert allowed == (tab in tabs), (role, path)


def _accepted_order(market):
    order = orders.enquiry_create(
        actor=market.tenant, product=market.product, plan=market.plan, message="询价"
    )
    orders.quote_give(actor=market.provider_staff, order=order, amount="20000", note="含部署")
    orders.order_place(actor=market.tenant, order=order, use_voucher=False)
    orders.order_deliver(actor=market.provider_staff, order=Order.objects.get(pk=order.pk))
    orders.order_accept(actor=market.tenant, order=Order.objects.get(pk=order.pk))
    return order


def _history(client, order) -> str:
    page = client.get(f"/marketplace/orders/{order.id}/").content.decode()
    found = re.search(r'data-testid="order-events">(.*?)</ol>', page, re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", found.group(1)))


def test_order_history_names_steps_and_formats_amounts(client, market):
    order = _accepted_order(market)
    quote = OrderEvent.objects.get(order=order, action="quote")
    assert quote.amount == Decimal("20000.00") and quote.note == "含部署"
    _login(client, market.tenant)
    zh = _history(client, order)
    for words in ("发起询价 → 询价中", "报价 → 已报价", "下单 → 已下单", "交付 → 已交付"):
        assert words in zh
    assert "验收 → 已验收" in zh and zh.count("¥20,000.00") == 2
    assert not re.search(r"\b(enquire|quote|place|deliver|accept)\b", zh)
    assert "20000.00" not in zh
    en = _history(_login(client, market.tenant, "en"), order)
    assert "Quote sent → Quoted" in en and "Delivery accepted → Accepted" in en
    assert "¥20,000.00" in en


def test_events_written_with_the_amount_as_text_are_moved_to_the_amount(client, market):
    order = _accepted_order(market)
    OrderEvent.objects.filter(order=order, action__in=["quote", "place"]).update(
        amount=None, note="20000.00"
    )
    OrderEvent.objects.filter(order=order, action="accept").update(note="按期交付")
    refund = OrderEvent.objects.create(
        order=order,
        at=timezone.now(),
        action="refund_part",
        from_status="accepted",
        to_status="accepted",
        note="1500.00 · 部分功能未交付",
    )
    migration = importlib.import_module(
        "parkos.marketplace.migrations.0006_order_event_amounts_and_case_names"
    )
    migration.event_amounts_forward(apps, None)
    place = OrderEvent.objects.get(order=order, action="place")
    assert (place.amount, place.note) == (Decimal("20000.00"), "")
    refund.refresh_from_db()
    assert (refund.amount, refund.note) == (Decimal("1500.00"), "部分功能未交付")
    assert OrderEvent.objects.get(order=order, action="accept").note == "按期交付"
    _login(client, market.tenant)
    zh = _history(client, order)
    assert "部分退款 → 已验收 · ¥1,500.00" in zh and "20000.00" not in zh


def test_the_voucher_rule_reads_as_a_percentage_and_counts_enterprises(client, market):
    _login(client, market.operator)
    page = client.get("/marketplace/vouchers/").content.decode()
    assert "创新券最多支付订单的 50%" in page and "0.50" not in page
    assert re.search(r'data-testid="report-enterprises">1 家企业<', page)
    assert "创新券项目" in page and "减租政策" not in page
    _login(client, market.operator, "en")
    english = client.get("/marketplace/vouchers/").content.decode()
    assert "voucher pays at most 50% of an order" in english
    assert re.search(r'data-testid="report-enterprises">1 enterprise<', english)


def test_the_price_range_reads_naturally_in_chinese(client, market):
    _login(client, market.tenant)
    page = client.get("/marketplace/").content.decode()
    prices = re.search(r'id="voucher-only".*?name="rating_min"', page, re.S).group(0)
    words = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", prices)).strip()
    assert "价格 至 <select" in words and "价格从" not in words


def test_the_search_form_triggers_with_htmx_2_selectors(client, market):
    _login(client, market.tenant)
    page = client.get("/marketplace/").content.decode()
    trigger = re.search(r'id="search-form"[^>]*hx-trigger="([^"]*)"', page).group(1)
    for part in trigger.split(","):
        source = part.split("from:", 1)[1] if "from:" in part else ""
        assert " " not in source.strip() or re.fullmatch(r"\(.*\)", source.strip()), part


def test_voucher_cases_read_in_the_parks_language_with_formatted_money(market):
    with translation.override("en"):
        application = vouchers.voucher_apply(
            actor=market.tenant,
            programme=market.programme,
            enterprise=market.enterprise,
            amount="12000",
            purpose="采购视频会议",
        )
    case = case_for_subject(
        actor=market.reviewer, subject_type=VOUCHER_SUBJECT, subject_id=str(application.id)
    )
    assert case.title == "科技创新券申领：上海云图智能科技有限公司，¥12,000.00"
    assert case.process.name == "科技创新券申领"
    assert list(case.process.steps.values_list("name", flat=True)) == ["创新券审核"]
    with translation.override("en"):
        assert describe_application(str(application.id)) == "上海云图智能科技有限公司 · ¥12,000.00"


def test_processes_named_before_keep_an_operators_name_and_lose_the_mixed_one(market):
    voucher = Process.objects.create(
        code=VOUCHER_PROCESS, name="科技创新券申领 Innovation voucher grant"
    )
    Step.objects.create(
        process=voucher, position=1, name="Voucher review", role=Role.REVIEWER, scope="network"
    )
    renamed = Process.objects.create(
        code="marketplace.provider_verification", name="服务商资质审核"
    )
    migration = importlib.import_module(
        "parkos.marketplace.migrations.0006_order_event_amounts_and_case_names"
    )
    migration.case_names_forward(apps, None)
    voucher.refresh_from_db()
    renamed.refresh_from_db()
    assert voucher.name == "科技创新券申领" and renamed.name == "服务商资质审核"
    assert voucher.steps.get().name == "创新券审核"


def test_revenue_months_without_revenue_are_zero():
    rows = [
        {"month": datetime(2025, 2, 1), "total": Decimal("10"), "voucher": Decimal("5"), "n": 1},
        {"month": datetime(2025, 5, 1), "total": Decimal("20"), "voucher": Decimal("0"), "n": 2},
    ]
    every = _every_month(rows, until=date(2025, 6, 18))
    assert [f"{row['month']:%Y-%m}" for row in every] == [
        "2025-02",
        "2025-03",
        "2025-04",
        "2025-05",
        "2025-06",
    ]
    assert [row["total"] for row in every] == [10, 0, 0, 20, 0]
    assert _every_month([], until=date(2025, 6, 18)) == []
    december = [{"month": date(2024, 12, 1), "total": 1, "voucher": 0, "n": 1}]
    assert len(_every_month(december, until=date(2025, 1, 2))) == 2


def test_the_dashboard_chart_has_every_month(client, market):
    _accepted_order(market)
    today = timezone.localdate()
    Order.objects.update(accepted_at=timezone.now() - timedelta(days=365))
    _login(client, market.provider_staff)
    page = client.get("/marketplace/dashboard/")
    months = page.context["revenue_chart"]["xAxis"]["data"]
    assert months[-1] == f"{today:%Y-%m}" and len(months) in (12, 13)
    assert page.context["revenue_chart"]["series"][0]["data"][1:] == ["0.00"] * (len(months) - 1)


def test_marketplace_words_keep_their_meaning_beside_other_apps():
    with translation.override("zh-hans"):
        assert str(Order._meta.get_field("status").choices[4][1]) == "已验收"
        assert translation.pgettext("voucher programmes", "Programmes") == "创新券项目"
        assert translation.pgettext("service period", "Period") == "服务期"
        assert translation.pgettext("product status", "Live") == "已上架"
        assert str(ProviderStatus.APPLIED.label) == "已申请"
