"""A programme's terms and its eligibility as whole sentences, one translatable string per
shape, so each language keeps its own word order and punctuation (Chinese puts "每家企业"
before the amount and ends with "。")."""

from decimal import Decimal

from django import template
from django.utils.translation import gettext, ngettext, pgettext

from parkos.core.templatetags.humanize_cny import cny

register = template.Library()


def _number(value: Decimal) -> str:
    """2, 1.5 or 0.25: no trailing zeros."""
    text = f"{Decimal(value):f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def _plural_count(value: Decimal) -> int:
    # The plural rules take a whole number; a fraction of a month reads as plural in English
    # ("1.5 months", "0.5 months").
    value = Decimal(value)
    return int(value) if value == value.to_integral_value() else 2


@register.simple_tag
def programme_terms(programme) -> str:
    cap = programme.cap_per_enterprise
    if programme.kind == "months":
        months = {"months": _number(programme.months)}
        count = _plural_count(programme.months)
        if cap is None:
            return (
                ngettext(
                    "%(months)s month of rent waived.", "%(months)s months of rent waived.", count
                )
                % months
            )
        return ngettext(
            "%(months)s month of rent waived, up to %(cap)s per enterprise.",
            "%(months)s months of rent waived, up to %(cap)s per enterprise.",
            count,
        ) % {**months, "cap": cny(cap)}
    percent = {"percent": _number(programme.percent)}
    if cap is None:
        return gettext("%(percent)s%% of the rent waived.") % percent
    return gettext("%(percent)s%% of the rent waived, up to %(cap)s per enterprise.") % {
        **percent,
        "cap": cny(cap),
    }


@register.simple_tag
def programme_eligibility(programme) -> str:
    conditions = [gettext("Enterprises with a lease running during the period")]
    if programme.max_headcount is not None:
        conditions.append(
            ngettext(
                "at most %(limit)s employee",
                "at most %(limit)s employees",
                programme.max_headcount,
            )
            % {"limit": programme.max_headcount}
        )
    if programme.max_revenue is not None:
        conditions.append(
            gettext("annual revenue at most %(amount)s") % {"amount": cny(programme.max_revenue)}
        )
    if programme.require_no_arrears:
        conditions.append(gettext("no rent arrears"))
    return pgettext("list of conditions", "; ").join(conditions) + pgettext("end of sentence", ".")
