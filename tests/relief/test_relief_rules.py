from datetime import date
from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from parkos.relief.rules import months_in_period, overlap, relief_amount


def test_months_in_period_counts_partial_months_by_days():
    assert months_in_period(date(2026, 2, 1), date(2026, 4, 30)) == 3
    assert months_in_period(date(2026, 4, 16), date(2026, 4, 30)) == Decimal(15) / Decimal(30)
    assert months_in_period(date(2026, 5, 1), date(2026, 4, 30)) == 0


def test_overlap():
    assert overlap(date(2026, 1, 1), date(2026, 3, 15), date(2026, 2, 1), date(2026, 4, 30)) == (
        date(2026, 2, 1),
        date(2026, 3, 15),
    )
    assert overlap(date(2026, 1, 1), date(2026, 1, 31), date(2026, 2, 1), date(2026, 4, 30)) is None


def test_months_waived_limited_to_the_months_the_lease_runs():
    amount, breakdown = relief_amount(
        kind="months", monthly_rent=Decimal("10000"), months_covered=Decimal(3), months=Decimal(2)
    )
    assert amount == Decimal("20000.00")
    amount, _ = relief_amount(
        kind="months",
        monthly_rent=Decimal("10000"),
        months_covered=Decimal("0.5"),
        months=Decimal(2),
    )
    assert amount == Decimal("5000.00")
    assert breakdown["rent_in_period"] == "30000.00"


def test_percentage_and_cap_with_earlier_relief():
    amount, _ = relief_amount(
        kind="percent",
        monthly_rent=Decimal("8333.33"),
        months_covered=Decimal(3),
        percent=Decimal(50),
    )
    assert amount == Decimal("12500.00")
    amount, breakdown = relief_amount(
        kind="percent",
        monthly_rent=Decimal("10000"),
        months_covered=Decimal(3),
        percent=Decimal(50),
        cap=Decimal("20000"),
        already_granted=Decimal("12000"),
    )
    assert amount == Decimal("8000.00")
    assert breakdown["cap_remaining"] == "8000.00"


@given(
    rent=st.decimals(min_value=0, max_value=10_000_000, places=2),
    covered=st.decimals(min_value=0, max_value=24, places=4),
    percent=st.decimals(min_value="0.01", max_value=100, places=2),
    cap=st.none() | st.decimals(min_value=0, max_value=1_000_000, places=2),
)
def test_relief_is_never_negative_nor_above_rent_or_cap(rent, covered, percent, cap):
    amount, _ = relief_amount(
        kind="percent", monthly_rent=rent, months_covered=covered, percent=percent, cap=cap
    )
    assert amount >= 0
    assert amount <= (rent * covered).quantize(Decimal("0.01")) + Decimal("0.01")
    if cap is not None:
        assert amount <= cap
    assert amount == amount.quantize(Decimal("0.01"))
