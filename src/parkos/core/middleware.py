import json

from django.http import HttpResponse
from django.utils.translation import gettext as _

API_PREFIX = "/api/"


class ApiErrorFormatMiddleware:
    """Errors that never reach the API's own handlers (an unknown URL under /api/, a method
    the route does not take) still leave in the one error format."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if not request.path.startswith(API_PREFIX) or response.status_code < 400:
            return response
        if response.get("Content-Type", "").startswith("application/json"):
            return response
        codes = {
            404: ("not_found", _("Not found.")),
            405: ("method_not_allowed", _("This method is not allowed here.")),
        }
        code, message = codes.get(response.status_code, ("error", _("The request failed.")))
        formatted = HttpResponse(
            json.dumps({"code": code, "message": str(message), "fields": {}}, ensure_ascii=False),
            status=response.status_code,
            content_type="application/json",
        )
        if "Allow" in response:
            formatted["Allow"] = response["Allow"]
        return formatted


def _nul_path(value, path: str = "") -> str | None:
    """The dotted path of the first key or string holding a NUL character."""
    if isinstance(value, str):
        return (path or "__all__") if "\x00" in value else None
    if isinstance(value, dict):
        for key, item in value.items():
            here = f"{path}.{key}" if path else str(key)
            if "\x00" in str(key):
                return here.replace("\x00", "\\0")
            found = _nul_path(item, here)
            if found:
                return found
    if isinstance(value, list):
        for index, item in enumerate(value):
            found = _nul_path(item, f"{path}.{index}" if path else str(index))
            if found:
                return found
    return None


class RefuseNulMiddleware:
    """A NUL character is never part of a name, a title or a number people type: SQLite would
    store it (and cut what follows in some tools) and PostgreSQL refuses it with a server error.
    Any request carrying one in its query, form fields or JSON is refused with 400, naming the
    field, before a view sees it. Uploaded files are binary and are not looked at."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        field = self._offending_field(request)
        if field is None:
            return self.get_response(request)
        message = _("“%(field)s” contains a NUL character, which is not allowed.") % {
            "field": field
        }
        body = {
            "code": "invalid_character",
            "message": str(message),
            "fields": {field: [str(message)]},
        }
        if request.path.startswith(API_PREFIX):
            return HttpResponse(
                json.dumps(body, ensure_ascii=False), status=400, content_type="application/json"
            )
        return HttpResponse(message, status=400, content_type="text/plain; charset=utf-8")

    @staticmethod
    def _offending_field(request) -> str | None:
        for key, values in request.GET.lists():
            if "\x00" in key or any("\x00" in value for value in values):
                return key.replace("\x00", "\\0")
        if request.method in ("GET", "HEAD", "OPTIONS"):
            return None
        content_type = request.content_type or ""
        if content_type == "application/json" or content_type.endswith("+json"):
            try:
                raw = request.body
            except Exception:  # too large: Django answers that itself
                return None
            if b"\\u0000" not in raw and b"\x00" not in raw:
                return None
            try:
                return _nul_path(json.loads(raw)) or "__all__"
            except ValueError:
                return "__all__" if b"\x00" in raw else None
        if content_type in ("application/x-www-form-urlencoded", "multipart/form-data"):
            try:
                items = request.POST.lists()
            except Exception:
                return None
            for key, values in items:
                if "\x00" in key or any("\x00" in value for value in values):
                    return key.replace("\x00", "\\0")
        return None


class ServiceErrorPageMiddleware:
    """A page whose selector raises `NotFound` or `Forbidden` answers with the site's 404 or 403
    page, as if it had raised Django's own exceptions: the kernel's errors mean the same on every
    page, and no app wraps them again. The API answers them itself, in its error format."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        from django.core.exceptions import PermissionDenied
        from django.http import Http404
        from django.urls import get_resolver

        from parkos.core.errors import Forbidden, NotFound

        if request.path.startswith(API_PREFIX):
            return None
        if isinstance(exception, NotFound):
            handler = get_resolver().resolve_error_handler(404)
            return handler(request, Http404(str(exception.message)))
        if isinstance(exception, Forbidden):
            handler = get_resolver().resolve_error_handler(403)
            return handler(request, PermissionDenied(str(exception.message)))
        return None
