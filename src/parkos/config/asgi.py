"""The ASGI entry point: `parkos serve` (uvicorn) runs this.

Pages and API calls are plain synchronous Django views. Under Django's ASGI handler each
of them crosses between the event loop and worker threads several times and gets a fresh
thread, and with it fresh cache and database connections: on the enterprise API page that
tripled the CPU per request. So ordinary requests go to Django's WSGI handler on a fixed
pool of threads (one hand-over per request, connections kept per thread), and only views
marked `streams_events` (Server-Sent Events, which must not hold a thread for minutes) go
through the ASGI handler.
"""

import os
from functools import lru_cache

from a2wsgi import WSGIMiddleware
from django.core.asgi import get_asgi_application
from django.core.wsgi import get_wsgi_application
from django.urls import Resolver404, resolve

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "parkos.config.settings")

asgi_handler = get_asgi_application()

from parkos.core.secrets import require_deployment_key  # noqa: E402

require_deployment_key()
wsgi_handler = WSGIMiddleware(
    get_wsgi_application(), workers=int(os.environ.get("WEB_THREADS", "4"))
)


@lru_cache(maxsize=4096)
def _streams_events(path: str) -> bool:
    try:
        view = resolve(path).func
    except Resolver404:
        return False
    return getattr(view, "streams_events", False)


async def application(scope, receive, send):
    if scope["type"] == "http" and not _streams_events(scope["path"]):
        await wsgi_handler(scope, receive, send)
    else:
        await asgi_handler(scope, receive, send)
