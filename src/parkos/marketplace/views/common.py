from decimal import Decimal, InvalidOperation
from functools import wraps

from django.contrib import messages
from django.http import Http404

from parkos.core.errors import NotFound, ServiceError


def not_found_as_404(view):
    """Selectors refuse an absent or invisible row with the kernel's NotFound; a page shows
    Django's 404 for it, as for a URL that does not exist."""

    @wraps(view)
    def page(request, *args, **kwargs):
        try:
            return view(request, *args, **kwargs)
        except NotFound as missing:
            raise Http404(str(missing.message)) from missing

    return page


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
