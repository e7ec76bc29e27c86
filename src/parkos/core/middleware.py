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
