from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import Http404


def get_or_404(queryset: QuerySet, pk):
    """Absent, invisible and malformed ids all look the same from outside."""
    try:
        return queryset.get(pk=pk)
    except (queryset.model.DoesNotExist, ValueError, ValidationError) as missing:
        raise Http404 from missing
