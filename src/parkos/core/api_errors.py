"""One error format for the whole API: `{"code", "message", "fields"}`."""

from typing import Annotated

from django.core.exceptions import PermissionDenied, RequestDataTooBig
from django.http import Http404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.parser import Parser
from pydantic import Field

from parkos.core.errors import NotFound, ServiceError, ValidationFailed

# An integer a client sends that reaches a database column: beyond 64 bits the driver
# fails (SQLite: OverflowError) and the client would get a 500, so it is refused as a field.
DbInt = Annotated[int, Field(ge=-(2**63), le=2**63 - 1)]


def _field_name(loc: list) -> str:
    # Ninja prefixes the location ("body", "query", the payload's parameter name);
    # clients know their fields by their own names only.
    parts = [
        str(p) for p in loc if p not in ("body", "query", "path", "form", "payload", "filters")
    ]
    return ".".join(parts) or "__all__"


# The validation library words its errors in English; these are the ones a client meets,
# by the library's error type, in the reader's language. Others keep the library's words.
_VALIDATION_MESSAGES = {
    "missing": gettext_lazy("This field is required."),
    "uuid_parsing": gettext_lazy("Enter a valid id (a UUID)."),
    "uuid_type": gettext_lazy("Enter a valid id (a UUID)."),
    "int_parsing": gettext_lazy("Enter a whole number."),
    "int_type": gettext_lazy("Enter a whole number."),
    "int_from_float": gettext_lazy("Enter a whole number."),
    "float_parsing": gettext_lazy("Enter a number."),
    "float_type": gettext_lazy("Enter a number."),
    "decimal_parsing": gettext_lazy("Enter a number."),
    "decimal_type": gettext_lazy("Enter a number."),
    "bool_parsing": gettext_lazy("Enter true or false."),
    "bool_type": gettext_lazy("Enter true or false."),
    "date_parsing": gettext_lazy("Enter a date as YYYY-MM-DD."),
    "date_from_datetime_parsing": gettext_lazy("Enter a date as YYYY-MM-DD."),
    "date_type": gettext_lazy("Enter a date as YYYY-MM-DD."),
    "datetime_parsing": gettext_lazy("Enter a date and time in ISO 8601, with its time zone."),
    "datetime_from_date_parsing": gettext_lazy(
        "Enter a date and time in ISO 8601, with its time zone."
    ),
    "datetime_type": gettext_lazy("Enter a date and time in ISO 8601, with its time zone."),
    "string_type": gettext_lazy("Enter text."),
    "string_too_long": gettext_lazy("At most %(max_length)s characters."),
    "string_too_short": gettext_lazy("At least %(min_length)s characters."),
    "greater_than": gettext_lazy("Must be greater than %(gt)s."),
    "greater_than_equal": gettext_lazy("Must be at least %(ge)s."),
    "less_than": gettext_lazy("Must be less than %(lt)s."),
    "less_than_equal": gettext_lazy("Must be at most %(le)s."),
    "enum": gettext_lazy("Choose one of: %(expected)s."),
    "literal_error": gettext_lazy("Choose one of: %(expected)s."),
    "decimal_max_places": gettext_lazy("At most %(decimal_places)s decimals."),
    "list_type": gettext_lazy("Enter a list."),
    "too_long": gettext_lazy("At most %(max_length)s items."),
    "dict_type": gettext_lazy("Enter an object."),
    "model_type": gettext_lazy("Enter an object."),
    "model_attributes_type": gettext_lazy("Enter an object."),
}


class NotAnObject(ValueError):
    pass


class ObjectBodyParser(Parser):
    """Every JSON operation of this API takes an object: a list or a bare value as the body
    is refused (422) rather than read as "no fields given", which let `PATCH … []` answer
    200. The ThingsBoard-compatible device API (/api/v1/) is not served by this API."""

    def parse_body(self, request):
        data = super().parse_body(request)
        if not isinstance(data, dict):
            raise NotAnObject
        return data


def validation_message(error: dict) -> str:
    """One validation error in the reader's language, with its limits filled in."""
    template = _VALIDATION_MESSAGES.get(error.get("type", ""))
    if template is None:
        return str(error.get("msg", ""))
    try:
        return str(template) % {key: value for key, value in (error.get("ctx") or {}).items()}
    except (KeyError, TypeError, ValueError):
        return str(error.get("msg", ""))


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
            fields.setdefault(_field_name(error.get("loc", [])), []).append(
                validation_message(error)
            )
        if malformed:
            return respond(request, 400, "malformed_json", _("The request body is not valid JSON."))
        return respond(request, 422, "validation_error", _("Some fields are not valid."), fields)

    @api.exception_handler(OverflowError)
    def overflow(request, exc):
        # The last guard for an integer parameter not declared as DbInt.
        return respond(request, 422, "validation_error", _("Some fields are not valid."))

    @api.exception_handler(RequestDataTooBig)
    def too_large(request, exc):
        return respond(request, 413, "too_large", _("The request is too large."))

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
        if isinstance(exc.__cause__, NotAnObject):
            return respond(
                request,
                422,
                "validation_error",
                _("Some fields are not valid."),
                {"__all__": [str(_VALIDATION_MESSAGES["dict_type"])]},
            )
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
    except (Http404, NotFound) as missing:
        # The field is named by the error's key; the words say what is wrong with it.
        raise ValidationFailed.for_field(field, _("Nothing with this id exists.")) from missing


_ERROR_SCHEMA = {
    "title": "ErrorOut",
    "type": "object",
    "required": ["code", "message", "fields"],
    "properties": {
        "code": {"type": "string", "title": "Code"},
        "message": {"type": "string", "title": "Message"},
        "fields": {
            "type": "object",
            "title": "Fields",
            "additionalProperties": {"type": "array", "items": {"type": "string"}},
        },
    },
}
_ERROR_DESCRIPTIONS = {
    "400": "Malformed request (the body is not valid JSON).",
    "401": "Not signed in, or no valid API token.",
    "403": "Not allowed to do this.",
    "404": "Not found, or not visible to the caller.",
    "409": "Refused in the object's current state.",
    "422": "Some fields are not valid; `fields` names them.",
}


def document_error_responses(api: NinjaAPI) -> None:
    """Every operation answers its errors in one format; the schema says so, for each of them,
    so generated clients and schema checks know the 4xx answers (after all routers are mounted)."""
    generate = api.get_openapi_schema

    def get_openapi_schema(*args, **kwargs):
        schema = generate(*args, **kwargs)
        schema.setdefault("components", {}).setdefault("schemas", {})["ErrorOut"] = _ERROR_SCHEMA
        reference = {"$ref": "#/components/schemas/ErrorOut"}
        for methods in schema.get("paths", {}).values():
            for operation in methods.values():
                responses = operation.setdefault("responses", {})
                codes = ["400", "404", "409", "422"]
                if operation.get("security"):
                    codes[:0] = ["401", "403"]
                for code in codes:
                    responses.setdefault(
                        code,
                        {
                            "description": _ERROR_DESCRIPTIONS[code],
                            "content": {"application/json": {"schema": reference}},
                        },
                    )
        return schema

    api.get_openapi_schema = get_openapi_schema
