"""Error codes of accounts (the `code` of its API errors)."""

from enum import StrEnum


class AccountsError(StrEnum):
    USERNAME_TAKEN = "taken"
    INVALID_CREDENTIALS = "invalid_credentials"
    THROTTLED = "throttled"
