"""Small validations every marketplace service shares (money: core.money.parse_money)."""

from django.utils import timezone
from django.utils.translation import gettext as _

from parkos.core.errors import ValidationFailed


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
