from django import template

register = template.Library()


@register.filter
def grouped(value) -> str:
    """A count grouped by thousands with a comma, as the rest of the product shows counts."""
    try:
        return f"{int(value):,}"
    except (TypeError, ValueError):
        return "0"
