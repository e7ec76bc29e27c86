"""The demo supermarket keeps the invariants the services keep."""

import pytest
from django.db.models import Count

from parkos.demo.loader import demo_load
from parkos.marketplace.models import Order, Product, Provider, VoucherGrant, VoucherProgramme
from parkos.marketplace.permissions import provider_ids

pytestmark = pytest.mark.django_db


def test_demo_market_is_consistent(books):
    context = demo_load(
        steps=["parkos.demo.parks", "parkos.demo.accounts", "parkos.demo.marketplace"],
        report=lambda line: None,
    )
    assert Provider.objects.count() >= 200 and Product.objects.count() >= 150
    states = set(Order.objects.values_list("status", flat=True).annotate(n=Count("id")))
    assert states >= {
        "enquiry",
        "quoted",
        "ordered",
        "delivered",
        "accepted",
        "cancelled",
        "refunded",
    }
    assert Order.objects.filter(subscription_cancelled_at__isnull=False).exists()
    # Every grant's ledger, summed exactly (SQLite's SUM of decimals is a float's), and the
    # other invariants of the voucher money.
    programme = VoucherProgramme.objects.get()
    assert set(VoucherGrant.objects.values_list("programme", flat=True)) == {programme.pk}
    books(programme)
    video = context.extra["marketplace_video_product"]
    assert video.voucher_eligible and video.category.code == "video-meeting"
    assert str(video.provider_id) in provider_ids(context.users["provider"])
    tenant_enterprise = context.extra["tenant_enterprises"]["tenant"]
    assert VoucherGrant.objects.get(enterprise=tenant_enterprise).balance > 0
    assert Provider.objects.filter(flagged=True).exists()
