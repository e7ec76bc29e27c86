from collections.abc import Collection
from typing import TypeVar
from uuid import UUID

from django.core.exceptions import ValidationError
from django.db.models import Model, QuerySet
from django.utils.translation import gettext as _

from parkos.core.errors import NotFound
from parkos.core.models import AuditEntry

M = TypeVar("M", bound=Model)


def get_or_404(queryset: QuerySet[M], message: str | None = None, **lookup) -> M:
    """The one row of a scoped queryset matching `lookup`, or `NotFound`: absent, not visible
    and malformed (a key that is not a UUID, a number beyond 64 bits) are never told apart."""
    try:
        found = queryset.filter(**lookup).first()
    except (ValidationError, ValueError, TypeError, OverflowError):
        found = None
    if found is None:
        raise NotFound(message or _("Not found."))
    return found


def audit_entries(
    *, park_ids: Collection[UUID] | None, object_type: str = ""
) -> QuerySet[AuditEntry]:
    """Entries of the given parks (None: the whole network, network-wide entries included).
    Core knows no roles: the caller decides the scope."""
    entries = AuditEntry.objects.select_related("actor")
    if park_ids is not None:
        entries = entries.filter(park_id__in=park_ids)
    if object_type:
        entries = entries.filter(object_type=object_type)
    return entries
