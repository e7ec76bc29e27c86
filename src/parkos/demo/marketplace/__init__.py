"""The demo cloud service supermarket: ~200 providers, ~150 products in every category, two
years of orders in every state, an innovation voucher programme with grants, redemptions
and reimbursement claims, reviews, complaints and scores.

History is written in bulk with past timestamps (the services stamp "now"); the figures it
writes keep the same invariants the services keep: each grant's balance and reserved
amount equal the sums of its ledger, the programme never grants beyond its budget."""

from datetime import timedelta
from decimal import Decimal

from parkos.accounts.models import Role
from parkos.accounts.services import membership_grant, user_create
from parkos.demo.context import DEMO_PASSWORD, DemoContext
from parkos.demo.marketplace.data import CATALOGUE, COMPANY_SUFFIX, PLAN_TIERS
from parkos.demo.marketplace.orders import POOR_PROVIDERS, STATE_WEIGHTS, Pending, _at, _order
from parkos.demo.names import BRAND_PINYIN, BRAND_SYLLABLES
from parkos.demo.parks import make_credit_code
from parkos.marketplace import search
from parkos.marketplace.models import (
    Category,
    ClaimStatus,
    Complaint,
    LedgerKind,
    Order,
    OrderEvent,
    OrderRefund,
    Plan,
    Product,
    ProductStatus,
    Provider,
    ProviderStatus,
    Review,
    VoucherClaim,
    VoucherGrant,
    VoucherLedgerEntry,
    VoucherProgramme,
)
from parkos.marketplace.services.catalogue import product_document

PROVIDER_COUNT = 200
ORDER_COUNT = 1400


def _providers(context: DemoContext, rng) -> dict[str, list[Provider]]:
    """Providers per category: each sells in one domain, a few are still applying."""
    codes = list(CATALOGUE)
    used: set[str] = set()
    providers, by_category = [], {code: [] for code in codes}
    for index in range(PROVIDER_COUNT):
        category = codes[index % len(codes)]
        word = CATALOGUE[category][1]
        while True:
            first, second = rng.sample(BRAND_SYLLABLES, 2)
            name = f"{first}{second}{word}{rng.choice(COMPANY_SUFFIX)}"
            if name not in used:
                used.add(name)
                break
        pinyin = f"{BRAND_PINYIN.get(first, 'Yun')}{BRAND_PINYIN.get(second, 'Tu').lower()}"
        status = ProviderStatus.VERIFIED if index < PROVIDER_COUNT - 6 else ProviderStatus.REJECTED
        joined = context.today - timedelta(days=rng.randint(60, 900))
        provider = Provider(
            name=name,
            name_en=f"{pinyin} {category.replace('-', ' ').title()} Co., Ltd.",
            credit_code=make_credit_code(rng, rng.choice(["310115", "310104", "320583", "330100"])),
            description=f"{name}专注{word}领域，服务园区企业超过{rng.randint(20, 400)}家，具备完善的交付与售后体系。",
            credentials="营业执照\nISO 9001质量管理体系认证\nISO 27001信息安全管理体系认证",
            contact_name=rng.choice(["王", "李", "张", "刘", "陈", "杨"])
            + rng.choice(["经理", "总监", "先生", "女士"]),
            contact_phone=f"021-{rng.randint(50000000, 69999999)}",
            contact_email=f"service@{pinyin.lower()}.example.cn",
            website=f"https://www.{pinyin.lower()}.example.cn",
            city=rng.choice(["上海", "上海", "杭州", "南京", "苏州", "北京"]),
            status=status,
            verified_at=_at(joined, rng) if status == ProviderStatus.VERIFIED else None,
        )
        providers.append(provider)
        if status == ProviderStatus.VERIFIED:
            by_category[category].append(provider)
    Provider.objects.bulk_create(providers)
    return by_category


def _products(context: DemoContext, rng, by_category) -> list[Product]:
    categories = {c.code: c for c in Category.objects.select_related("parent")}
    products, plans = [], []
    for code, (
        model,
        _word,
        low,
        high,
        billing,
        names,
        description,
        hours,
        days,
    ) in CATALOGUE.items():
        pool = by_category[code]
        # Every name once, and the first half again from a competitor: providers compete.
        offers = [(index, base) for index, base in enumerate(names)]
        offers += [
            (index + len(names), base) for index, base in enumerate(names[: len(names) // 2 + 1])
        ]
        for index, base in offers:
            provider = pool[index % len(pool)]
            brand = provider.name[:2]
            name = f"{brand}{base}"
            price = Decimal(rng.randint(low, max(low, high // 6))).quantize(Decimal("1"))
            published = context.today - timedelta(days=rng.randint(200, 760))
            product = Product(
                provider=provider,
                category=categories[code],
                name=name,
                name_en=f"{provider.name_en.split(' ')[0]} {base}",
                summary=description.format(name=name)[:120],
                description=description.format(name=name)
                + f"\n\n服务商：{provider.name}。适用于{rng.choice(['初创团队', '中小企业', '成长型企业', '大型企业集团'])}，可按需定制。",
                delivery_model=model,
                status=ProductStatus.LIVE,
                voucher_eligible=code not in ("catering", "marketing") and rng.random() < 0.75,
                sla_response_hours=hours,
                sla_delivery_days=days,
                sla_availability=Decimal(rng.choice(["99.90", "99.95", "99.99", "99.50"])),
                min_price=price,
                view_count=rng.randint(80, 3000),
                submitted_at=_at(published - timedelta(days=3), rng),
                published_at=_at(published, rng),
            )
            product.provider = provider
            products.append(product)
            tiers = PLAN_TIERS[: rng.randint(1, 3)]
            for position, (tier, factor) in enumerate(tiers):
                plans.append(
                    Plan(
                        product=product,
                        name=tier,
                        price=(price * factor).quantize(Decimal("1.00")),
                        billing_period=billing,
                        position=position,
                    )
                )
    # The demo provider's video meeting product sells with vouchers: the browser journey needs it.
    flagship = next(p for p in products if p.category.code == "video-meeting")
    flagship.voucher_eligible = True
    Product.objects.bulk_create(products)
    Plan.objects.bulk_create(plans)
    for product in products:
        product.search_document = product_document(product)
    Product.objects.bulk_update(products, ["search_document"])
    search.index_write_many([(p.pk, p.search_document) for p in products])
    context.extra["marketplace_video_product"] = flagship
    return products


def _accounts(context: DemoContext, flagship: Product, rng) -> None:
    membership_grant(
        user=context.users["provider"], role=Role.PROVIDER, organization=flagship.provider
    )
    for index, provider in enumerate(
        Provider.objects.filter(status=ProviderStatus.VERIFIED).order_by("name")[:3]
    ):
        user = user_create(
            username=f"provider{index + 2}",
            password=DEMO_PASSWORD,
            display_name=f"服务商员工 {provider.name[:4]}",
        )
        membership_grant(user=user, role=Role.PROVIDER, organization=provider)


def _programme(context: DemoContext) -> VoucherProgramme:
    programme = VoucherProgramme.objects.create(
        code="pujiang-vouchers",
        name="浦江软件园科技创新券（2025–2026年度）",
        total_budget=Decimal("3000000.00"),
        per_enterprise_cap=Decimal("100000.00"),
        copay_ratio=Decimal("0.500"),
        valid_from=context.today - timedelta(days=700),
        valid_until=context.today + timedelta(days=180),
    )
    programme.categories.set(
        Category.objects.filter(
            code__in=["infrastructure", "platform", "saas", "operations", "industry"]
        )
    )
    return programme


def _grants(context: DemoContext, rng, programme) -> dict:
    tenant_enterprise = context.extra["tenant_enterprises"]["tenant"]
    chosen = [
        tenant_enterprise,
        *rng.sample([e for e in context.enterprises if e.pk != tenant_enterprise.pk], 59),
    ]
    grants = {}
    total = Decimal("0")
    for index, enterprise in enumerate(chosen):
        amount = (
            Decimal("50000.00")
            if index == 0
            else Decimal(rng.choice([10000, 20000, 30000, 50000, 80000])).quantize(Decimal("1.00"))
        )
        at = _at(context.today - timedelta(days=rng.randint(200, 680)), rng)
        if index == 0:
            at = _at(context.today - timedelta(days=400), rng)
        grant = VoucherGrant(
            programme=programme,
            enterprise=enterprise,
            amount=amount,
            balance=amount,
            valid_until=programme.valid_until,
            created_at=at,
        )
        grants[enterprise.pk] = grant
        total += amount
    VoucherGrant.objects.bulk_create(grants.values())
    VoucherLedgerEntry.objects.bulk_create(
        VoucherLedgerEntry(
            grant=g,
            kind=LedgerKind.GRANT,
            balance_delta=g.amount,
            actor=context.users["reviewer"],
            at=g.created_at,
        )
        for g in grants.values()
    )
    programme.granted_total = total
    programme.save(update_fields=["granted_total"])
    return grants


def load(context: DemoContext) -> None:
    from parkos.marketplace.services.quality import provider_scores_recompute

    rng = context.rng_for("marketplace")
    by_category = _providers(context, rng)
    POOR_PROVIDERS.clear()
    POOR_PROVIDERS.update(pool[1].name for pool in by_category.values() if len(pool) > 4)
    products = _products(context, rng, by_category)
    flagship = context.extra["marketplace_video_product"]
    _accounts(context, flagship, rng)
    programme = _programme(context)
    grants = _grants(context, rng, programme)
    plan_by_product: dict = {}
    for plan in Plan.objects.filter(product__in=products).order_by("position"):
        plan_by_product.setdefault(plan.product_id, []).append(plan)
    states = [state for state, weight in STATE_WEIGHTS for _ in range(weight)]
    pending = Pending()
    tenant_enterprise = context.extra["tenant_enterprises"]["tenant"]
    buyers = [e for e in context.enterprises if e.pk != tenant_enterprise.pk]
    operator, reviewer = context.users["operator"], context.users["reviewer"]
    for index in range(ORDER_COUNT):
        state = rng.choice(states)
        # Open states are recent; finished ones spread over two years.
        recent = state in ("enquiry", "quoted", "ordered", "delivered", "complained")
        days_ago = rng.randint(2, 25) if recent else rng.randint(40, 730)
        product = products[int(len(products) * (rng.random() ** 1.6))]
        enterprise = rng.choice(buyers) if index % 60 else tenant_enterprise
        if enterprise.pk == tenant_enterprise.pk and product.pk == flagship.pk:
            product = products[-1]
        _order(
            context,
            rng,
            pending,
            product,
            plan_by_product,
            enterprise,
            grants.get(enterprise.pk),
            state,
            context.today - timedelta(days=days_ago),
            programme,
            reviewer,
            operator,
        )
    Order.objects.bulk_create(pending.orders, batch_size=500)
    OrderEvent.objects.bulk_create(pending.events, batch_size=1000)
    VoucherLedgerEntry.objects.bulk_create(pending.ledger, batch_size=1000)
    Review.objects.bulk_create(pending.reviews, batch_size=500)
    Complaint.objects.bulk_create(pending.complaints, batch_size=500)
    OrderRefund.objects.bulk_create(pending.refunds, batch_size=500)
    VoucherClaim.objects.bulk_create(pending.claims, batch_size=500)
    VoucherGrant.objects.bulk_update(grants.values(), ["balance", "reserved", "redeemed"])
    _figures(products, programme)
    provider_scores_recompute(actor=None)
    _applications(context, programme)
    # Written in bulk, past the services: search figures cached before are stale.
    search.catalogue_changed()


def _figures(products, programme) -> None:
    from django.db.models import Avg, Count, Q, Sum

    figures = {
        row["product_id"]: row
        for row in Review.objects.values("product_id").annotate(avg=Avg("stars"), n=Count("id"))
    }
    orders = dict(
        Order.objects.filter(ordered_at__isnull=False)
        .values_list("product_id")
        .annotate(n=Count("id"))
    )
    for product in products:
        row = figures.get(product.pk)
        product.rating_avg = (
            Decimal(str(row["avg"])).quantize(Decimal("0.01")) if row else Decimal("0")
        )
        product.rating_count = row["n"] if row else 0
        product.order_count = orders.get(product.pk, 0)
    Product.objects.bulk_update(products, ["rating_avg", "rating_count", "order_count"])
    totals = VoucherClaim.objects.filter(programme=programme).aggregate(
        reimbursed=Sum("amount", filter=Q(status=ClaimStatus.APPROVED))
    )
    programme.redeemed_total = (
        VoucherGrant.objects.filter(programme=programme).aggregate(s=Sum("redeemed"))["s"] or 0
    )
    programme.reimbursed_total = totals["reimbursed"] or 0
    programme.save(update_fields=["redeemed_total", "reimbursed_total"])


def _applications(context: DemoContext, programme) -> None:
    """Live work for the approvals inbox: one provider applying, one voucher application."""
    from parkos.marketplace.services import catalogue, vouchers

    applicant = user_create(
        username="provider-new", password=DEMO_PASSWORD, display_name="新入驻服务商 吴昊"
    )
    rng = context.rng_for("marketplace-applications")
    catalogue.provider_apply(
        actor=applicant,
        name="极光视讯科技有限公司",
        name_en="Jiguang Video Tech Co., Ltd.",
        credit_code=make_credit_code(rng, "310115"),
        contact_name="吴昊",
        contact_phone="021-61234567",
        credentials="营业执照\n增值电信业务经营许可证",
        description="专注企业级视频会议与远程协作。",
        city="上海",
    )
    tenant2 = context.users.get("tenant2")
    enterprise2 = context.extra["tenant_enterprises"].get("tenant2")
    if tenant2 is not None and enterprise2 is not None:
        vouchers.voucher_apply(
            actor=tenant2,
            programme=programme,
            enterprise=enterprise2,
            amount="30000.00",
            purpose="采购云服务器与协同办公软件，支持研发团队远程协作。",
        )
