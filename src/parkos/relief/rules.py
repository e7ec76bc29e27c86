"""How much relief a lease gets: pure arithmetic on dates and Decimal CNY, no database."""

import calendar
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from parkos.core.money import to_cny

HUNDRED = Decimal(100)


@dataclass
class Quote:
    eligible: bool
    amount: Decimal
    reasons: list[str] = field(default_factory=list)
    breakdown: dict = field(default_factory=dict)


def months_in_period(start: date, end: date) -> Decimal:
    """How many months `start`..`end` (both included) spans, counting a partial month by its
    share of days: 15 days of a 30-day month is half a month."""
    if end < start:
        return Decimal(0)
    total = Decimal(0)
    current = start
    while current <= end:
        days_in_month = calendar.monthrange(current.year, current.month)[1]
        month_end = current.replace(day=days_in_month)
        last = min(end, month_end)
        total += Decimal((last - current).days + 1) / Decimal(days_in_month)
        current = last + timedelta(days=1)
    return total


def overlap(a_start: date, a_end: date, b_start: date, b_end: date) -> tuple[date, date] | None:
    start, end = max(a_start, b_start), min(a_end, b_end)
    return (start, end) if start <= end else None


def relief_amount(
    *,
    kind: str,
    monthly_rent: Decimal,
    months_covered: Decimal,
    months: Decimal | None = None,
    percent: Decimal | None = None,
    cap: Decimal | None = None,
    already_granted: Decimal = Decimal(0),
) -> tuple[Decimal, dict]:
    """The relief and how it was reached. `months_covered` is the part of the relief period
    the lease runs; `already_granted` counts the enterprise's other live applications
    against the cap."""
    rent_in_period = monthly_rent * months_covered
    if kind == "months":
        base = monthly_rent * min(months or Decimal(0), months_covered)
    else:
        base = rent_in_period * (percent or Decimal(0)) / HUNDRED
    base = to_cny(base)
    amount = base
    remaining = None
    if cap is not None:
        remaining = max(to_cny(cap) - to_cny(already_granted), Decimal(0))
        amount = min(amount, remaining)
    breakdown = {
        "monthly_rent": str(to_cny(monthly_rent)),
        "months_covered": str(months_covered.quantize(Decimal("0.0001"))),
        "rent_in_period": str(to_cny(rent_in_period)),
        "before_cap": str(base),
        "cap_remaining": None if remaining is None else str(remaining),
        "amount": str(to_cny(amount)),
    }
    return to_cny(amount), breakdown
