"""SLA deadlines. Urgent work runs round the clock; the rest counts only the company's working
day on Chinese working days (weekends and public holidays off, adjusted workdays on)."""

from datetime import datetime, time, timedelta

from django.utils import timezone

from parkos.core.workdays import is_workday
from parkos.property.models import Priority, SLAPolicy

# Minutes (response, resolution, working hours only) when a company set no policy of its own.
DEFAULT_SLA = {
    Priority.URGENT: (15, 4 * 60, False),
    Priority.HIGH: (30, 8 * 60, True),
    Priority.NORMAL: (120, 2 * 8 * 60, True),
    Priority.LOW: (4 * 60, 5 * 8 * 60, True),
}


def add_working_minutes(start: datetime, minutes: int, day_start: time, day_end: time) -> datetime:
    tz = timezone.get_current_timezone()
    cursor = timezone.localtime(start, tz)
    remaining = timedelta(minutes=minutes)
    for _ in range(400):
        day = cursor.date()
        opens = timezone.make_aware(datetime.combine(day, day_start), tz)
        closes = timezone.make_aware(datetime.combine(day, day_end), tz)
        if is_workday(day) and cursor < closes:
            begin = max(cursor, opens)
            available = closes - begin
            if remaining <= available:
                return begin + remaining
            remaining -= available
        cursor = timezone.make_aware(datetime.combine(day + timedelta(days=1), time(0)), tz)
    return cursor + remaining


def policy_for(company, priority: str, category: str, policies=None) -> tuple[int, int, bool]:
    rows = policies if policies is not None else list(SLAPolicy.objects.filter(company=company))
    exact = [p for p in rows if p.priority == priority and p.category == category and category]
    general = [p for p in rows if p.priority == priority and not p.category]
    chosen = (exact or general or [None])[0]
    if chosen is None:
        return DEFAULT_SLA[Priority(priority)]
    return chosen.response_minutes, chosen.resolution_minutes, chosen.working_hours


def deadlines(company, *, priority: str, category: str, start: datetime, policies=None):
    response, resolution, working = policy_for(company, priority, category, policies)
    if not working:
        return start + timedelta(minutes=response), start + timedelta(minutes=resolution)
    return (
        add_working_minutes(start, response, company.workday_start, company.workday_end),
        add_working_minutes(start, resolution, company.workday_start, company.workday_end),
    )
