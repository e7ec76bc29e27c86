"""The refusal codes of the approvals engine, as the API's `code` carries them."""

from enum import StrEnum


class ApprovalsError(StrEnum):
    # A move the case's life cycle does not allow from its state (core.workflow's code).
    ILLEGAL_TRANSITION = "illegal_transition"
    # The case changed since the actor looked at it: two reviewers acting at once.
    STALE = "stale"
    ALREADY_OPEN = "already_open"
    ALREADY_SIGNED = "already_signed"
    BATCH_NOT_ALLOWED = "batch_not_allowed"
    WRONG_PROCESS = "wrong_process"
    UNKNOWN_SUBJECT = "unknown_subject"
    STEP_IN_USE = "step_in_use"
    TEXT_TOO_LONG = "text_too_long"
    FILE_TOO_LARGE = "file_too_large"
    FILE_EMPTY = "file_empty"
    FILE_TYPE = "file_type"
    FILE_CONTENT = "file_content"
