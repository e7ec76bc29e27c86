"""Reviews, complaints, SLA and the provider score."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.utils import timezone

from parkos.marketplace.models import ComplaintStatus, OrderStatus, ProviderScore
from parkos.marketplace.services import complaints, orders
from parkos.marketplace.services.quality import provider_scores_recompute

pytestmark = pytest.mark.django_db


def _accepted(market, stars=None):
    order = orders.order_place(actor=market.tenant, product=market.product, plan=market.plan)
    orders.order_deliver(actor=market.provider_staff, order=order)
    orders.order_accept(actor=market.tenant, order=order)
    if stars:
        complaints.review_create(actor=market.tenant, order=order, stars=stars)
    return order


def test_two_five_star_reviews_do_not_top_a_provider_with_many_good_ones(market):
    # The other provider: thirty reviews averaging 4.6.
    product = market.plain_product
    for index in range(30):
        order = orders.order_place(actor=market.tenant, product=product, plan=market.plain_plan)
        orders.order_deliver(actor=market.other_staff, order=order)
        orders.order_accept(actor=market.tenant, order=order)
        complaints.review_create(actor=market.tenant, order=order, stars=5 if index % 5 else 3)
    _accepted(market, stars=5)
    _accepted(market, stars=5)
    provider_scores_recompute()
    market.provider.refresh_from_db()
    market.other_provider.refresh_from_db()
    assert market.other_provider.score > market.provider.score
    latest = ProviderScore.objects.filter(provider=market.provider).first()
    assert latest.review_count == 2 and Decimal("4") < latest.rating < Decimal("5")


def test_complaints_and_late_answers_flag_a_provider(market):
    for _ in range(8):
        order = orders.enquiry_create(
            actor=market.tenant, product=market.product, plan=market.plan, message="询价"
        )
        order.enquired_at = timezone.now() - timedelta(days=10)
        order.save(update_fields=["enquired_at"])
        orders.quote_give(actor=market.provider_staff, order=order, amount="100")
        placed = orders.order_place(actor=market.tenant, order=order)
        orders.order_deliver(actor=market.provider_staff, order=placed)
        complaint = complaints.complaint_open(
            actor=market.tenant, order=placed, text="没有按时交付"
        )
        placed.refresh_from_db()
        assert placed.status == OrderStatus.COMPLAINED
        complaints.complaint_resolve(
            actor=market.operator, complaint=complaint, upheld=True, resolution="退款"
        )
        complaint.refresh_from_db()
        assert complaint.status == ComplaintStatus.UPHELD
    call_command("marketplace_recompute_scores")
    market.provider.refresh_from_db()
    assert market.provider.flagged is True
    assert market.provider.score < Decimal("60")


def test_dismissed_complaint_returns_the_order_to_delivered(market):
    order = orders.order_place(actor=market.tenant, product=market.product, plan=market.plan)
    orders.order_deliver(actor=market.provider_staff, order=order)
    complaint = complaints.complaint_open(actor=market.tenant, order=order, text="慢")
    complaints.complaint_resolve(
        actor=market.operator, complaint=complaint, upheld=False, resolution="已按期交付"
    )
    order.refresh_from_db()
    assert order.status == OrderStatus.DELIVERED


def test_sla_is_measured_from_the_timestamps(market):
    from parkos.marketplace.selectors import order_sla

    order = orders.enquiry_create(
        actor=market.tenant, product=market.product, plan=market.plan, message="询价"
    )
    order.enquired_at = timezone.now() - timedelta(hours=30)
    order.save(update_fields=["enquired_at"])
    orders.quote_give(actor=market.provider_staff, order=order, amount="900")
    order.refresh_from_db()
    sla = order_sla(order=order)
    assert sla["response_terms"] == 24 and sla["response_hours"] >= 30
    assert sla["response_met"] is False and sla["delivery_days"] is None
