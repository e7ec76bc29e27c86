"""A small park network for the re-opening ledger: a flagship with two zones and a branch,
four enterprises (three with active leases), and a user for every side of each door."""

from datetime import timedelta
from types import SimpleNamespace

import pytest
from django.utils import timezone

from factories import (
    EnterpriseFactory,
    LeaseFactory,
    ParkFactory,
    Role,
    UnitFactory,
    ZoneFactory,
    member,
)
from parkos.filings import services

GOOD = {
    "total_staff": 100,
    "returned_staff": 60,
    "risk_area_staff": 2,
    "observation_staff": 1,
    "supplies_days": 14,
    "compliance_declared": True,
}


def _unit(park, zone):
    return UnitFactory(floor__building__park=park, floor__building__zone=zone)


@pytest.fixture
def net(db):
    park = ParkFactory(name="浦江测试园")
    branch = ParkFactory(name="昆山测试分园", parent=park)
    other_park = ParkFactory(name="别的园区")
    zone_a = ZoneFactory(park=park, name="A区")
    zone_b = ZoneFactory(park=park, name="B区")
    zone_k = ZoneFactory(park=branch, name="K区")
    acme = EnterpriseFactory(park=park, name="甲科技", headcount=100)
    beta = EnterpriseFactory(park=park, name="乙科技", headcount=50)
    gamma = EnterpriseFactory(park=branch, name="丙科技", headcount=20)
    delta = EnterpriseFactory(park=park, name="丁科技", headcount=10)
    outsider = EnterpriseFactory(park=other_park, name="外园科技", headcount=30)
    LeaseFactory(enterprise=acme, unit=_unit(park, zone_a))
    LeaseFactory(enterprise=beta, unit=_unit(park, zone_b))
    LeaseFactory(enterprise=gamma, unit=_unit(branch, zone_k))
    LeaseFactory(enterprise=outsider, unit=_unit(other_park, ZoneFactory(park=other_park)))
    return SimpleNamespace(
        park=park,
        branch=branch,
        other_park=other_park,
        acme=acme,
        beta=beta,
        gamma=gamma,
        delta=delta,
        outsider=outsider,
        operator=member(Role.OPERATOR_ADMIN, park=park),
        other_operator=member(Role.OPERATOR_ADMIN, park=other_park),
        reviewer=member(Role.REVIEWER, park=park),
        technician=member(Role.TECHNICIAN, park=park),
        tenant=member(Role.ENTERPRISE_ADMIN, enterprise=acme, park=park),
        tenant2=member(Role.ENTERPRISE_ADMIN, enterprise=beta, park=park),
        branch_tenant=member(Role.ENTERPRISE_MEMBER, enterprise=gamma, park=branch),
        outsider_tenant=member(Role.ENTERPRISE_ADMIN, enterprise=outsider, park=other_park),
    )


@pytest.fixture
def open_round(net):
    def make(*, weeks_ago: int = 0, **options):
        today = timezone.localdate()
        start = today - timedelta(days=6 + 7 * weeks_ago)
        end = start + timedelta(days=6)
        return services.round_open(
            actor=net.operator,
            park=net.park,
            title=options.pop("title", f"第{10 - weeks_ago}周"),
            period_start=start,
            period_end=end,
            due_on=options.pop("due_on", max(end, today)),
            **options,
        )

    return make


@pytest.fixture
def this_round(open_round):
    return open_round()


@pytest.fixture
def file():
    def make(actor, filing_round, enterprise, **changes):
        return services.submission_file(
            actor=actor, filing_round=filing_round, enterprise=enterprise, **{**GOOD, **changes}
        )

    return make


@pytest.fixture
def good():
    return dict(GOOD)
