from decimal import Decimal

import pytest

from parkos.core.errors import Conflict, NotFound, ValidationFailed
from parkos.marketplace.models import OrderStatus, VoucherLedgerEntry
from parkos.marketplace.services import complaints, orders

pytestmark = pytest.mark.django_db


def _ledger_matches(grant):
    grant.refresh_from_db()
    entries = VoucherLedgerEntry.objects.filter(grant=grant)
    assert grant.balance == sum((e.balance_delta for e in entries), Decimal("0"))
    assert grant.reserved == sum((e.reserved_delta for e in entries), Decimal("0"))


def test_enquiry_quote_order_with_voucher_deliver_accept_review(market):
    enquiry = orders.enquiry_create(
        actor=market.tenant, product=market.product, plan=market.plan, message="需要50个账号"
    )
    assert enquiry.status == OrderStatus.ENQUIRY and enquiry.enquired_at
    quoted = orders.quote_give(actor=market.provider_staff, order=enquiry, amount="2400")
    assert quoted.status == OrderStatus.QUOTED and quoted.quoted_amount == Decimal("2400.00")
    placed = orders.order_place(
        actor=market.tenant,
        order=quoted,
        use_voucher=True,
        invoice={"title": market.enterprise.name, "tax_id": market.enterprise.credit_code},
    )
    assert placed.amount == Decimal("2400.00")
    assert placed.voucher_amount == Decimal("1200.00")
    assert placed.enterprise_amount == Decimal("1200.00")
    market.grant.refresh_from_db()
    assert market.grant.balance == Decimal("3800.00")
    assert market.grant.reserved == Decimal("1200.00")
    orders.order_deliver(actor=market.provider_staff, order=placed)
    accepted = orders.order_accept(actor=market.tenant, order=placed)
    assert accepted.accepted_at is not None
    market.grant.refresh_from_db()
    assert market.grant.reserved == 0 and market.grant.redeemed == Decimal("1200.00")
    _ledger_matches(market.grant)
    review = complaints.review_create(actor=market.tenant, order=accepted, stars=5, text="很好用")
    market.product.refresh_from_db()
    assert market.product.rating_count == 1 and market.product.rating_avg == 5
    assert review.stars == 5
    actions = list(accepted.events.values_list("action", flat=True))
    assert actions == ["enquire", "quote", "place", "deliver", "accept"]
    with pytest.raises(Conflict) as twice:
        complaints.review_create(actor=market.tenant, order=accepted, stars=4)
    assert twice.value.code == "already_reviewed"


def test_cancel_releases_the_reserved_voucher(market):
    order = orders.order_place(
        actor=market.tenant, product=market.product, plan=market.plan, use_voucher=True
    )
    assert order.voucher_amount == Decimal("500.00")
    orders.order_cancel(actor=market.tenant, order=order, reason="预算调整")
    market.grant.refresh_from_db()
    assert market.grant.balance == Decimal("5000.00") and market.grant.reserved == 0
    _ledger_matches(market.grant)
    kinds = list(
        VoucherLedgerEntry.objects.filter(grant=market.grant).values_list("kind", flat=True)
    )
    assert kinds == ["grant", "reserve", "release"]


def test_a_provider_cannot_quote_another_providers_enquiry(market):
    enquiry = orders.enquiry_create(
        actor=market.tenant, product=market.product, plan=market.plan, message="询价"
    )
    with pytest.raises(NotFound):
        orders.quote_give(actor=market.other_staff, order=enquiry, amount="100")
    enquiry.refresh_from_db()
    assert enquiry.status == OrderStatus.ENQUIRY and enquiry.quoted_amount is None


@pytest.mark.parametrize("amount", ["0", "-5", "abc", "NaN"])
def test_a_quote_must_be_a_positive_amount(market, amount):
    enquiry = orders.enquiry_create(
        actor=market.tenant, product=market.product, plan=market.plan, message="询价"
    )
    with pytest.raises(ValidationFailed) as refused:
        orders.quote_give(actor=market.provider_staff, order=enquiry, amount=amount)
    assert "amount" in refused.value.fields
    enquiry.refresh_from_db()
    assert enquiry.status == OrderStatus.ENQUIRY


def test_voucher_on_an_ineligible_product_is_refused_and_nothing_written(market):
    with pytest.raises(ValidationFailed) as refused:
        orders.order_place(
            actor=market.tenant,
            product=market.plain_product,
            plan=market.plain_plan,
            use_voucher=True,
        )
    assert refused.value.code == "voucher_not_eligible"
    assert not market.plain_product.orders.exists()
    market.grant.refresh_from_db()
    assert market.grant.balance == Decimal("5000.00")


def test_voucher_beyond_the_ratio_or_the_balance_is_refused(market):
    with pytest.raises(ValidationFailed) as over_ratio:
        orders.order_place(
            actor=market.tenant,
            product=market.product,
            plan=market.plan,
            use_voucher=True,
            voucher_amount="600",
        )
    assert over_ratio.value.code == "voucher_over_ratio"
    # The share reads as a plain percentage (it once read 5E+1%).
    assert "订单金额的 50%" in over_ratio.value.fields["voucher_amount"][0]
    with pytest.raises(ValidationFailed) as over_balance:
        orders.order_place(
            actor=market.tenant,
            product=market.product,
            plan=market.yearly_plan,
            quantity=2,
            use_voucher=True,
            voucher_amount="6000",
        )
    assert over_balance.value.code == "voucher_over_balance"
    assert not market.product.orders.exists()
    _ledger_matches(market.grant)


def test_an_expired_grant_cannot_be_used(market):
    from datetime import timedelta

    from django.utils import timezone

    from parkos.marketplace.services.vouchers import grants_expire

    market.grant.valid_until = timezone.localdate() - timedelta(days=1)
    market.grant.save(update_fields=["valid_until"])
    with pytest.raises(ValidationFailed) as refused:
        orders.order_place(
            actor=market.tenant, product=market.product, plan=market.plan, use_voucher=True
        )
    assert refused.value.code == "voucher_no_grant"
    assert grants_expire() == 1
    _ledger_matches(market.grant)
    assert market.grant.balance == 0


def test_rating_before_acceptance_is_refused(market):
    order = orders.order_place(actor=market.tenant, product=market.product, plan=market.plan)
    orders.order_deliver(actor=market.provider_staff, order=order)
    with pytest.raises(Conflict) as refused:
        complaints.review_create(actor=market.tenant, order=order, stars=5)
    assert refused.value.code == "not_accepted"


def test_renewal_starts_after_the_period(market):
    order = orders.order_place(actor=market.tenant, product=market.product, plan=market.plan)
    orders.order_deliver(actor=market.provider_staff, order=order)
    orders.order_accept(actor=market.tenant, order=order)
    renewal = orders.order_renew(actor=market.tenant, order=order, use_voucher=True)
    assert renewal.renewal_of == order
    assert renewal.period_start == order.period_end + __import__("datetime").timedelta(days=1)
    assert renewal.voucher_amount == Decimal("500.00")
    with pytest.raises(Conflict):
        orders.order_renew(actor=market.tenant, order=order)
