from enum import StrEnum


class TechTransferError(StrEnum):
    UNKNOWN_FIELD = "unknown_field"
    INVALID_TRL = "invalid_trl"
    INVALID_PATENT_NUMBER = "invalid_patent_number"
    PATENT_TYPE_MISMATCH = "patent_type_mismatch"
    INVALID_IPC = "invalid_ipc"
    UNKNOWN_MODE = "unknown_mode"
    EMPTY_TEXT = "empty_text"
    DEADLINE_PAST = "deadline_past"
    AMOUNT_TOO_LARGE = "amount_too_large"
    INVALID_AMOUNT = "invalid_amount"
    UNKNOWN_REASON = "unknown_reason"
    NOT_INVOLVED = "not_involved"
    ALREADY_ANSWERED = "already_answered"
    CALL_CLOSED = "call_closed"
    NO_BROKER = "no_broker"
    INVALID_CONTRACT = "invalid_contract"
