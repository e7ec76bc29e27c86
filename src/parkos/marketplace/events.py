"""The rows that keep the supermarket's history: one OrderEvent per step of an order, written
by the order workflow (workflows.ORDER) whenever it fires, in the step's transaction."""

from parkos.marketplace.models import Order, OrderEvent


def order_event_record(
    order: Order, *, action: str, actor, before: str, after: str, note: str, data: dict, at
) -> OrderEvent:
    """Who moved the order, when, from what to what, and the amount the step set (a quote,
    an order, a refund) as a value, so that the history formats it for its reader."""
    return OrderEvent.objects.create(
        order=order,
        at=at,
        actor=actor,
        action=action,
        from_status=before,
        to_status=after,
        amount=data.get("amount"),
        note=(note or "")[:500],
    )


__all__ = ["order_event_record"]
