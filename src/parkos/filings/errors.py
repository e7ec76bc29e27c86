"""The refusal codes of the re-opening ledger, as the API's `code` carries them."""

from enum import StrEnum


class FilingsError(StrEnum):
    # A round move its life cycle does not allow, such as closing a closed round
    # (core.workflow's code; it replaces the former `round_not_open`).
    ILLEGAL_TRANSITION = "illegal_transition"
    # Filing into a round that no longer takes filings.
    ROUND_CLOSED = "round_closed"
