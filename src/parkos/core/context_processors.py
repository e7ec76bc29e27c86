from django.urls import reverse
from django.utils.translation import gettext_lazy as _


def navigation(request):
    """The main menu. Apps not yet shipped are simply absent from it."""
    from django.urls import NoReverseMatch

    items = []
    for url_name, label in (
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
    ):
        try:
            items.append({"url": reverse(url_name), "label": label, "name": url_name})
        except NoReverseMatch:
            continue
    return {"nav_items": items}
