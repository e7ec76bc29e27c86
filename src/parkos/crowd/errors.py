"""The error codes of crowd flow, as its API returns them (Saleor's error_codes.py): a client
tests `code`, never the message, which is in the reader's language."""

from enum import StrEnum


class CrowdError(StrEnum):
    # An input breaking a rule; the fields say which (core.errors.ValidationFailed's default).
    INVALID = "validation_error"
    # An area or counter name the park already uses.
    NAME_TAKEN = "conflict"
