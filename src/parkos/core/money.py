"""Money is Decimal CNY with two places, everywhere."""

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.db import models
from django.utils.translation import gettext_lazy as _

CENT = Decimal("0.01")


def to_cny(value) -> Decimal:
    """Round to the cent, half up, as Chinese invoices do. Floats are refused: they
    cannot carry an exact amount."""
    if isinstance(value, float):
        raise TypeError("money must not be a float")
    try:
        return Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)
    except (InvalidOperation, ValueError) as exc:
        raise ValueError(f"not an amount of money: {value!r}") from exc


class MoneyField(models.DecimalField):
    """A CNY amount: 14 digits, two after the point."""

    def __init__(self, verbose_name=None, *args, **kwargs):
        kwargs.setdefault("max_digits", 14)
        kwargs.setdefault("decimal_places", 2)
        super().__init__(verbose_name or _("amount (CNY)"), *args, **kwargs)
