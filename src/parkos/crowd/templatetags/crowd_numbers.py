from django import template

register = template.Library()


@register.filter
def people(value) -> str:
    """A count of people grouped by thousands with a comma ("2,774"), as the warnings and
    the IOC alarms write it; Chinese number formats would group by ten thousands."""
    if value in (None, ""):
        return "—"
    try:
        return f"{round(float(value)):,}"
    except (TypeError, ValueError):
        return str(value)
