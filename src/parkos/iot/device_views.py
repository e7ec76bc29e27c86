"""The HTTP device API, compatible with ThingsBoard's, so that existing firmware only changes
its server address: `POST /api/v1/<token>/telemetry` and `POST /api/v1/<token>/attributes`.
Devices are not users: no session, no CSRF, the token in the path is the credential."""

from django.http import JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from parkos.iot.credentials import identity_for_token
from parkos.iot.errors import IotError
from parkos.iot.ingest import (
    MAX_PAYLOAD_BYTES,
    PayloadRejected,
    attributes_ingest,
    ingest_reject_count,
    telemetry_ingest,
)

CHANNEL = "http"
# Each refusal of a whole message: the ingest counter it adds to, its code and its status.
REFUSALS = {
    "rejected_unknown_token": (IotError.UNKNOWN_TOKEN, 401),
    "rejected_too_large": (IotError.TOO_LARGE, 413),
    "rejected_malformed": (IotError.MALFORMED, 400),
}


def _error(reason: str) -> JsonResponse:
    code, status = REFUSALS.get(reason, (IotError.MALFORMED, 400))
    return JsonResponse({"code": code, "message": reason}, status=status)


def _body(request) -> bytes | None:
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = 0
    if length > MAX_PAYLOAD_BYTES:
        return None
    body = request.body
    return None if len(body) > MAX_PAYLOAD_BYTES else body


def _authenticate(token: str):
    identity = identity_for_token(token)
    if identity is None:
        ingest_reject_count(channel=CHANNEL, reason="rejected_unknown_token")
    return identity


@csrf_exempt
@require_POST
def telemetry_post(request, token: str):
    identity = _authenticate(token)
    if identity is None:
        return _error("rejected_unknown_token")
    body = _body(request)
    if body is None:
        ingest_reject_count(channel=CHANNEL, reason="rejected_too_large")
        return _error("rejected_too_large")
    result = telemetry_ingest(items=[(identity, body)], channel=CHANNEL)
    for reason in ("rejected_too_large", "rejected_malformed"):
        if result.counts.get(reason):
            return _error(reason)
    return JsonResponse(
        {"stored": result.stored, "duplicates": result.duplicates, "rejected": result.rejected}
    )


@csrf_exempt
@require_POST
def attributes_post(request, token: str):
    identity = _authenticate(token)
    if identity is None:
        return _error("rejected_unknown_token")
    body = _body(request)
    if body is None:
        ingest_reject_count(channel=CHANNEL, reason="rejected_too_large")
        return _error("rejected_too_large")
    try:
        attributes_ingest(identity=identity, body=body, channel=CHANNEL)
    except PayloadRejected as rejected:
        ingest_reject_count(channel=CHANNEL, reason=rejected.reason)
        return _error(rejected.reason)
    return JsonResponse({"stored": True})
