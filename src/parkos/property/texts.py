"""What property management writes for people, kept as codes and worded when shown
(core.texts): why a technician was chosen, and why the system left a ticket to a dispatcher.

A ticket is read by people of different languages (a tenant writing in Chinese, a dispatcher
reading in English), so a reason is stored as `{"code": ..., <values>}` and worded in the
reader's language by the catalogue below. Reasons stored as text by earlier versions are
shown as they are, except the "<category> skill" the first versions wrote, worded anew."""

import re
from datetime import datetime

from django.utils import timezone
from django.utils.translation import gettext as _

from parkos.core.texts import CodedTexts
from parkos.property.models import Category

CATALOGUE = CodedTexts("property")

SKILL = "skill"
ON_SHIFT = "on_shift"
OFF_SHIFT = "off_shift"
OUTSIDE_ZONES = "outside_zones"
OPEN_TICKETS = "open_tickets"
SAME_BUILDING = "same_building"
DISTANCE = "distance"
DISPATCHER = "dispatcher"
REOPENED = "reopened"
# Why a ticket waits for a dispatcher (TicketEvent.data["why"]).
UNCERTAIN_CATEGORY = "uncertain_category"
NO_SKILLED_TECHNICIAN = "no_skilled_technician"

# What the demo and the first versions wrote: "<category code> skill".
_LEGACY_SKILL = re.compile(r"^(?P<category>[a-z_]+) skill$")


# The stored forms. They carry no namespace: rows written before the catalogue existed have
# the same shape, and property's pages word them through CATALOGUE.


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


def reopened() -> dict:
    return {"code": REOPENED}


# The wordings.


def _category_label(code: str) -> str:
    return str(Category(code).label) if code in Category.values else code


def _shift_end(value: str) -> str:
    try:
        end = timezone.localtime(datetime.fromisoformat(value))
    except (TypeError, ValueError):
        return str(value)
    # A shift ending another day (an on-call rota) names the day too.
    return end.strftime("%H:%M" if end.date() == timezone.localdate() else "%m-%d %H:%M")


@CATALOGUE.register(SKILL)
def _skill(spec: dict) -> str:
    return _("%(skill)s skill") % {"skill": _category_label(spec.get("category", ""))}


@CATALOGUE.register(ON_SHIFT)
def _on_shift(spec: dict) -> str:
    return _("on shift until %(time)s") % {"time": _shift_end(spec.get("until"))}


@CATALOGUE.register(OFF_SHIFT)
def _off_shift(spec: dict) -> str:
    return _("not on shift now")


@CATALOGUE.register(OUTSIDE_ZONES)
def _outside_zones(spec: dict) -> str:
    return _("outside the zones covered")


@CATALOGUE.register(OPEN_TICKETS)
def _open_tickets(spec: dict) -> str:
    return _("%(count)d open tickets") % {"count": int(spec.get("count") or 0)}


@CATALOGUE.register(SAME_BUILDING)
def _same_building(spec: dict) -> str:
    return _("same building")


@CATALOGUE.register(DISTANCE)
def _distance(spec: dict) -> str:
    return _("%(metres)d m away") % {"metres": int(spec.get("metres") or 0)}


@CATALOGUE.register(DISPATCHER)
def _dispatcher(spec: dict) -> str:
    return _("chosen by the dispatcher")


@CATALOGUE.register(REOPENED)
def _reopened(spec: dict) -> str:
    return _("reopened: back to the technician who resolved it")


@CATALOGUE.register(UNCERTAIN_CATEGORY)
def _uncertain_category(spec: dict) -> str:
    return _("The category is uncertain.")


@CATALOGUE.register(NO_SKILLED_TECHNICIAN)
def _no_skilled_technician(spec: dict) -> str:
    return _("No technician has this skill.")


def reason_text(reason) -> str:
    """One reason in the active language."""
    if isinstance(reason, str):
        legacy = _LEGACY_SKILL.match(reason)
        if legacy and legacy["category"] in Category.values:
            return CATALOGUE.render(skill(legacy["category"]))
        return reason
    if not isinstance(reason, dict):
        return str(reason)
    return CATALOGUE.render(reason)


def reasons_text(reasons) -> list[str]:
    return [reason_text(r) for r in reasons or ()]


def system_note(why: str | None) -> str:
    """Why the system did something to a ticket, or "" when `why` is no code of ours."""
    return CATALOGUE.render({"code": why}) if why and CATALOGUE.knows(why) else ""
