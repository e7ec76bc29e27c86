"""How a case's deadline reads: days left, due today, or days overdue, in one place for the
inbox, the applicant's list and the case page."""

from django import template
from django.utils.html import format_html
from django.utils.translation import gettext, ngettext

register = template.Library()


@register.simple_tag
def deadline_note(days_left: int | None) -> str:
    if days_left is None:
        return ""
    if days_left < 0:
        days = -days_left
        text = ngettext("%(days)d day overdue", "%(days)d days overdue", days) % {"days": days}
        return format_html(
            '<span class="badge bg-danger" data-testid="overdue-days">{}</span>', text
        )
    if days_left == 0:
        return format_html(
            '<span class="badge bg-warning text-dark" data-testid="due-today">{}</span>',
            gettext("Due today"),
        )
    text = ngettext("%(days)d day left", "%(days)d days left", days_left) % {"days": days_left}
    return format_html('<span class="small text-secondary" data-testid="days-left">{}</span>', text)
