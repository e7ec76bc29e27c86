from decimal import Decimal, InvalidOperation

from django.contrib import messages

from parkos.core.errors import ServiceError


def report_error(request, failure: ServiceError) -> None:
    """Show a refused action as the API would: the message and each field's problem."""
    details = [str(m) for msgs in failure.fields.values() for m in msgs]
    text = str(failure.message)
    extra = [d for d in details if d != text]
    messages.error(request, " ".join([text, *extra]))


def decimal_or_none(value: str | None):
    value = (value or "").strip()
    if not value:
        return None
    try:
        number = Decimal(value)
    except InvalidOperation:
        return None
    return number if number.is_finite() else None
