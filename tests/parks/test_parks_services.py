from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied

from factories import UnitFactory
from parkos.core.errors import Conflict, ValidationFailed
from parkos.core.models import AuditEntry
from parkos.parks import services
from parkos.parks.models import Enterprise, Lease

pytestmark = pytest.mark.django_db


def test_lease_overlapping_another_is_refused_and_nothing_written(network):
    before = Lease.objects.count()
    existing = network.lease
    with pytest.raises(Conflict) as refused:
        services.lease_create(
            actor=network.operator,
            unit=network.unit,
            enterprise=network.other_enterprise,
            start=existing.end.replace(day=1),
            end=existing.end.replace(year=existing.end.year + 1),
            monthly_rent="9000",
        )
    assert refused.value.code == "lease_overlap"
    assert "start" in refused.value.fields
    assert Lease.objects.count() == before


def test_lease_touching_the_previous_one_is_accepted_and_audited(network):
    existing = network.lease
    lease = services.lease_create(
        actor=network.operator,
        unit=network.unit,
        enterprise=network.enterprise,
        start=date.fromordinal(existing.end.toordinal() + 1),
        end=existing.end.replace(year=existing.end.year + 2),
        monthly_rent="12345.675",
    )
    assert lease.monthly_rent == Decimal("12345.68")
    entry = AuditEntry.objects.get(object_id=str(lease.id))
    assert entry.action == "lease.create"
    assert entry.actor == network.operator
    assert entry.changes["monthly_rent"] == "12345.68"


@pytest.mark.parametrize(
    ("start", "end", "rent", "field"),
    [
        (date(2026, 5, 1), date(2026, 4, 30), "100", "end"),
        (date(2026, 1, 1), date(2026, 12, 31), "-1", "monthly_rent"),
        (date(2026, 1, 1), date(2026, 12, 31), "abc", "monthly_rent"),
    ],
)
def test_bad_lease_names_the_field(network, start, end, rent, field):
    unit = UnitFactory(floor__building__park=network.park)
    with pytest.raises(ValidationFailed) as refused:
        services.lease_create(
            actor=network.operator,
            unit=unit,
            enterprise=network.enterprise,
            start=start,
            end=end,
            monthly_rent=rent,
        )
    assert field in refused.value.fields
    assert not Lease.objects.filter(unit=unit).exists()


def test_lease_update_records_old_and_new_values(network):
    services.lease_update(
        actor=network.operator, lease=network.lease, monthly_rent=Decimal("20000")
    )
    entry = AuditEntry.objects.get(action="lease.update")
    assert entry.changes == {"monthly_rent": ["18000.00", "20000.00"]}


def test_operator_of_another_park_cannot_let_units_here(network):
    with pytest.raises(PermissionDenied):
        services.lease_create(
            actor=network.branch_operator,
            unit=UnitFactory(floor__building__park=network.park),
            enterprise=network.enterprise,
            start=date(2030, 1, 1),
            end=date(2030, 12, 31),
            monthly_rent="1",
        )


def test_operator_manages_branches_of_their_park(network):
    enterprise = services.enterprise_create(
        actor=network.operator,
        name="昆山测试科技有限公司",
        credit_code="91350100M000100Y43",
        park=network.branch,
        industry="software",
    )
    assert enterprise.park == network.branch


def test_enterprise_with_wrong_check_character_is_refused(network):
    with pytest.raises(ValidationFailed) as refused:
        services.enterprise_create(
            actor=network.operator,
            name="错码科技有限公司",
            credit_code="91350100M000100Y44",
            park=network.park,
            industry="software",
        )
    assert "校验码" in str(refused.value.fields["credit_code"][0])
    assert not Enterprise.objects.filter(name="错码科技有限公司").exists()


def test_enterprise_validation_reports_every_bad_field_at_once(network):
    with pytest.raises(ValidationFailed) as refused:
        services.enterprise_create(
            actor=network.operator,
            name="",
            credit_code="123",
            park=network.park,
            industry="mining",
            headcount=-3,
        )
    assert set(refused.value.fields) == {"name", "credit_code", "industry", "headcount"}


def test_tenant_edits_own_profile_but_not_identity(network):
    services.enterprise_update(actor=network.tenant, enterprise=network.enterprise, headcount=88)
    network.enterprise.refresh_from_db()
    assert network.enterprise.headcount == 88
    with pytest.raises(PermissionDenied):
        services.enterprise_update(
            actor=network.tenant, enterprise=network.enterprise, credit_code="91350100M000100Y43"
        )
    with pytest.raises(PermissionDenied):
        services.enterprise_update(
            actor=network.tenant, enterprise=network.other_enterprise, headcount=1
        )


def test_unit_area_must_be_positive(network):
    building = network.unit.floor.building
    for area in ("0", "-5"):
        with pytest.raises(ValidationFailed) as refused:
            services.unit_create(
                actor=network.operator, building=building, level=3, number="301", area=area
            )
        assert "area" in refused.value.fields
