from django import template

from parkos.property import permissions

register = template.Library()


@register.simple_tag
def plans_inspections(user) -> bool:
    """Whether the inspections tab leads anywhere for `user`."""
    return permissions.inspection_planner_filter(user) is not None
