"""The live event stream (Server-Sent Events) of the operations center. Under ASGI the
stream is an async generator, so an open dashboard costs no thread; under WSGI (the test
server, gunicorn) it is a plain generator. Each connection lasts a few minutes, then the
browser reconnects by itself with Last-Event-ID and misses nothing still in the ring."""

import json
import time

from django.core.handlers.asgi import ASGIRequest
from django.http import HttpResponse, StreamingHttpResponse

from parkos.iot import permissions, selectors
from parkos.iot.live import live_listen, ring

KEEPALIVE_SECONDS = 15
CONNECTION_SECONDS = 300


class _Audience:
    """Which events one user may receive: by park for staff, by device for tenants."""

    def __init__(self, user, park: str | None):
        self.park = park
        self.park_ids = permissions.ioc_park_ids(user) if permissions.is_ioc_staff(user) else set()
        self.device_ids = (
            {str(pk) for pk in selectors.device_list(actor=user).values_list("id", flat=True)}
            if not permissions.is_ioc_staff(user)
            else None
        )

    def filter(self, event: dict) -> dict | None:
        if self.park and event.get("park") != self.park:
            return None
        if self.device_ids is None:
            if self.park_ids is None or event.get("park") in {str(p) for p in self.park_ids}:
                return event
            return None
        if event.get("type") == "alarm":
            return event if event["alarm"].get("device") in self.device_ids else None
        if event.get("type") == "telemetry":
            devices = [d for d in event["devices"] if d["device"] in self.device_ids]
            return {**event, "devices": devices} if devices else None
        return None


def _frame(sequence: int, event: dict) -> str:
    return f"id: {sequence}\nevent: {event.get('type', 'message')}\ndata: {json.dumps(event, ensure_ascii=False)}\n\n"


def _start(request) -> int:
    try:
        resume = int(request.headers.get("Last-Event-ID", ""))
    except ValueError:
        return ring.last
    return resume if 0 <= resume <= ring.last else ring.last


def _sync_stream(audience: _Audience, sequence: int):
    yield "retry: 2000\n\n"
    deadline = time.monotonic() + CONNECTION_SECONDS
    while time.monotonic() < deadline:
        events = ring.wait(sequence, KEEPALIVE_SECONDS)
        if not events:
            yield ": keepalive\n\n"
            continue
        for sequence, event in events:
            visible = audience.filter(event)
            if visible is not None:
                yield _frame(sequence, visible)


async def _async_stream(audience: _Audience, sequence: int):
    yield "retry: 2000\n\n"
    deadline = time.monotonic() + CONNECTION_SECONDS
    while time.monotonic() < deadline:
        events = await ring.wait_async(sequence, KEEPALIVE_SECONDS)
        if not events:
            yield ": keepalive\n\n"
            continue
        for sequence, event in events:
            visible = audience.filter(event)
            if visible is not None:
                yield _frame(sequence, visible)


def live_stream(request):
    if not request.user.is_authenticated:
        return HttpResponse(status=401)
    if not permissions.can_open_dashboard(request.user):
        return HttpResponse(status=403)
    live_listen()
    audience = _Audience(request.user, request.GET.get("park") or None)
    sequence = _start(request)
    stream = (
        _async_stream(audience, sequence)
        if isinstance(request, ASGIRequest)
        else _sync_stream(audience, sequence)
    )
    response = StreamingHttpResponse(stream, content_type="text/event-stream")
    response["Cache-Control"] = "no-cache"
    response["X-Accel-Buffering"] = "no"
    return response


# Served through Django's ASGI handler (see config/asgi.py): an open stream costs no thread.
live_stream.streams_events = True
