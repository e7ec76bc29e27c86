"""Completion by park and zone, missing filings, and the trend, as the operator reads them."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import translation

from factories import LeaseFactory
from parkos.filings import dashboard


def by_label(rows):
    return {row.label: (row.expected, row.filed, row.rate) for row in rows}


def test_completion_by_park_and_zone(net, this_round, file):
    file(net.tenant, this_round, net.acme)
    file(net.branch_tenant, this_round, net.gamma, total_staff=20, returned_staff=10)
    data = dashboard.round_dashboard(actor=net.operator, filing_round=this_round)
    assert (data["overall"].expected, data["overall"].filed) == (3, 2)
    assert by_label(data["by_park"]) == {
        "浦江测试园": (2, 1, 50.0),
        "昆山测试分园": (1, 1, 100.0),
    }
    assert by_label(data["by_zone"]) == {
        "浦江测试园 · A区": (1, 1, 100.0),
        "浦江测试园 · B区": (1, 0, 0.0),
        "昆山测试分园 · K区": (1, 1, 100.0),
    }


def test_missing_while_a_lease_is_active_is_flagged_in_words(net, this_round, file):
    file(net.tenant, this_round, net.acme)
    with translation.override("en"):
        data = dashboard.round_dashboard(actor=net.operator, filing_round=this_round)
    missing = {
        row["enterprise"]: row["reasons"] for row in data["flagged"] if not row["submission"]
    }
    assert set(missing) == {"乙科技", "丙科技"}
    assert missing["乙科技"][0].startswith("No filing although a lease is active (unit ")
    # 丁科技 has no lease: nobody expects its filing.
    assert "丁科技" not in missing


def test_an_ended_lease_expects_no_filing(net, open_round):
    filing_round = open_round(weeks_ago=0)
    ended = LeaseFactory(
        enterprise=net.delta,
        start=filing_round.period_start - timedelta(days=400),
        end=filing_round.period_start - timedelta(days=1),
    )
    data = dashboard.round_dashboard(actor=net.operator, filing_round=filing_round)
    assert ended.enterprise_id not in data["expected"]


def test_the_trend_follows_the_parks_rounds(net, open_round, file):
    earlier = open_round(weeks_ago=1)
    file(net.tenant, earlier, net.acme, total_staff=100, returned_staff=40)
    file(net.tenant2, earlier, net.beta, total_staff=50, returned_staff=10)
    current = open_round()
    file(net.tenant, current, net.acme, total_staff=100, returned_staff=90)
    data = dashboard.round_dashboard(actor=net.operator, filing_round=current)
    assert [point["round"] for point in data["trend"]] == [earlier.title, current.title]
    assert [point["completion"] for point in data["trend"]] == [66.7, 33.3]
    assert [point["return_rate"] for point in data["trend"]] == [33.3, 90.0]
    assert data["trend"][1]["flagged"] == 1


def test_only_the_parks_staff_read_the_dashboard(net, this_round):
    with pytest.raises(PermissionDenied):
        dashboard.round_dashboard(actor=net.tenant, filing_round=this_round)
    assert dashboard.round_dashboard(actor=net.reviewer, filing_round=this_round)
