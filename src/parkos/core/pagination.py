"""Paging of every API list: `{"items": [...], "count": N}` with `limit` and `offset`."""

from django.conf import settings
from django.db.models import Count, QuerySet, Window
from ninja import Field, Schema
from ninja.pagination import LimitOffsetPagination

# Far beyond any list ParkOS holds, and well inside what every database's OFFSET accepts.
MAX_OFFSET = 10_000_000
_TOTAL = "paging_total"


class Paging(LimitOffsetPagination):
    """Reads the page and the total in one query (`COUNT(*) OVER ()`), not two.

    The second query cost the database another pass over the filtered rows and Python another
    compile of the SQL: on the enterprise directory that was a third of the request. A page
    past the end holds no row to carry the total, so only then is it counted apart. DISTINCT
    and UNION lists are counted apart too, as a window is computed before DISTINCT applies.
    """

    class Input(Schema):
        limit: int = Field(
            settings.NINJA_PAGINATION_PER_PAGE, ge=1, le=settings.NINJA_PAGINATION_MAX_LIMIT
        )
        offset: int = Field(0, ge=0, le=MAX_OFFSET)

    def paginate_queryset(self, queryset, pagination, request, **params):
        if not _counts_in_window(queryset):
            return super().paginate_queryset(queryset, pagination, request, **params)
        offset = pagination.offset
        limit = min(pagination.limit, self.max_limit)
        rows = list(queryset.annotate(**{_TOTAL: Window(Count("*"))})[offset : offset + limit])
        if rows:
            first = rows[0]
            count = first[_TOTAL] if isinstance(first, dict) else getattr(first, _TOTAL)
        else:
            count = queryset.count() if offset else 0
        return {self.items_attribute: rows, "count": count}


def _counts_in_window(queryset) -> bool:
    if not isinstance(queryset, QuerySet):
        return False
    query = queryset.query
    return not (query.distinct or query.combinator or query.is_sliced)
