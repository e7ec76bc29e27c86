"""The refusal codes of rent relief, as the API's `code` carries them."""

from enum import StrEnum


class ReliefError(StrEnum):
    # A programme move its life cycle does not allow (core.workflow's code).
    ILLEGAL_TRANSITION = "illegal_transition"
    FOREIGN_LEASE = "foreign_lease"
    ALREADY_APPLIED = "already_applied"
    NOT_ELIGIBLE = "not_eligible"
