"""Small validations every marketplace service shares."""

from decimal import Decimal, InvalidOperation

from django.utils import timezone
from django.utils.translation import gettext as _

from parkos.core.errors import ValidationFailed
from parkos.core.money import CENT, to_cny
from parkos.marketplace.errors import MarketplaceError

# The largest amount a MoneyField holds (14 digits, two after the point) is under this.
MONEY_LIMIT = Decimal("1000000000000")


def money(field: str, value, *, allow_zero: bool = False) -> Decimal:
    """A positive CNY amount from user input, or a field error."""
    if isinstance(value, float):
        value = repr(value)
    try:
        amount = Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        raise ValidationFailed.for_field(field, _("Enter an amount in CNY.")) from None
    if not amount.is_finite():
        raise ValidationFailed.for_field(field, _("Enter an amount in CNY."))
    # Checked before rounding: a huge exponent ("1e30") cannot be rounded to the cent.
    if amount >= MONEY_LIMIT:
        raise ValidationFailed.for_field(field, _("The amount is too large."))
    if amount != amount.quantize(CENT):
        raise ValidationFailed.for_field(field, _("An amount in CNY has at most two decimals."))
    amount = to_cny(amount)
    if amount < 0 or (amount == 0 and not allow_zero):
        raise ValidationFailed.for_field(
            field,
            _("The amount must be greater than zero."),
            code=MarketplaceError.PRICE_NOT_POSITIVE,
        )
    return amount


def required_text(field: str, value: str, *, max_length: int) -> str:
    value = (value or "").strip()
    if not value:
        raise ValidationFailed.for_field(field, _("This field is required."))
    if len(value) > max_length:
        raise ValidationFailed.for_field(field, _("At most %(n)d characters.") % {"n": max_length})
    return value


def optional_text(field: str, value: str, *, max_length: int) -> str:
    value = (value or "").strip()
    if len(value) > max_length:
        raise ValidationFailed.for_field(field, _("At most %(n)d characters.") % {"n": max_length})
    return value


def now():
    return timezone.now()
