"""Factories for the supermarket's tests. Rows without money (providers, products, plans,
programmes before any grant) are built directly; anything that moves voucher money or an
order's state goes through the services, so the ledger and the order history stay whole
and `check_books` (conftest.py) holds after every test."""

import random
from datetime import timedelta
from decimal import Decimal

import factory
from django.utils import timezone

from parkos.demo.parks import make_credit_code
from parkos.marketplace.models import (
    BillingPeriod,
    Category,
    Plan,
    Product,
    ProductStatus,
    Provider,
    ProviderStatus,
    VoucherProgramme,
)
from parkos.marketplace.services import orders


class ProviderFactory(factory.django.DjangoModelFactory):
    """A verified provider, ready to sell."""

    class Meta:
        model = Provider

    name = factory.Sequence(lambda n: f"测试云服务{n}有限公司")
    name_en = factory.Sequence(lambda n: f"Test Cloud {n}")
    credit_code = factory.Sequence(lambda n: make_credit_code(random.Random(1000 + n), "310115"))
    contact_name = "联系人"
    credentials = "ISO 27001"
    status = ProviderStatus.VERIFIED
    verified_at = factory.LazyFunction(timezone.now)


class ProductFactory(factory.django.DjangoModelFactory):
    """A live product of a verified provider. Search reads the segmented document the
    services keep: use the `live_product` fixture for products that must be found."""

    class Meta:
        model = Product

    provider = factory.SubFactory(ProviderFactory)
    category = factory.LazyFunction(lambda: Category.objects.get(code="video-meeting"))
    name = factory.Sequence(lambda n: f"测试产品{n}")
    delivery_model = "saas"
    status = ProductStatus.LIVE
    published_at = factory.LazyFunction(timezone.now)


class PlanFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Plan

    product = factory.SubFactory(ProductFactory)
    name = factory.Sequence(lambda n: f"套餐{n}")
    price = Decimal("1000.00")
    billing_period = BillingPeriod.MONTH


class VoucherProgrammeFactory(factory.django.DjangoModelFactory):
    """A running programme with nothing granted yet (grants go through the services)."""

    class Meta:
        model = VoucherProgramme
        skip_postgeneration_save = True

    code = factory.Sequence(lambda n: f"programme-{n}")
    name = factory.Sequence(lambda n: f"测试创新券{n}")
    total_budget = Decimal("100000.00")
    per_enterprise_cap = Decimal("20000.00")
    copay_ratio = Decimal("0.500")
    valid_from = factory.LazyFunction(lambda: timezone.localdate() - timedelta(days=30))
    valid_until = factory.LazyFunction(lambda: timezone.localdate() + timedelta(days=300))

    @factory.post_generation
    def categories(self, create, extracted, **kwargs):
        if create:
            self.categories.set(extracted or Category.objects.filter(code="saas"))


def enquiry(market, message: str = "询价", **extra):
    """An enquiry of the market's tenant for its voucher-eligible product."""
    return orders.enquiry_create(
        actor=market.tenant, product=market.product, plan=market.plan, message=message, **extra
    )


def placed_order(market, plan=None, *, use_voucher: bool = True, **extra):
    """A direct order at the list price, paid with the voucher as far as it may."""
    return orders.order_place(
        actor=market.tenant,
        product=market.product,
        plan=plan or market.plan,
        use_voucher=use_voucher,
        **extra,
    )


def accepted_order(market, plan=None, **extra):
    """An order placed, delivered and accepted: the voucher part is redeemed."""
    order = placed_order(market, plan, **extra)
    orders.order_deliver(actor=market.provider_staff, order=order)
    return orders.order_accept(actor=market.tenant, order=order)
