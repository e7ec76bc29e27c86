import pytest
from django.contrib.auth import authenticate

from parkos.accounts.selectors import user_enterprise_ids
from parkos.demo.context import DEMO_PASSWORD
from parkos.demo.loader import demo_load
from parkos.parks.credit_code import credit_code_problem
from parkos.parks.models import Enterprise, Lease, Park, ParkKPI

pytestmark = pytest.mark.django_db

FOUNDATION = ["parkos.demo.parks", "parkos.demo.accounts"]


def test_demo_network_is_realistic_and_valid():
    demo_load(steps=FOUNDATION, report=lambda line: None)
    flagship = Park.objects.get(parent__isnull=True)
    branches = Park.objects.filter(parent=flagship)
    assert branches.count() == 3
    assert len({flagship.city, *branches.values_list("city", flat=True)}) == 4
    enterprises = Enterprise.objects.all()
    assert 190 <= enterprises.count() <= 210
    assert all(
        credit_code_problem(code) is None
        for code in enterprises.values_list("credit_code", flat=True)
    )
    assert set(enterprises.values_list("industry", flat=True)) >= {
        "ai",
        "ic",
        "cloud",
        "software",
        "fintech",
        "media",
    }
    assert all(name.endswith("有限公司") for name in enterprises.values_list("name", flat=True))
    for park in Park.objects.all():
        assert ParkKPI.objects.filter(park=park).count() == 5
    assert Lease.objects.count() >= 400


def test_demo_logins_work_with_the_documented_password():
    context = demo_load(steps=FOUNDATION, report=lambda line: None)
    for username in (
        "operator",
        "ioc",
        "dispatcher",
        "technician",
        "tenant",
        "tenant2",
        "provider",
        "reviewer",
    ):
        assert authenticate(username=username, password=DEMO_PASSWORD) is not None, username
    tenant, tenant2 = context.users["tenant"], context.users["tenant2"]
    assert len(user_enterprise_ids(tenant)) == 1
    assert user_enterprise_ids(tenant) != user_enterprise_ids(tenant2)


def test_demo_is_deterministic():
    first = demo_load(steps=["parkos.demo.parks"], report=lambda line: None)
    names = sorted(Enterprise.objects.values_list("name", "credit_code"))
    Lease.objects.all().delete()
    Enterprise.objects.all().delete()
    ParkKPI.objects.all().delete()
    for park in Park.objects.order_by("-parent_id"):
        park.buildings.all().delete()
    Park.objects.filter(parent__isnull=False).delete()
    Park.objects.all().delete()
    demo_load(today=first.today, steps=["parkos.demo.parks"], report=lambda line: None)
    assert sorted(Enterprise.objects.values_list("name", "credit_code")) == names
