"""Money is Decimal CNY with two places, everywhere."""

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.db import models
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from parkos.core.errors import ValidationFailed

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


# The largest amount a MoneyField holds: 12 digits before the point.
MONEY_MAX = Decimal("999999999999.99")


def parse_money(
    value,
    *,
    field: str,
    minimum: Decimal | None = Decimal("0"),
    maximum: Decimal | None = None,
    required: bool = True,
) -> Decimal | None:
    """An amount typed by a person or sent by a client, as Decimal CNY, or a ValidationFailed
    naming `field`. Accepts 1234, "1234.5", "23,500,000", "¥ 80,000.00"; refuses floats (they
    cannot carry an exact amount), a third decimal place, and anything not a number."""
    if value is None or (isinstance(value, str) and not value.strip()):
        if required:
            raise ValidationFailed.for_field(field, gettext("Enter an amount."), code="required")
        return None
    if isinstance(value, bool | float):
        raise ValidationFailed.for_field(
            field, gettext("Send the amount as a string or a whole number."), code="invalid_amount"
        )
    if isinstance(value, str):
        cleaned = value.strip().replace(",", "").replace("，", "").replace(" ", "")
        cleaned = cleaned.removeprefix("¥").removeprefix("￥").removesuffix("元")
    else:
        cleaned = value
    try:
        amount = Decimal(cleaned)
    except (InvalidOperation, ValueError, TypeError):
        amount = None
    if amount is None or not amount.is_finite():
        raise ValidationFailed.for_field(
            field, gettext("Enter an amount in yuan, such as 1,234.50."), code="invalid_amount"
        )
    upper = MONEY_MAX if maximum is None else min(maximum, MONEY_MAX)
    if amount > upper:
        raise ValidationFailed.for_field(
            field,
            gettext("The amount must be at most %(maximum)s.") % {"maximum": f"{upper:,}"},
            code="amount_too_large",
        )
    lower = -MONEY_MAX if minimum is None else minimum
    if amount < lower:
        raise ValidationFailed.for_field(
            field,
            gettext("The amount must be at least %(minimum)s.") % {"minimum": f"{lower:,}"},
            code="amount_too_small",
        )
    if amount.as_tuple().exponent < -2 and amount != amount.quantize(CENT):
        raise ValidationFailed.for_field(
            field, gettext("An amount has at most two decimal places."), code="invalid_amount"
        )
    return amount.quantize(CENT)
