"""The HTTP device API, compatible with ThingsBoard's, so that existing firmware only changes
its server address: `POST /api/v1/<token>/telemetry` and `POST /api/v1/<token>/attributes`.
Devices are not users: no session, no CSRF, the token in the path is the credential."""

from django.http import JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from parkos.iot.credentials import identity_for_token
from parkos.iot.ingest import (
    MAX_PAYLOAD_BYTES,
    PayloadRejected,
    attributes_ingest,
    ingest_reject_count,
    telemetry_ingest,
)

CHANNEL = "http"
STATUS = {"rejected_too_large": 413, "rejected_malformed": 400}


def _error(reason: str, status: int) -> JsonResponse:
    return JsonResponse(
        {"code": reason.removeprefix("rejected_"), "message": reason}, status=status
    )


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
        return _error("rejected_unknown_token", 401)
    body = _body(request)
    if body is None:
        ingest_reject_count(channel=CHANNEL, reason="rejected_too_large")
        return _error("rejected_too_large", 413)
    result = telemetry_ingest(items=[(identity, body)], channel=CHANNEL)
    for reason, status in STATUS.items():
        if result.counts.get(reason):
            return _error(reason, status)
    return JsonResponse(
        {"stored": result.stored, "duplicates": result.duplicates, "rejected": result.rejected}
    )


@csrf_exempt
@require_POST
def attributes_post(request, token: str):
    identity = _authenticate(token)
    if identity is None:
        return _error("rejected_unknown_token", 401)
    body = _body(request)
    if body is None:
        ingest_reject_count(channel=CHANNEL, reason="rejected_too_large")
        return _error("rejected_too_large", 413)
    try:
        attributes_ingest(identity=identity, body=body, channel=CHANNEL)
    except PayloadRejected as rejected:
        ingest_reject_count(channel=CHANNEL, reason=rejected.reason)
        return _error(rejected.reason, STATUS.get(rejected.reason, 400))
    return JsonResponse({"stored": True})
