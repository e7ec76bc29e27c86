from collections.abc import Collection
from uuid import UUID

from django.db.models import QuerySet

from parkos.core.models import AuditEntry


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
