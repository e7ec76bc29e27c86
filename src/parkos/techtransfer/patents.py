"""CNIPA application and patent numbers: the format and the check digit.

Since October 2003 an application number is 12 digits, a dot and a check character:
YYYY T NNNNNNN . C, where YYYY is the filing year, T the kind (1 and 8 invention, 2 and 9 utility
model, 3 design) and C the check character: the digits weighted 2,3,4,5,6,7,8,9,2,3,4,5 summed
modulo 11, 10 written as X. Before that it was 8 digits (YY T NNNNN) weighted 2..9. A patent
number is the application number with the prefix ZL; CN may precede either."""

import re

from django.utils.translation import gettext as _

from parkos.techtransfer.taxonomy import PatentType

_NUMBER = re.compile(r"^(?:ZL|CN)?\s*(\d{8}|\d{12})\s*\.?\s*([0-9X])$")
_KINDS = {
    "1": PatentType.INVENTION,
    "8": PatentType.INVENTION,
    "2": PatentType.UTILITY_MODEL,
    "9": PatentType.UTILITY_MODEL,
    "3": PatentType.DESIGN,
}


def check_character(digits: str) -> str:
    weights = [2, 3, 4, 5, 6, 7, 8, 9, 2, 3, 4, 5]
    total = sum(int(d) * w for d, w in zip(digits, weights, strict=False))
    remainder = total % 11
    return "X" if remainder == 10 else str(remainder)


def with_check(digits: str) -> str:
    """A valid application number for 8 or 12 digits (used by the demo and the tests)."""
    return f"{digits}.{check_character(digits)}"


def parse_patent_number(raw: str) -> tuple[str, str]:
    """(normal form 'YYYYTNNNNNNN.C', patent type) or ValueError with the problem in words."""
    cleaned = (raw or "").strip().upper().replace(" ", "")
    match = _NUMBER.match(cleaned)
    if not match:
        raise ValueError(
            _(
                "Enter a CNIPA application or patent number such as 202010123456.7 or "
                "ZL202010123456.7."
            )
        )
    digits, check = match.groups()
    if check != check_character(digits):
        raise ValueError(
            _("The check digit of %(number)s is wrong: it should be %(check)s.")
            % {"number": cleaned, "check": check_character(digits)}
        )
    kind_digit = digits[4] if len(digits) == 12 else digits[2]
    kind = _KINDS.get(kind_digit)
    if kind is None:
        raise ValueError(
            _("%(number)s is not an invention, utility-model or design number.")
            % {"number": cleaned}
        )
    if len(digits) == 12 and not 1985 <= int(digits[:4]) <= 2100:
        raise ValueError(_("%(number)s has no possible filing year.") % {"number": cleaned})
    return f"{digits}.{check}", kind


_IPC = re.compile(r"^[A-H]\d{2}[A-Z](?:\s?\d{1,4}/\d{2,6})?$")


def valid_ipc(code: str) -> bool:
    """An International Patent Classification symbol: G06T 7/00, H01M, A01H 1/04."""
    return bool(_IPC.match((code or "").strip().upper()))
