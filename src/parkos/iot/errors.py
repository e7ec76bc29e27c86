"""The error codes of the operations center, as its API returns them (Saleor's
error_codes.py): a client tests `code`, never the message, which is in the reader's language."""

from enum import StrEnum


class IotError(StrEnum):
    # An input breaking a rule; the fields say which (core.errors.ValidationFailed's default).
    INVALID = "validation_error"
    # An alarm asked to do what its state refuses, e.g. acknowledging a cleared one.
    ILLEGAL_TRANSITION = "illegal_transition"
    # The device API (device_views.py): why a device's message was turned away.
    UNKNOWN_TOKEN = "unknown_token"
    TOO_LARGE = "too_large"
    MALFORMED = "malformed"
