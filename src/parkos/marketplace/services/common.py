"""Small validations every marketplace service shares."""

from decimal import Decimal, InvalidOperation

from django.utils import timezone
from django.utils.translation import gettext as _

from parkos.core.errors import ValidationFailed
from parkos.core.money import to_cny
from parkos.marketplace.errors import MarketplaceError


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
    amount = to_cny(amount)
    if amount < 0 or (amount == 0 and not allow_zero):
        raise ValidationFailed.for_field(
            field,
            _("The amount must be greater than zero."),
            code=MarketplaceError.PRICE_NOT_POSITIVE,
        )
    if amount >= Decimal("1000000000000"):
        raise ValidationFailed.for_field(field, _("The amount is too large."))
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
