"""Error codes of the supermarket, so clients can tell refusals apart. A step its object's
state does not allow is refused by the workflow kernel with `illegal_transition`
(see workflows.py), never with a code of this app."""

from enum import StrEnum


class MarketplaceError(StrEnum):
    PRICE_NOT_POSITIVE = "price_not_positive"
    PROVIDER_NOT_VERIFIED = "provider_not_verified"
    PRODUCT_NOT_LIVE = "product_not_live"
    PRODUCT_HAS_NO_PLAN = "product_has_no_plan"
    VOUCHER_NOT_ELIGIBLE = "voucher_not_eligible"
    VOUCHER_OVER_RATIO = "voucher_over_ratio"
    VOUCHER_OVER_BALANCE = "voucher_over_balance"
    VOUCHER_EXPIRED = "voucher_expired"
    VOUCHER_NO_GRANT = "voucher_no_grant"
    BUDGET_EXCEEDED = "budget_exceeded"
    CAP_EXCEEDED = "cap_exceeded"
    ALREADY_REVIEWED = "already_reviewed"
    NOT_ACCEPTED = "not_accepted"
    ALREADY_CLAIMED = "already_claimed"
    QUERY_TOO_LONG = "query_too_long"
    NOT_A_SUBSCRIPTION = "not_a_subscription"
    ALREADY_CANCELLED = "already_cancelled"
    PERIOD_ENDED = "period_ended"
    RENEWAL_UNDER_WAY = "renewal_under_way"
    REFUND_TOO_LARGE = "refund_too_large"
    NOTHING_TO_SETTLE = "nothing_to_settle"
    QUOTE_EXPIRED = "quote_expired"
    CREDIT_CODE_TAKEN = "taken"
    ALREADY_RENEWED = "already_renewed"
