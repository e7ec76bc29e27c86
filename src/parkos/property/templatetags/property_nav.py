from django import template

from parkos.accounts.selectors import user_enterprise_ids
from parkos.property import permissions

register = template.Library()


@register.simple_tag
def plans_inspections(user) -> bool:
    """Whether the inspections tab leads anywhere for `user`."""
    return permissions.inspection_planner_filter(user) is not None


@register.simple_tag
def reads_scores(user) -> bool:
    """Whether the monthly ranking tab leads anywhere for `user` (the same rule as the page)."""
    return (
        getattr(user, "is_authenticated", False)
        and permissions.score_company_filter(user) is not None
    )


@register.simple_tag
def keeps_profile(user) -> bool:
    """Whether `user` has a tenant profile to keep: only a tenant enterprise's people do."""
    return getattr(user, "is_authenticated", False) and bool(user_enterprise_ids(user))
