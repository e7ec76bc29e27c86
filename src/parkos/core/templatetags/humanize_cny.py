from decimal import Decimal

from django import template

register = template.Library()


@register.filter
def yi(amount) -> str:
    """An amount of CNY in 亿 (hundreds of millions), as park reports state output."""
    if amount in (None, ""):
        return "—"
    return f"{Decimal(amount) / Decimal(100_000_000):,.2f}"


@register.filter
def cny(amount) -> str:
    if amount in (None, ""):
        return "—"
    return f"¥{Decimal(amount):,.2f}"
