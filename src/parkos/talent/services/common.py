"""Small pieces the talent services share."""

import re

from django.utils.translation import gettext as _

from parkos.core.errors import FieldErrors, Forbidden

SKILLS_MAX = 30
_SKILL_SPLIT = re.compile(r"[,，、;；/\n]+")


def signed_in(actor) -> None:
    if not getattr(actor, "is_authenticated", False):
        raise Forbidden(_("Sign in first."))


def skills_clean(value) -> list[str]:
    """Skills as a list of short words, from a list or a comma/、-separated string; duplicates
    (case-insensitive) dropped, order kept."""
    items = value if isinstance(value, list | tuple) else _SKILL_SPLIT.split(str(value or ""))
    seen, out = set(), []
    for item in items:
        word = str(item).strip()[:40]
        if word and word.lower() not in seen:
            seen.add(word.lower())
            out.append(word)
    return out[:SKILLS_MAX]


def text_clean(errors: FieldErrors, field: str, value, *, limit: int, required=False) -> str:
    text = (value or "").strip() if isinstance(value, str) else str(value or "").strip()
    if required and not text:
        errors.add(field, _("This field is required."))
    elif len(text) > limit:
        errors.add(
            field,
            _("At most %(limit)s characters; this has %(length)s.")
            % {"limit": f"{limit:,}", "length": f"{len(text):,}"},
        )
    return text


def choice_clean(errors: FieldErrors, field: str, value, choices, *, required=True) -> str:
    value = (value or "").strip() if isinstance(value, str) else value
    if not value:
        if required:
            errors.add(field, _("This field is required."))
        return ""
    if value not in choices.values:
        errors.add(field, _("Choose one of the listed values."))
        return ""
    return value


def money_clean(value, *, field: str, minimum=None, maximum=None, required: bool = True):
    """core.money.parse_money, with an amount too large for Decimal's context ("1e30") refused
    as too large rather than failing inside the parser (reported to the kernel's owner)."""
    from decimal import Decimal

    from parkos.core.errors import ValidationFailed
    from parkos.core.money import parse_money

    try:
        return parse_money(
            value,
            field=field,
            minimum=Decimal("0") if minimum is None else minimum,
            maximum=maximum,
            required=required,
        )
    except ArithmeticError as overflow:
        raise ValidationFailed.for_field(
            field,
            _("The amount must be at most %(maximum)s.") % {"maximum": f"{maximum:,}"},
            code="amount_too_large",
        ) from overflow
