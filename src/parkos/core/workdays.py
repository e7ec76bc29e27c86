"""Deadlines in working days, aware of China's holidays and swapped working weekends (调休)."""

from datetime import date, timedelta

import chinese_calendar


def is_workday(day: date) -> bool:
    try:
        return chinese_calendar.is_workday(day)
    except NotImplementedError:
        # Years the calendar does not know yet: Monday to Friday, until it is updated.
        return day.weekday() < 5


def add_workdays(start: date, days: int) -> date:
    """The `days`-th working day after `start` (`start` itself not counted)."""
    current = start
    remaining = days
    while remaining > 0:
        current += timedelta(days=1)
        if is_workday(current):
            remaining -= 1
    return current


def workdays_between(start: date, end: date) -> int:
    """Working days after `start` up to and including `end` (negative when `end` is before)."""
    if end < start:
        return -workdays_between(end, start)
    count = 0
    current = start
    while current < end:
        current += timedelta(days=1)
        count += is_workday(current)
    return count
