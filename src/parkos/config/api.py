"""The one JSON API: every app mounts its router here, and every error leaves in one format."""

from ninja import NinjaAPI

from parkos.accounts.api import router as accounts_router
from parkos.accounts.auth import api_auth
from parkos.core.api_errors import (
    ObjectBodyParser,
    document_error_responses,
    install_error_handlers,
)
from parkos.core.renderers import FastJSONRenderer
from parkos.parks.api import router as parks_router

api = NinjaAPI(
    title="ParkOS API",
    version="1",
    description="The JSON API of ParkOS. Authenticate with `POST /api/auth/token`, "
    "then send `Authorization: Bearer <token>`.",
    auth=api_auth,
    urls_namespace="api",
    docs_url="/docs",
    renderer=FastJSONRenderer(),
    parser=ObjectBodyParser(),
)
install_error_handlers(api)

# The domain apps, each mounted at /api/<label>/ and /<label>/ when it has a router or pages.
APP_LABELS = (
    "approvals",
    "relief",
    "filings",
    "marketplace",
    "property",
    "iot",
    "crowd",
    "techtransfer",
    "talent",
    "community",
    "parking",
    "billing",
    "analytics",
)

api.add_router("/auth", accounts_router)
api.add_router("", parks_router)


def mount_optional_routers() -> None:
    """Domain apps that ship an API add it here without this module naming them twice."""
    from importlib import import_module

    for app_label in APP_LABELS:
        try:
            module = import_module(f"parkos.{app_label}.api")
        except ModuleNotFoundError as missing:
            if missing.name not in (f"parkos.{app_label}", f"parkos.{app_label}.api"):
                raise
            continue
        api.add_router(f"/{app_label}", module.router)


mount_optional_routers()
document_error_responses(api)
