"""Paging of every API list: `{"items": [...], "count": N}` with `limit` and `offset`."""

from django.conf import settings
from ninja import Field, Schema
from ninja.pagination import LimitOffsetPagination

# Far beyond any list ParkOS holds, and well inside what every database's OFFSET accepts.
MAX_OFFSET = 10_000_000


class Paging(LimitOffsetPagination):
    class Input(Schema):
        limit: int = Field(
            settings.NINJA_PAGINATION_PER_PAGE, ge=1, le=settings.NINJA_PAGINATION_MAX_LIMIT
        )
        offset: int = Field(0, ge=0, le=MAX_OFFSET)
