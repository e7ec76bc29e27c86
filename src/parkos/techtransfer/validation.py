"""Input rules shared by the services: each problem named by its field, all found at once."""

from datetime import date
from decimal import Decimal

from django.utils import timezone
from django.utils.translation import gettext as _

from parkos.core.errors import FieldErrors, ValidationFailed
from parkos.core.money import parse_money
from parkos.techtransfer.patents import parse_patent_number, valid_ipc
from parkos.techtransfer.taxonomy import Mode, TechField

# A technology deal of a trillion yuan is a typing error, not a deal.
MONEY_LIMIT = Decimal("10000000000")  # 100 亿


def check_field(errors: FieldErrors, value, name: str = "field") -> None:
    if value not in TechField.values:
        errors.add(
            name, _("Choose a field from the list (unknown field “%(value)s”).") % {"value": value}
        )


def check_trl(errors: FieldErrors, value, name: str = "trl") -> int | None:
    try:
        level = int(value)
    except (TypeError, ValueError):
        level = None
    if level is None or str(value).strip() not in {str(level)} or not 1 <= level <= 9:
        errors.add(name, _("The readiness level is a whole number from 1 to 9."))
        return None
    return level


def check_modes(errors: FieldErrors, values, name: str = "modes") -> list[str]:
    values = list(values or [])
    unknown = [v for v in values if v not in Mode.values]
    if unknown:
        errors.add(name, _("Unknown mode: %(modes)s.") % {"modes": ", ".join(map(str, unknown))})
    elif not values:
        errors.add(name, _("Choose at least one mode."))
    return list(dict.fromkeys(values))


def check_text(errors: FieldErrors, name: str, value, *, required=True, minimum=2) -> str:
    value = (value or "").strip()
    meaningful = [c for c in value if c.isalnum()]
    if required and len(meaningful) < minimum:
        errors.add(name, _("Write a few words here: the matching reads this text."))
    return value


def check_money(errors: FieldErrors, name: str, value, *, required=True) -> Decimal | None:
    try:
        amount = parse_money(value, field=name, required=required, maximum=MONEY_LIMIT)
    except ValidationFailed as invalid:
        for message in invalid.fields.get(name, [invalid.message]):
            errors.add(name, str(message))
        return None
    except ArithmeticError:
        errors.add(name, _("Enter an amount in yuan, such as 800,000."))
        return None
    if amount is not None and amount > MONEY_LIMIT:
        errors.add(name, _("An amount above 10 billion yuan is not accepted."))
        return None
    return amount


def check_future(errors: FieldErrors, name: str, value) -> date | None:
    if isinstance(value, str):
        try:
            value = date.fromisoformat(value)
        except ValueError:
            errors.add(name, _("Enter a date as YYYY-MM-DD."))
            return None
    if not isinstance(value, date):
        errors.add(name, _("Enter a date as YYYY-MM-DD."))
        return None
    if value < timezone.localdate():
        errors.add(name, _("The deadline is in the past."))
        return None
    return value


def check_patent(errors: FieldErrors, number: str, patent_type: str, ipc: str) -> tuple[str, str]:
    number = (number or "").strip()
    if not number:
        if patent_type:
            errors.add("patent_number", _("Enter the application or patent number."))
        return "", patent_type or ""
    try:
        normal, kind = parse_patent_number(number)
    except ValueError as problem:
        errors.add("patent_number", str(problem))
        return number, patent_type
    if patent_type and patent_type != kind:
        errors.add(
            "patent_type",
            _("The number %(number)s is of another kind of patent.") % {"number": normal},
        )
    if ipc and not valid_ipc(ipc):
        errors.add("ipc", _("Enter an IPC class such as G06T 7/00."))
    return normal, kind
