"""Every API list is paged with its total: one query for both, right in every shape of list."""

import pytest

from factories import EnterpriseFactory, LeaseFactory, ParkFactory
from parkos.core.pagination import Paging
from parkos.parks.models import Enterprise

pytestmark = pytest.mark.django_db


def page(queryset, limit, offset=0):
    return Paging().paginate_queryset(queryset, Paging.Input(limit=limit, offset=offset), None)


@pytest.fixture
def enterprises():
    park = ParkFactory()
    return [EnterpriseFactory(park=park, name=f"企业{index:02d}") for index in range(7)]


def test_page_and_total_come_from_one_query(enterprises, django_assert_num_queries):
    with django_assert_num_queries(1):
        first = page(Enterprise.objects.order_by("name"), limit=3)
    assert first["count"] == 7
    assert [row.name for row in first["items"]] == ["企业00", "企业01", "企业02"]
    last = page(Enterprise.objects.order_by("name"), limit=3, offset=6)
    assert (last["count"], [row.name for row in last["items"]]) == (7, ["企业06"])


def test_rows_as_dicts_carry_the_total(enterprises):
    rows = page(Enterprise.objects.order_by("name").values("name"), limit=2, offset=2)
    assert rows["count"] == 7
    assert [row["name"] for row in rows["items"]] == ["企业02", "企业03"]


def test_a_page_past_the_end_still_reports_the_total(enterprises):
    beyond = page(Enterprise.objects.order_by("name"), limit=5, offset=50)
    assert beyond == {"items": [], "count": 7}
    assert page(Enterprise.objects.none(), limit=5) == {"items": [], "count": 0}


def test_distinct_lists_count_distinct_rows(enterprises):
    """A join that repeats a row (an enterprise with two leases) must not be counted twice."""
    tenant = enterprises[0]
    LeaseFactory(enterprise=tenant)
    LeaseFactory(enterprise=tenant)
    with_leases = Enterprise.objects.filter(leases__isnull=False).order_by("name").distinct()
    result = page(with_leases, limit=10)
    assert result["count"] == 1
    assert [row.pk for row in result["items"]] == [tenant.pk]


def test_plain_lists_are_paged_too():
    assert page(list(range(12)), limit=5, offset=10) == {"items": [10, 11], "count": 12}
