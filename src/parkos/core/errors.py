"""The one error vocabulary of ParkOS. Services raise these; the API and the web turn them
into `{"code", "message", "fields"}` with the right status, in the user's language."""

from typing import Any


class ServiceError(Exception):
    """A request that cannot be carried out as asked. Nothing has been written."""

    status = 400
    default_code = "invalid"

    def __init__(self, message: Any, *, code: str | None = None, fields: dict | None = None):
        super().__init__(str(message))
        self.message = message
        self.code = code or self.default_code
        self.fields = fields or {}

    def as_dict(self) -> dict:
        return {
            "code": self.code,
            "message": str(self.message),
            "fields": {name: [str(m) for m in msgs] for name, msgs in self.fields.items()},
        }


class ValidationFailed(ServiceError):
    """The input breaks a rule; `fields` names each offending field."""

    status = 422
    default_code = "validation_error"

    @classmethod
    def for_field(cls, field: str, message: Any, *, code: str | None = None) -> "ValidationFailed":
        return cls(message, code=code, fields={field: [message]})


class Conflict(ServiceError):
    """The input is well formed but clashes with what is stored (an overlap, a state)."""

    status = 409
    default_code = "conflict"


class NotFound(ServiceError):
    """Absent, or not visible to the actor: the two are never told apart."""

    status = 404
    default_code = "not_found"


class Forbidden(ServiceError):
    status = 403
    default_code = "forbidden"


class FieldErrors:
    """Collects every problem of one input, so the form shows them all at once, then raises
    them together as one `ValidationFailed`."""

    def __init__(self):
        self.fields: dict[str, list[str]] = {}

    def add(self, field: str, message: str) -> None:
        self.fields.setdefault(field, []).append(message)

    def has(self, field: str) -> bool:
        return field in self.fields

    def raise_if_any(self) -> None:
        if self.fields:
            first = next(iter(self.fields.values()))[0]
            raise ValidationFailed(first, fields=self.fields)
