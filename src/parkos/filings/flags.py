"""What does not add up in a filing, found by comparing it with the enterprise's previous
filing and with its registered headcount.

Flags are stored as codes with their figures (`{"ns": "filings.flags", "code": ..., "params":
{...}}`; rows filed before the namespace was added lack "ns" and read the same) and worded only
when shown, through the `FLAGS` catalogue of core.texts (selectors.flag_reasons), so that
each reader sees them in their own language. Returned staff above total staff is not a flag:
it cannot be true, so the filing is refused (see services.submission_file).
"""

from dataclasses import dataclass
from datetime import date

from django.utils.translation import gettext as _

from parkos.core.texts import CodedTexts

FLAGS = CodedTexts("filings.flags")

TOTAL_CHANGE = "total_change"
RETURNED_CHANGE = "returned_change"
HEADCOUNT_GAP = "headcount_gap"
LOW_SUPPLIES = "low_supplies"
NO_DECLARATION = "no_declaration"
LATE = "late"
MISSING = "missing"


@dataclass(frozen=True)
class Previous:
    round_title: str
    total_staff: int
    returned_staff: int


# A micro enterprise going from 2 to 3 people is a 50% change and no news: changes of fewer
# people than this are never flagged, whatever their share.
MIN_CHANGE = 3


def _beyond(previous: int, current: int, threshold: int) -> bool:
    """Whether `current` differs from `previous` by more than `threshold` percent of it
    (and by at least MIN_CHANGE people); any such change from zero counts."""
    if abs(current - previous) < MIN_CHANGE:
        return False
    if previous == 0:
        return True
    return abs(current - previous) * 100 > threshold * previous


def _share(previous: int, current: int) -> int | None:
    return None if previous == 0 else round(abs(current - previous) * 100 / previous)


def compare(
    *,
    values: dict,
    headcount: int,
    previous: Previous | None,
    threshold: int,
    min_supplies_days: int,
    filed_on: date,
    due_on: date,
) -> list[dict]:
    flags = []
    if previous is not None:
        for code, field, before in (
            (TOTAL_CHANGE, "total_staff", previous.total_staff),
            (RETURNED_CHANGE, "returned_staff", previous.returned_staff),
        ):
            if _beyond(before, values[field], threshold):
                flags.append(
                    FLAGS.make(
                        code,
                        params={
                            "previous": before,
                            "current": values[field],
                            "share": _share(before, values[field]),
                            "threshold": threshold,
                            "round": previous.round_title,
                        },
                    )
                )
    if headcount and _beyond(headcount, values["total_staff"], threshold):
        flags.append(
            FLAGS.make(
                HEADCOUNT_GAP,
                params={
                    "headcount": headcount,
                    "current": values["total_staff"],
                    "share": _share(headcount, values["total_staff"]),
                    "threshold": threshold,
                },
            )
        )
    if values["supplies_days"] < min_supplies_days:
        flags.append(
            FLAGS.make(
                LOW_SUPPLIES,
                params={"days": values["supplies_days"], "minimum": min_supplies_days},
            )
        )
    if not values["compliance_declared"]:
        flags.append(FLAGS.make(NO_DECLARATION, params={}))
    if filed_on > due_on:
        flags.append(FLAGS.make(LATE, params={"due_on": due_on.isoformat()}))
    return flags


def missing_flag(unit_labels: list[str]) -> dict:
    return FLAGS.make(MISSING, params={"units": ", ".join(unit_labels)})


def _params(flag: dict) -> dict:
    return dict(flag.get("params") or {})


@FLAGS.register(TOTAL_CHANGE)
@FLAGS.register(RETURNED_CHANGE)
def _change(flag: dict) -> str:
    params = _params(flag)
    params["what"] = _("Total staff") if flag["code"] == TOTAL_CHANGE else _("Staff returned")
    if params.get("share") is None:
        return (
            _(
                "%(what)s went from %(previous)s to %(current)s since “%(round)s”, "
                "a change from zero."
            )
            % params
        )
    return (
        _(
            "%(what)s went from %(previous)s to %(current)s since “%(round)s”: a change of "
            "%(share)s%%, more than the %(threshold)s%% allowed."
        )
        % params
    )


@FLAGS.register(HEADCOUNT_GAP)
def _headcount_gap(flag: dict) -> str:
    return _(
        "Total staff %(current)s is %(share)s%% away from the registered headcount of "
        "%(headcount)s, more than the %(threshold)s%% allowed."
    ) % _params(flag)


@FLAGS.register(LOW_SUPPLIES)
def _low_supplies(flag: dict) -> str:
    return _(
        "Protective supplies last %(days)s days, fewer than the %(minimum)s required."
    ) % _params(flag)


@FLAGS.register(NO_DECLARATION)
def _no_declaration(flag: dict) -> str:
    return _("The declaration of compliance was not given.")


@FLAGS.register(LATE)
def _late(flag: dict) -> str:
    return _("Filed after the due date (%(due_on)s).") % _params(flag)


@FLAGS.register(MISSING)
def _missing(flag: dict) -> str:
    return _("No filing although a lease is active (unit %(units)s).") % _params(flag)
