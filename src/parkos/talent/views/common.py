"""What every talent page shares: service refusals turned into the web's answers."""

from functools import wraps

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect

from parkos.core.errors import Forbidden, NotFound, ServiceError


def page(view):
    """A page: an object not found or not visible is a 404, a refusal of the actor a 403."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        try:
            return view(request, *args, **kwargs)
        except NotFound as missing:
            raise Http404 from missing
        except Forbidden as refused:
            raise PermissionDenied(str(refused.message)) from refused

    return wrapper


def acted(request, back: str, fn, success: str = ""):
    """Run a POSTed action; a refusal is shown as a message on the page the person came from."""
    try:
        fn()
    except (NotFound, Forbidden):
        raise
    except ServiceError as refused:
        messages.error(request, str(refused.message))
    else:
        if success:
            messages.success(request, success)
    return redirect(back)
