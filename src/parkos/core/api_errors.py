"""One error format for the whole API: `{"code", "message", "fields"}`."""

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError

from parkos.core.errors import ServiceError, ValidationFailed


def _field_name(loc: list) -> str:
    # Ninja prefixes the location ("body", "query", the payload's parameter name);
    # clients know their fields by their own names only.
    parts = [
        str(p) for p in loc if p not in ("body", "query", "path", "form", "payload", "filters")
    ]
    return ".".join(parts) or "__all__"


def install_error_handlers(api: NinjaAPI) -> None:
    def respond(request, status: int, code: str, message: str, fields=None):
        return api.create_response(
            request, {"code": code, "message": message, "fields": fields or {}}, status=status
        )

    @api.exception_handler(ServiceError)
    def service_error(request, exc: ServiceError):
        return api.create_response(request, exc.as_dict(), status=exc.status)

    @api.exception_handler(NinjaValidationError)
    def validation_error(request, exc: NinjaValidationError):
        fields: dict[str, list[str]] = {}
        malformed = False
        for error in exc.errors:
            if error.get("type") == "json_invalid" or "JSON" in str(error.get("msg", "")):
                malformed = True
            fields.setdefault(_field_name(error.get("loc", [])), []).append(str(error.get("msg")))
        if malformed:
            return respond(request, 400, "malformed_json", _("The request body is not valid JSON."))
        return respond(request, 422, "validation_error", _("Some fields are not valid."), fields)

    @api.exception_handler(AuthenticationError)
    def unauthenticated(request, exc):
        return respond(request, 401, "unauthenticated", _("Sign in or send a valid API token."))

    @api.exception_handler(PermissionDenied)
    def forbidden(request, exc):
        return respond(request, 403, "forbidden", _("You are not allowed to do this."))

    @api.exception_handler(Http404)
    def not_found(request, exc):
        return respond(request, 404, "not_found", _("Not found."))

    @api.exception_handler(HttpError)
    def http_error(request, exc: HttpError):
        if exc.status_code == 400 and str(exc).startswith("Cannot parse request body"):
            return respond(request, 400, "malformed_json", _("The request body is not valid JSON."))
        codes = {
            400: "bad_request",
            401: "unauthenticated",
            403: "forbidden",
            404: "not_found",
            405: "method_not_allowed",
            409: "conflict",
            413: "too_large",
            429: "rate_limited",
        }
        return respond(request, exc.status_code, codes.get(exc.status_code, "error"), str(exc))


def existing(getter, field: str, **lookup):
    """Resolve an id referenced in a request body; an unknown one is a field error, not a 404."""
    try:
        return getter(**lookup)
    except Http404 as missing:
        raise ValidationFailed.for_field(
            field, _("Unknown %(field)s.") % {"field": field}
        ) from missing
