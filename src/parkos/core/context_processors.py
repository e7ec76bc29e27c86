from functools import cache

from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _

MENU = (
    ("parks:home", _("Parks")),
    ("parks:enterprise_list", _("Enterprises")),
    ("approvals:inbox", _("Approvals")),
    ("relief:home", _("Rent relief")),
    ("filings:rounds", _("Re-opening ledger")),
    ("marketplace:home", _("Cloud services")),
    ("property:home", _("Property")),
    ("iot:dashboard", _("Operations center")),
    ("crowd:home", _("Crowd flow")),
    ("parks:audit_log", _("Audit log")),
)


@cache
def _menu_items() -> tuple[dict, ...]:
    # The URLs never change while the process runs; the labels stay lazy, so each request
    # still reads them in its own language.
    items = []
    for url_name, label in MENU:
        try:
            items.append({"url": reverse(url_name), "label": label, "name": url_name})
        except NoReverseMatch:
            continue
    return tuple(items)


def navigation(request):
    """The main menu. Apps not yet shipped are simply absent from it."""
    return {"nav_items": _menu_items()}
