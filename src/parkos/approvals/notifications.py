"""In-app notifications (the bell) and their e-mail copy, both sent only once the change
they announce is committed."""

import logging

from django.conf import settings
from django.core.cache import cache
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone, translation

from parkos.approvals.models import Notification

logger = logging.getLogger(__name__)


def notify(*, user, title, url: str, body="") -> None:
    """Schedule a notification to `user`. `title` and `body` may be lazy translations: they
    are rendered in the recipient's language."""

    def deliver():
        with translation.override(getattr(user, "language", None) or settings.LANGUAGE_CODE):
            title_text, body_text = str(title), str(body)
        Notification.objects.create(user=user, title=title_text[:200], body=body_text, url=url)
        cache.delete(_unread_key(user.pk))
        if user.email:
            try:
                send_mail(
                    subject=title_text,
                    message=f"{body_text}\n\n{url}".strip(),
                    from_email=settings.DEFAULT_FROM_EMAIL,
                    recipient_list=[user.email],
                )
            except Exception:
                # The in-app notification is kept; a mail server being down must not lose it.
                logger.exception("could not e-mail notification to %s", user.pk)

    transaction.on_commit(deliver)


def notification_list(*, actor) -> QuerySet[Notification]:
    return Notification.objects.visible_to(actor)


def _unread_key(user_id) -> str:
    return f"approvals:unread:{user_id}"


def unread_count(*, actor) -> int:
    """The number on the bell, shown on every page. With a shared cache it is kept there and
    dropped whenever a notification is delivered to the user or marked read."""
    lifetime = settings.NOTIFICATION_COUNT_CACHE_SECONDS
    if not lifetime or not getattr(actor, "is_authenticated", False):
        return notification_list(actor=actor).filter(read_at__isnull=True).count()
    return cache.get_or_set(
        _unread_key(actor.pk),
        lambda: notification_list(actor=actor).filter(read_at__isnull=True).count(),
        lifetime,
    )


def notifications_mark_read(*, actor, notification_ids=None) -> int:
    """Mark some (or all) of the actor's notifications read; returns how many changed."""
    unread = notification_list(actor=actor).filter(read_at__isnull=True)
    if notification_ids is not None:
        unread = unread.filter(pk__in=list(notification_ids))
    changed = unread.update(read_at=timezone.now())
    cache.delete(_unread_key(actor.pk))
    return changed
