from django import template

from parkos.approvals.notifications import unread_count

register = template.Library()


@register.simple_tag(takes_context=True)
def unread_notifications(context) -> int:
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return 0
    return unread_count(actor=user)


@register.simple_tag(takes_context=True)
def can_configure_processes(context) -> bool:
    from parkos.approvals.permissions import can_configure

    request = context.get("request")
    user = getattr(request, "user", None)
    return bool(user is not None and user.is_authenticated and can_configure(user))
