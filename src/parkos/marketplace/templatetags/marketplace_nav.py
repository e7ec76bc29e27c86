from django import template

from parkos.marketplace import permissions

register = template.Library()


@register.simple_tag
def marketplace_tabs(user) -> dict[str, bool]:
    """Which of the marketplace's role-bound tabs lead anywhere for `user`."""
    return {
        "dashboard": permissions.can_open_dashboard(user),
        "review": permissions.can_review_listings(user),
        "apply": permissions.can_apply_as_provider(user),
    }
