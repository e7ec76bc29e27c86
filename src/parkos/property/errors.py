"""The error codes of property management, as the API returns them in `code` (Saleor's
error_codes.py). A refused step of a life cycle is core.workflow's `illegal_transition`."""

from enum import StrEnum


class PropertyError(StrEnum):
    NOT_ASSIGNEE = "not_assignee"
    ALREADY_RATED = "already_rated"
    UNKNOWN_SOURCE = "unknown_source"
    MONTH_CLOSED = "month_closed"
    SURVEY_CLOSED = "closed"
    ALREADY_ANSWERED = "already_answered"
