from datetime import date


def parse_month(text: str) -> date | None:
    """'2026-03' (or a full date) → the first day of that month; None when malformed."""
    try:
        year, month = (int(part) for part in str(text).strip()[:7].split("-"))
        return date(year, month, 1)
    except (TypeError, ValueError):
        return None


def previous_month(day: date) -> date:
    first = day.replace(day=1)
    return date(first.year - (first.month == 1), (first.month - 2) % 12 + 1, 1)


def month_range(start: date, end: date) -> list[date]:
    months, cursor = [], start.replace(day=1)
    while cursor <= end:
        months.append(cursor)
        cursor = date(cursor.year + (cursor.month == 12), cursor.month % 12 + 1, 1)
    return months
