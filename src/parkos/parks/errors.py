"""Error codes of the park network (the `code` of its API errors). Imports answer with the
kernel's codes (core.imports.ImportErrorCode)."""

from enum import StrEnum


class ParksError(StrEnum):
    LEASE_OVERLAP = "lease_overlap"
