"""The life cycles of the supermarket, declared once on the kernel (core.workflow): orders
(enquiry → quote → order → delivery → acceptance, complaints, cancellation, refunds and the
end of a subscription), complaints, products, providers, voucher applications and
reimbursement claims. Services fire these transitions; pages and the API ask them which
actions an actor may take now. A refused step is `illegal_transition`, whatever the object.

The order page also offers steps that add a row beside the order without moving it (a
review, a reimbursement claim, a renewal, a complaint after acceptance); `order_actions`
states when each is open, next to the transitions, so no template decides it again."""

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from parkos.core.errors import ServiceError
from parkos.core.workflow import Action, IllegalTransition, Transition, Workflow
from parkos.marketplace import events, permissions
from parkos.marketplace.models import (
    ApplicationStatus,
    ClaimStatus,
    ComplaintStatus,
    OrderAction,
    OrderStatus,
    ProductStatus,
    ProviderStatus,
)

S = OrderStatus


def _buyer(actor, order) -> bool:
    return permissions.is_enterprise_member(actor, order.enterprise_id)


def _seller(actor, order) -> bool:
    return permissions.is_provider_staff(actor, order.provider_id)


def _party(actor, order) -> bool:
    return _buyer(actor, order) or _seller(actor, order)


def _operator(actor, _obj) -> bool:
    return permissions.is_operator(actor)


def _staff_reader(actor, _obj) -> bool:
    return permissions.is_staff_reader(actor)


def _subscription_running(order) -> None:
    """A subscription can be cancelled while it runs, once."""
    from parkos.core.errors import Conflict
    from parkos.marketplace.errors import MarketplaceError

    if not order.plan.is_subscription:
        raise Conflict(
            _("Only a subscription can be cancelled this way; this order is one-off."),
            code=MarketplaceError.NOT_A_SUBSCRIPTION,
        )
    if order.subscription_cancelled_at is not None:
        raise Conflict(
            _("This subscription has been cancelled already."),
            code=MarketplaceError.ALREADY_CANCELLED,
        )
    if order.period_end is None or order.period_end < timezone.localdate():
        raise Conflict(
            _("This subscription's period has ended; there is nothing to cancel."),
            code=MarketplaceError.PERIOD_ENDED,
        )


ORDER = Workflow(
    name="order",
    event=events.order_event_record,
    transitions=[
        Transition(
            "enquire", ("",), S.ENQUIRY, OrderAction.ENQUIRE.label, _buyer, stamp="enquired_at"
        ),
        Transition(
            "quote",
            (S.ENQUIRY, S.QUOTED),
            S.QUOTED,
            pgettext_lazy("order action", "Send quote"),
            _seller,
            stamp="quoted_at",
        ),
        Transition(
            "decline",
            (S.ENQUIRY, S.QUOTED),
            S.DECLINED,
            pgettext_lazy("order action", "Decline"),
            _seller,
            stamp="closed_at",
        ),
        Transition(
            "place",
            ("", S.QUOTED),
            S.ORDERED,
            pgettext_lazy("order action", "Confirm order"),
            _buyer,
            stamp="ordered_at",
        ),
        Transition(
            "deliver",
            (S.ORDERED,),
            S.DELIVERED,
            pgettext_lazy("order action", "Mark as delivered"),
            _seller,
            stamp="delivered_at",
        ),
        Transition(
            "accept",
            (S.DELIVERED,),
            S.ACCEPTED,
            pgettext_lazy("order action", "Accept the delivery"),
            _buyer,
            stamp="accepted_at",
        ),
        Transition(
            "complain",
            (S.DELIVERED,),
            S.COMPLAINED,
            pgettext_lazy("order action", "File complaint"),
            _buyer,
            stamp="complained_at",
        ),
        Transition(
            "uphold",
            (S.COMPLAINED,),
            S.CANCELLED,
            pgettext_lazy("order action", "Uphold"),
            _operator,
            stamp="closed_at",
        ),
        Transition(
            "dismiss",
            (S.COMPLAINED,),
            S.DELIVERED,
            pgettext_lazy("order action", "Dismiss"),
            _operator,
        ),
        Transition(
            "cancel",
            (S.ENQUIRY, S.QUOTED, S.ORDERED),
            S.CANCELLED,
            pgettext_lazy("order action", "Cancel"),
            _party,
            stamp="closed_at",
        ),
        # After acceptance (services/subscriptions.py and services/refunds.py): a subscription
        # cancelled at the end of its period runs on, one cancelled at once closes; a refund
        # of everything left closes the order, a partial one leaves it accepted.
        Transition(
            "cancel_at_end",
            (S.ACCEPTED,),
            S.ACCEPTED,
            pgettext_lazy("order action", "Cancel subscription"),
            lambda actor, order: permissions.can_cancel_subscription(
                actor, order, immediately=False
            ),
            guard=_subscription_running,
        ),
        Transition(
            "cancel_now",
            (S.ACCEPTED,),
            S.CANCELLED,
            pgettext_lazy("order action", "Cancel subscription at once"),
            _operator,
            stamp="closed_at",
            guard=_subscription_running,
        ),
        Transition(
            "refund", (S.ACCEPTED,), S.REFUNDED, OrderAction.REFUND.label, _operator, "closed_at"
        ),
        Transition(
            "refund_part", (S.ACCEPTED,), S.ACCEPTED, OrderAction.REFUND_PART.label, _operator
        ),
    ],
)

C = ComplaintStatus
COMPLAINT = Workflow(
    name="complaint",
    transitions=[
        Transition(
            "uphold", (C.OPEN,), C.UPHELD, pgettext_lazy("order action", "Uphold"), _operator
        ),
        Transition(
            "dismiss", (C.OPEN,), C.DISMISSED, pgettext_lazy("order action", "Dismiss"), _operator
        ),
    ],
)

P = ProductStatus
PRODUCT = Workflow(
    name="product",
    transitions=[
        Transition(
            "submit",
            (P.DRAFT, P.REJECTED, P.WITHDRAWN),
            P.PENDING,
            _("Submit for review"),
            lambda actor, product: permissions.is_provider_staff(actor, product.provider_id),
            stamp="submitted_at",
        ),
        # A change to a live product goes back to the operator before it is shown.
        Transition(
            "resubmit",
            (P.LIVE,),
            P.PENDING,
            _("Submit the changes for review"),
            lambda actor, product: permissions.is_provider_staff(actor, product.provider_id),
            stamp="submitted_at",
        ),
        Transition("approve", (P.PENDING,), P.LIVE, _("Approve"), _operator),
        Transition("reject", (P.PENDING,), P.REJECTED, _("Reject"), _operator),
        Transition(
            "withdraw",
            (P.DRAFT, P.PENDING, P.LIVE, P.REJECTED, P.WITHDRAWN),
            P.WITHDRAWN,
            _("Withdraw"),
            lambda actor, product: (
                permissions.is_provider_staff(actor, product.provider_id)
                or permissions.is_operator(actor)
            ),
        ),
    ],
)

V = ProviderStatus
PROVIDER = Workflow(
    name="provider",
    transitions=[
        Transition("verify", (V.APPLIED,), V.VERIFIED, _("Verify"), _operator, "verified_at"),
        Transition("reject", (V.APPLIED,), V.REJECTED, _("Reject"), _operator),
    ],
)

A = ApplicationStatus
APPLICATION = Workflow(
    name="voucher_application",
    transitions=[
        Transition(
            "approve", (A.SUBMITTED,), A.APPROVED, _("Approve"), _staff_reader, "decided_at"
        ),
        Transition("reject", (A.SUBMITTED,), A.REJECTED, _("Reject"), _staff_reader, "decided_at"),
    ],
)

K = ClaimStatus
CLAIM = Workflow(
    name="voucher_claim",
    transitions=[
        Transition("approve", (K.SUBMITTED,), K.APPROVED, _("Approve"), _operator, "decided_at"),
        Transition("reject", (K.SUBMITTED,), K.REJECTED, _("Reject"), _operator, "decided_at"),
        # A refund that leaves nothing of the voucher part to reimburse (services/refunds.py).
        Transition("withdraw", (K.SUBMITTED,), K.WITHDRAWN, _("Withdraw"), None, "decided_at"),
    ],
)


def refuse(workflow: Workflow, obj, *, action: str, label) -> IllegalTransition:
    """The refusal of a step that adds to an object without moving it (a renewal, an edit),
    worded and coded as the kernel words a refused transition."""
    return IllegalTransition(
        state_label=workflow.state_label(obj),
        action_label=label,
        state=workflow.state_of(obj),
        action=action,
    )


def _ready(workflow: Workflow, obj, action: str) -> bool:
    guard = workflow.transition(action).guard
    if guard is None:
        return True
    try:
        guard(obj)
    except ServiceError:
        return False
    return True


def transitions_for(workflow: Workflow, obj, actor) -> list[Action]:
    """The transitions the actor may fire now, their guards passing."""
    return [a for a in workflow.actions_for(obj, actor) if _ready(workflow, obj, a.code)]


RENEW = pgettext_lazy("order action", "Renew")
REVIEW = pgettext_lazy("order action", "Submit review")
CLAIM_VOUCHER = pgettext_lazy("order action", "Claim the voucher part")
COMPLAIN = pgettext_lazy("order action", "File complaint")
RESOLVE = pgettext_lazy("order action", "Resolve the complaint")


def _renewable(order) -> bool:
    return (
        order.status == S.ACCEPTED
        and order.plan.is_subscription
        and order.subscription_cancelled_at is None
    )


def order_actions(order, actor, *, review=None, claim=None, open_complaints=()) -> list[Action]:
    """Everything the order page offers this actor now, in the order it shows them: the
    order's transitions (complaint decisions and refunds are taken in one step, `resolve`),
    then the steps beside the order. `review`, `claim` and `open_complaints` are the rows the
    page has read already."""
    shown = [
        a
        for a in transitions_for(ORDER, order, actor)
        if a.code not in ("uphold", "dismiss", "refund", "refund_part", "enquire")
    ]
    buyer = _buyer(actor, order)
    if buyer and order.status == S.ACCEPTED:
        if not any(a.code == "complain" for a in shown):
            shown.append(Action("complain", COMPLAIN))
        if review is None:
            shown.append(Action("review", REVIEW))
        if _renewable(order):
            shown.append(Action("renew", RENEW))
    if (
        _seller(actor, order)
        and order.status == S.ACCEPTED
        and order.voucher_amount
        and claim is None
    ):
        shown.append(Action("claim", CLAIM_VOUCHER))
    if open_complaints and permissions.is_operator(actor):
        shown.append(Action("resolve", RESOLVE))
    return shown


__all__ = [
    "APPLICATION",
    "CLAIM",
    "COMPLAINT",
    "ORDER",
    "PRODUCT",
    "PROVIDER",
    "order_actions",
    "refuse",
    "transitions_for",
]
