from functools import cache

from django.urls import NoReverseMatch, reverse
from django.utils.functional import SimpleLazyObject
from django.utils.module_loading import import_string
from django.utils.translation import gettext_lazy as _

# Each entry names the permission function its page checks, so a link is shown exactly to
# those the page lets in. The checks are named, not imported: the shared kernel sits below
# the domain apps and imports none of them.
MENU = (
    ("parks:home", _("Parks"), None),
    ("parks:enterprise_list", _("Enterprises"), None),
    ("approvals:inbox", _("Approvals"), None),
    ("relief:home", _("Rent relief"), None),
    ("filings:rounds", _("Re-opening ledger"), None),
    ("marketplace:home", _("Cloud services"), None),
    ("property:home", _("Property"), None),
    ("iot:dashboard", _("Operations center"), "parkos.iot.permissions.can_open_dashboard"),
    ("crowd:home", _("Crowd flow"), "parkos.crowd.permissions.can_view"),
    ("techtransfer:home", _("Technology transfer"), None),
    ("talent:home", _("Talent"), None),
    ("parks:audit_log", _("Audit log"), "parkos.parks.permissions.can_read_audit"),
)


@cache
def _menu_items() -> tuple[dict, ...]:
    # The URLs never change while the process runs; the labels stay lazy, so each request
    # still reads them in its own language.
    items = []
    for url_name, label, check in MENU:
        try:
            url = reverse(url_name)
        except NoReverseMatch:
            continue
        items.append(
            {
                "url": url,
                "label": label,
                "name": url_name,
                "allowed": import_string(check) if check else None,
            }
        )
    return tuple(items)


def menu_for(user) -> list[dict]:
    """The menu entries `user` may open."""
    return [item for item in _menu_items() if item["allowed"] is None or item["allowed"](user)]


def navigation(request):
    """The main menu: the pages the user may open. Apps not yet shipped are simply absent."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_items": ()}
    # Lazy: partial pages (HTMX fragments) render without the menu and skip its checks.
    return {"nav_items": SimpleLazyObject(lambda: menu_for(user))}
