from dataclasses import dataclass
from datetime import timedelta

import pytest
from django.utils import timezone

from factories import PASSWORD, EnterpriseFactory, ParkFactory, member
from marketplace.factories import ProviderFactory
from parkos.accounts.models import Role
from parkos.marketplace.models import Category
from parkos.marketplace.services import catalogue, vouchers


@dataclass
class Market:
    park: object
    enterprise: object
    other_enterprise: object
    tenant: object
    tenant_member: object
    other_tenant: object
    operator: object
    reviewer: object
    provider: object
    provider_staff: object
    other_provider: object
    other_staff: object
    product: object
    plan: object
    yearly_plan: object
    plain_product: object
    plain_plan: object
    programme: object
    grant: object


def make_live_product(*, operator, staff, provider, category_code, name, price, **extra):
    category = Category.objects.get(code=category_code)
    plans = extra.pop("plans", [{"name": "标准版", "price": price, "billing_period": "month"}])
    product = catalogue.product_create(
        actor=staff,
        provider=provider,
        name=name,
        category=category,
        delivery_model=extra.pop("delivery_model", "saas"),
        plans=plans,
        **extra,
    )
    catalogue.product_submit(actor=staff, product=product)
    catalogue.product_review(actor=operator, product=product, approved=True)
    product.refresh_from_db()
    return product


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Search figures are cached per catalogue version; a rolled-back test must not leave
    its figures for the next one (the cache is not part of the transaction)."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def market(db):
    from parkos.marketplace.categories import categories_seed

    # Transactional tests flush the table the data migration seeded.
    categories_seed(Category)
    park = ParkFactory(code="flagship")
    enterprise = EnterpriseFactory(park=park, name="上海云图智能科技有限公司")
    other_enterprise = EnterpriseFactory(park=park, name="上海芯海微电子有限公司")
    operator = member(Role.OPERATOR_ADMIN)
    reviewer = member(Role.REVIEWER)
    provider = ProviderFactory(name="云会通信息技术有限公司", name_en="YunHui Tech")
    other_provider = ProviderFactory(name="数安盾网络安全有限公司", name_en="ShuAn Shield")
    staff = member(Role.PROVIDER, organization=provider)
    other_staff = member(Role.PROVIDER, organization=other_provider)
    product = make_live_product(
        operator=operator,
        staff=staff,
        provider=provider,
        category_code="video-meeting",
        name="云会视频会议专业版",
        name_en="YunHui Video Meeting Pro",
        description="高清视频会议，支持300方同时在线，屏幕共享与会议录制。",
        price="1000.00",
        voucher_eligible=True,
        plans=[
            {"name": "月付版", "price": "1000.00", "billing_period": "month"},
            {"name": "年付版", "price": "10000.00", "billing_period": "year"},
        ],
    )
    plain = make_live_product(
        operator=operator,
        staff=other_staff,
        provider=other_provider,
        category_code="cloud-security",
        name="数安盾Web应用防火墙",
        name_en="ShuAn Web Application Firewall",
        description="云端WAF，防护SQL注入与跨站脚本攻击。",
        price="3000.00",
        voucher_eligible=False,
    )
    programme = vouchers.programme_create(
        actor=operator,
        code="2026-vouchers",
        name="2026年科技创新券",
        total_budget="100000.00",
        per_enterprise_cap="20000.00",
        copay_ratio="0.5",
        valid_from=timezone.localdate() - timedelta(days=30),
        valid_until=timezone.localdate() + timedelta(days=300),
        categories=list(Category.objects.filter(code__in=["saas", "cloud-security"])),
    )
    grant = vouchers.grant_create(
        actor=reviewer, programme=programme, enterprise=enterprise, amount="5000.00"
    )
    plans = list(product.plans.order_by("price"))
    return Market(
        park=park,
        enterprise=enterprise,
        other_enterprise=other_enterprise,
        tenant=member(Role.ENTERPRISE_ADMIN, enterprise=enterprise),
        tenant_member=member(Role.ENTERPRISE_MEMBER, enterprise=enterprise),
        other_tenant=member(Role.ENTERPRISE_ADMIN, enterprise=other_enterprise),
        operator=operator,
        reviewer=reviewer,
        provider=provider,
        provider_staff=staff,
        other_provider=other_provider,
        other_staff=other_staff,
        product=product,
        plan=plans[0],
        yearly_plan=plans[1],
        plain_product=plain,
        plain_plan=plain.plans.get(),
        programme=programme,
        grant=grant,
    )


@pytest.fixture
def api(client):
    """A JSON client signed in through the token endpoint."""

    class Api:
        def __init__(self):
            self.headers = {}

        def login(self, user):
            response = client.post(
                "/api/auth/token",
                {"username": user.username, "password": PASSWORD},
                content_type="application/json",
            )
            assert response.status_code == 200, response.content
            self.headers = {"HTTP_AUTHORIZATION": f"Bearer {response.json()['token']}"}
            return self

        def anonymous(self):
            self.headers = {}
            return self

        def get(self, path, **params):
            return client.get(path, params, **self.headers)

        def post(self, path, data=None):
            return client.post(path, data or {}, content_type="application/json", **self.headers)

    return Api()


def check_books(programme) -> None:
    """Every invariant of the voucher money, read back from the database:
    - each grant's balance and reserved amount equal the sums of its ledger, never negative;
    - granted = balance + reserved + redeemed + expired, for each grant;
    - a grant's redeemed money is what its accepted orders still keep after refunds, and its
      reserved money what its open orders hold;
    - the programme grants no more than its budget, counts what its grants redeemed, and has
      reimbursed providers no more than that, net of clawbacks;
    - each claim's clawed-back amount is the sum of its order's refunds' clawbacks, and
      what the provider has paid back of it no more than that;
    - each order's refunded figures are the sums of its refund records."""
    from decimal import Decimal

    from django.db.models import Sum

    from parkos.marketplace.models import (
        ClaimStatus,
        LedgerKind,
        Order,
        OrderRefund,
        OrderStatus,
        VoucherClaim,
        VoucherGrant,
        VoucherProgramme,
    )

    zero = Decimal("0")
    programme = VoucherProgramme.objects.get(pk=programme.pk)
    grants = list(VoucherGrant.objects.filter(programme=programme))
    for grant in grants:
        entries = list(grant.ledger.all())
        assert grant.balance == sum((e.balance_delta for e in entries), zero), grant
        assert grant.reserved == sum((e.reserved_delta for e in entries), zero), grant
        assert grant.balance >= 0 and grant.reserved >= 0 and grant.redeemed >= 0
        expired = -sum((e.balance_delta for e in entries if e.kind == LedgerKind.EXPIRE), zero)
        assert grant.amount == grant.balance + grant.reserved + grant.redeemed + expired
        orders = Order.objects.filter(voucher_grant=grant)
        kept = sum((o.voucher_amount - o.voucher_refunded for o in orders if o.accepted_at), zero)
        assert grant.redeemed == kept, (grant.redeemed, kept)
        held = sum(
            (
                o.voucher_amount
                for o in orders
                if o.status in (OrderStatus.ORDERED, OrderStatus.DELIVERED, OrderStatus.COMPLAINED)
            ),
            zero,
        )
        assert grant.reserved == held, (grant.reserved, held)
    assert programme.granted_total == sum((g.amount for g in grants), zero)
    assert programme.granted_total <= programme.total_budget
    assert programme.redeemed_total == sum((g.redeemed for g in grants), zero)
    approved = (
        VoucherClaim.objects.filter(programme=programme, status=ClaimStatus.APPROVED).aggregate(
            total=Sum("amount")
        )["total"]
        or zero
    )
    clawed = (
        OrderRefund.objects.filter(order__voucher_grant__programme=programme).aggregate(
            total=Sum("clawback_amount")
        )["total"]
        or zero
    )
    assert programme.reimbursed_total == approved - clawed
    for claim in VoucherClaim.objects.filter(programme=programme):
        on_refunds = claim.order.refunds.aggregate(total=Sum("clawback_amount"))["total"]
        assert claim.clawed_back == (on_refunds or zero), claim
        assert 0 <= claim.clawback_settled <= claim.clawed_back <= claim.amount, claim
    assert programme.reimbursed_total <= programme.redeemed_total
    for order in Order.objects.filter(voucher_grant__programme=programme):
        sums = order.refunds.aggregate(v=Sum("voucher_amount"), e=Sum("enterprise_amount"))
        assert order.voucher_refunded == (sums["v"] or zero)
        assert order.enterprise_refunded == (sums["e"] or zero)


@pytest.fixture
def books():
    return check_books


@pytest.fixture
def live_product():
    return make_live_product
