from django import template

register = template.Library()


@register.filter
def grouped(value) -> str:
    """A count grouped by thousands with a comma, as the rest of the product shows counts."""
    try:
        return f"{int(value):,}"
    except (TypeError, ValueError):
        return "0"


@register.filter
def yuan(amount) -> str:
    """A monthly salary as people write it: whole yuan grouped by thousands ("¥15,000"), cents
    only when there are some."""
    from decimal import Decimal, InvalidOperation

    try:
        value = Decimal(amount)
    except (TypeError, ValueError, InvalidOperation):
        return "—"
    return f"¥{value:,.0f}" if value == value.to_integral_value() else f"¥{value:,.2f}"


@register.filter
def percent(share) -> str:
    """A share such as 0.3000 as "30%"."""
    from decimal import Decimal, InvalidOperation

    try:
        value = Decimal(share) * 100
    except (TypeError, ValueError, InvalidOperation):
        return "—"
    return f"{value.normalize():f}%"
