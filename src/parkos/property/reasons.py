"""Why a technician was chosen, kept as codes with their values and worded when shown.

A ticket is read by people of different languages (a tenant writing in Chinese, a dispatcher
reading in English), so the reasons are stored as `{"code": ..., <values>}` and translated in
the reader's language. Reasons stored as text by earlier versions are shown as they are."""

import re
from datetime import datetime

from django.utils import timezone
from django.utils.translation import gettext as _

from parkos.property.models import Category

SKILL = "skill"
ON_SHIFT = "on_shift"
OFF_SHIFT = "off_shift"
OUTSIDE_ZONES = "outside_zones"
OPEN_TICKETS = "open_tickets"
SAME_BUILDING = "same_building"
DISTANCE = "distance"
DISPATCHER = "dispatcher"

# What the demo and the first versions wrote: "<category code> skill".
_LEGACY_SKILL = re.compile(r"^(?P<category>[a-z_]+) skill$")


def skill(category: str) -> dict:
    return {"code": SKILL, "category": category}


def on_shift(until: datetime) -> dict:
    return {"code": ON_SHIFT, "until": until.isoformat()}


def off_shift() -> dict:
    return {"code": OFF_SHIFT}


def outside_zones() -> dict:
    return {"code": OUTSIDE_ZONES}


def open_tickets(count: int) -> dict:
    return {"code": OPEN_TICKETS, "count": int(count)}


def same_building() -> dict:
    return {"code": SAME_BUILDING}


def distance(metres: float) -> dict:
    return {"code": DISTANCE, "metres": round(metres)}


def dispatcher() -> dict:
    return {"code": DISPATCHER}


def _category_label(code: str) -> str:
    return str(Category(code).label) if code in Category.values else code


def _shift_end(value: str) -> str:
    try:
        end = timezone.localtime(datetime.fromisoformat(value))
    except (TypeError, ValueError):
        return str(value)
    # A shift ending another day (an on-call rota) names the day too.
    return end.strftime("%H:%M" if end.date() == timezone.localdate() else "%m-%d %H:%M")


def reason_text(reason) -> str:
    """One reason in the active language."""
    if isinstance(reason, str):
        legacy = _LEGACY_SKILL.match(reason)
        if legacy and legacy["category"] in Category.values:
            return reason_text(skill(legacy["category"]))
        return reason
    if not isinstance(reason, dict):
        return str(reason)
    code = reason.get("code")
    if code == SKILL:
        return _("%(skill)s skill") % {"skill": _category_label(reason.get("category", ""))}
    if code == ON_SHIFT:
        return _("on shift until %(time)s") % {"time": _shift_end(reason.get("until"))}
    if code == OFF_SHIFT:
        return _("not on shift now")
    if code == OUTSIDE_ZONES:
        return _("outside the zones covered")
    if code == OPEN_TICKETS:
        return _("%(count)d open tickets") % {"count": int(reason.get("count") or 0)}
    if code == SAME_BUILDING:
        return _("same building")
    if code == DISTANCE:
        return _("%(metres)d m away") % {"metres": int(reason.get("metres") or 0)}
    if code == DISPATCHER:
        return _("chosen by the dispatcher")
    return str(code or "")


def reasons_text(reasons) -> list[str]:
    return [reason_text(r) for r in reasons or ()]
