"""Two years of orders in every state, written in bulk with their events, voucher ledger
movements, reviews, complaints and reimbursement claims."""

from dataclasses import dataclass, field
from datetime import datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from parkos.demo.marketplace.data import COMPLAINTS, REVIEW_TEXTS
from parkos.marketplace.models import (
    ClaimStatus,
    Complaint,
    ComplaintStatus,
    LedgerKind,
    Order,
    OrderEvent,
    OrderRefund,
    OrderStatus,
    RefundReason,
    Review,
    VoucherClaim,
    VoucherLedgerEntry,
)

TZ = ZoneInfo("Asia/Shanghai")
# Providers the demo makes chronically late, so that the score has someone to flag.
POOR_PROVIDERS: set[str] = set()


@dataclass
class Pending:
    orders: list = field(default_factory=list)
    events: list = field(default_factory=list)
    ledger: list = field(default_factory=list)
    reviews: list = field(default_factory=list)
    complaints: list = field(default_factory=list)
    refunds: list = field(default_factory=list)
    claims: list = field(default_factory=list)


def _at(day, rng, hour_from=9, hour_to=18):
    moment = time(rng.randint(hour_from, hour_to - 1), rng.randint(0, 59))
    return datetime.combine(day, moment, tzinfo=TZ)


STATE_WEIGHTS = [
    ("accepted", 62),
    ("cancelled", 7),
    ("declined", 5),
    ("enquiry", 4),
    ("quoted", 4),
    ("ordered", 6),
    ("delivered", 6),
    ("complained", 2),
    ("lost_enquiry", 4),
    # Accepted, then refunded on an upheld complaint; accepted, then not to be renewed.
    ("refunded", 2),
    ("unsubscribed", 3),
]


def _order(
    context,
    rng,
    pending,
    product,
    plan_by_product,
    enterprise,
    grant,
    state,
    start_day,
    programme,
    reviewer,
    operator,
):
    plans = plan_by_product[product.pk]
    plan = rng.choice(plans)
    quantity = rng.choice([1, 1, 1, 2, 3, 5])
    enquired = _at(start_day, rng)
    number = f"MO{enquired:%Y%m%d}{len(pending.orders):06d}"
    user = None
    order = Order(
        number=number,
        enterprise=enterprise,
        provider_id=product.provider_id,
        product=product,
        plan=plan,
        quantity=quantity,
        message=rng.choice(
            [
                "请提供报价与实施周期。",
                "需要试用账号，了解价格。",
                "我们有50人团队，想了解企业版。",
                "能否开具增值税专用发票？",
            ]
        ),
        created_by=user,
        status=OrderStatus.ENQUIRY,
        invoice_title=enterprise.name,
        invoice_tax_id=enterprise.credit_code,
    )
    events = [("enquire", "", OrderStatus.ENQUIRY, enquired)]
    order.enquired_at = enquired
    response_hours = rng.choice([0.5, 1, 2, 3, 6, 12, 24, 48, 96]) * (
        product.sla_response_hours / 8
    )
    if state in ("enquiry", "lost_enquiry"):
        if state == "lost_enquiry":
            order.status = OrderStatus.CANCELLED
            order.closed_at = enquired + timedelta(days=rng.randint(3, 20))
            events.append(("cancel", OrderStatus.ENQUIRY, OrderStatus.CANCELLED, order.closed_at))
        return _finish(pending, order, events)
    quoted = enquired + timedelta(hours=response_hours)
    if state == "declined":
        order.status, order.closed_at = OrderStatus.DECLINED, quoted
        events.append(("decline", OrderStatus.ENQUIRY, OrderStatus.DECLINED, quoted))
        return _finish(pending, order, events)
    list_price = plan.price * quantity
    order.quoted_amount = (list_price * Decimal(rng.choice(["0.85", "0.9", "0.95", "1"]))).quantize(
        Decimal("1.00")
    )
    order.quoted_at, order.status = quoted, OrderStatus.QUOTED
    order.quote_valid_until = (quoted + timedelta(days=14)).date()
    events.append(("quote", OrderStatus.ENQUIRY, OrderStatus.QUOTED, quoted))
    if state == "quoted":
        return _finish(pending, order, events)
    ordered = quoted + timedelta(hours=rng.randint(4, 120))
    order.amount, order.ordered_at, order.status = order.quoted_amount, ordered, OrderStatus.ORDERED
    if plan.billing_period != "once":
        order.period_start = ordered.date()
        order.period_end = ordered.date() + timedelta(
            days=(30 if plan.billing_period == "month" else 365) - 1
        )
    events.append(("place", OrderStatus.QUOTED, OrderStatus.ORDERED, ordered))
    eligible = (
        grant is not None
        and product.voucher_eligible
        and grant.balance > grant.amount * Decimal("0.4")
    )
    if eligible and rng.random() < 0.8:
        # Keep part of each grant unspent, so that the demo tenant can still use theirs.
        spendable = grant.balance - (grant.amount * Decimal("0.4")).quantize(Decimal("1.00"))
        voucher = min((order.amount * programme.copay_ratio).quantize(Decimal("1.00")), spendable)
        if voucher > 0:
            order.voucher_amount, order.voucher_grant = voucher, grant
            grant.balance -= voucher
            grant.reserved += voucher
            pending.ledger.append(
                VoucherLedgerEntry(
                    grant=grant,
                    order=order,
                    kind=LedgerKind.RESERVE,
                    balance_delta=-voucher,
                    reserved_delta=voucher,
                    at=ordered,
                )
            )
    order.enterprise_amount = order.amount - order.voucher_amount
    if state == "cancelled":
        closed = ordered + timedelta(days=rng.randint(1, 5))
        order.status, order.closed_at = OrderStatus.CANCELLED, closed
        events.append(("cancel", OrderStatus.ORDERED, OrderStatus.CANCELLED, closed))
        if order.voucher_grant is not None:
            _move(
                pending,
                order,
                LedgerKind.RELEASE,
                order.voucher_amount,
                -order.voucher_amount,
                closed,
            )
        return _finish(pending, order, events)
    if state == "ordered":
        return _finish(pending, order, events)
    # A few providers are chronically late: the score must find them.
    poor = product.provider.name in POOR_PROVIDERS
    late = rng.random() < (0.75 if poor else 0.12)
    delivered = ordered + timedelta(
        days=product.sla_delivery_days * (rng.uniform(1.2, 2.5) if late else rng.uniform(0.2, 0.95))
    )
    order.delivered_at, order.status = delivered, OrderStatus.DELIVERED
    events.append(("deliver", OrderStatus.ORDERED, OrderStatus.DELIVERED, delivered))
    if state == "delivered":
        return _finish(pending, order, events)
    if state == "complained":
        complained = delivered + timedelta(days=1)
        order.complained_at, order.status = complained, OrderStatus.COMPLAINED
        events.append(("complain", OrderStatus.DELIVERED, OrderStatus.COMPLAINED, complained))
        pending.complaints.append(
            Complaint(
                order=order,
                provider_id=order.provider_id,
                text=rng.choice(COMPLAINTS),
                created_at=complained,
            )
        )
        return _finish(pending, order, events)
    accepted = delivered + timedelta(days=rng.randint(1, 6))
    order.accepted_at, order.status = accepted, OrderStatus.ACCEPTED
    events.append(("accept", OrderStatus.DELIVERED, OrderStatus.ACCEPTED, accepted))
    if order.voucher_grant is not None:
        _move(pending, order, LedgerKind.REDEEM, Decimal("0"), -order.voucher_amount, accepted)
    if state == "refunded":
        return _refund(pending, order, rng, operator, accepted, events)
    if order.voucher_grant is not None:
        claimed = accepted + timedelta(days=rng.randint(2, 15))
        settled = claimed < datetime.combine(context.today - timedelta(days=30), time(0), tzinfo=TZ)
        pending.claims.append(
            VoucherClaim(
                order=order,
                provider_id=order.provider_id,
                programme=programme,
                amount=order.voucher_amount,
                status=ClaimStatus.APPROVED if settled else ClaimStatus.SUBMITTED,
                decided_by=operator if settled else None,
                decided_at=claimed + timedelta(days=10) if settled else None,
                created_at=claimed,
            )
        )
    quality = 0.85 if not late else 0.35
    if rng.random() < 0.7:
        stars = (
            5
            if rng.random() < quality * 0.7
            else rng.choice([4, 4, 3, 2, 1] if late else [4, 4, 4, 3])
        )
        pending.reviews.append(
            Review(
                order=order,
                product=product,
                provider_id=order.provider_id,
                stars=stars,
                text=rng.choice(REVIEW_TEXTS[stars]),
                created_at=accepted + timedelta(days=rng.randint(0, 5)),
            )
        )
    if late and rng.random() < (0.6 if poor else 0.3):
        raised = accepted + timedelta(days=2)
        pending.complaints.append(
            Complaint(
                order=order,
                provider_id=order.provider_id,
                text=rng.choice(COMPLAINTS),
                status=ComplaintStatus.UPHELD,
                resolution="已约谈服务商，服务商承诺整改并延长服务期一个月。",
                resolved_by=operator,
                created_at=raised,
                resolved_at=raised + timedelta(days=3),
            )
        )
    if state == "unsubscribed" and order.period_end is not None:
        cancelled = accepted + timedelta(hours=rng.randint(2, 72))
        order.subscription_cancelled_at, order.service_ends_on = cancelled, order.period_end
        events.append(("cancel_at_end", OrderStatus.ACCEPTED, OrderStatus.ACCEPTED, cancelled))
    return _finish(pending, order, events)


def _refund(pending, order, rng, operator, accepted, events):
    """An upheld complaint after acceptance, refunded in full as complaint_resolve does:
    the voucher part back to the grant, the enterprise's part due from the provider."""
    raised = accepted + timedelta(days=rng.randint(1, 10))
    resolved = raised + timedelta(days=rng.randint(1, 4))
    complaint = Complaint(
        order=order,
        provider_id=order.provider_id,
        text=rng.choice(COMPLAINTS),
        status=ComplaintStatus.UPHELD,
        resolution="服务未达到约定的服务水平，全额退款。",
        resolved_by=operator,
        created_at=raised,
        resolved_at=resolved,
    )
    pending.complaints.append(complaint)
    if order.voucher_grant is not None:
        _move(pending, order, LedgerKind.REFUND, order.voucher_amount, Decimal("0"), resolved)
    order.voucher_refunded, order.enterprise_refunded = (
        order.voucher_amount,
        order.enterprise_amount,
    )
    order.status, order.closed_at = OrderStatus.REFUNDED, resolved
    events.append(("refund", OrderStatus.ACCEPTED, OrderStatus.REFUNDED, resolved))
    pending.refunds.append(
        OrderRefund(
            order=order,
            reason=RefundReason.COMPLAINT,
            complaint=complaint,
            voucher_amount=order.voucher_amount,
            enterprise_amount=order.enterprise_amount,
            note=complaint.resolution,
            actor=operator,
            at=resolved,
        )
    )
    return _finish(pending, order, events)


def _move(pending, order, kind, balance_delta, reserved_delta, at):
    grant = order.voucher_grant
    grant.balance += balance_delta
    grant.reserved += reserved_delta
    if kind == LedgerKind.REDEEM:
        grant.redeemed -= reserved_delta
    if kind == LedgerKind.REFUND:
        grant.redeemed -= balance_delta
    pending.ledger.append(
        VoucherLedgerEntry(
            grant=grant,
            order=order,
            kind=kind,
            balance_delta=balance_delta,
            reserved_delta=reserved_delta,
            at=at,
        )
    )


def _finish(pending, order, events):
    pending.orders.append(order)
    # The amount each step set, as services/orders.py records it.
    amounts = {
        "quote": order.quoted_amount,
        "place": order.amount,
        "refund": order.voucher_refunded + order.enterprise_refunded,
    }
    for action, before, after, at in events:
        pending.events.append(
            OrderEvent(
                order=order,
                at=at,
                action=action,
                from_status=before,
                to_status=after,
                amount=amounts.get(action),
            )
        )
    return order
