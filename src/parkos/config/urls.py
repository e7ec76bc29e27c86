from importlib import import_module

from django.conf import settings
from django.conf.urls.static import static
from django.contrib import admin
from django.urls import include, path
from django.views.generic import RedirectView

from parkos.config.api import APP_LABELS, api

urlpatterns = [
    path("", RedirectView.as_view(pattern_name="parks:home", permanent=False), name="home"),
    # Browsers ask the root for it whatever the page links, and /api/docs links none.
    path(
        "favicon.ico",
        RedirectView.as_view(url=settings.STATIC_URL + "favicon.ico", permanent=True),
    ),
    path("admin/", admin.site.urls),
    # ThingsBoard-compatible device API: existing firmware switches by changing the host.
    path("api/v1/", include("parkos.iot.device_urls")),
    path("api/", api.urls),
    path("accounts/", include("parkos.accounts.urls")),
    path("", include("parkos.parks.urls")),
]

for app_label in APP_LABELS:
    try:
        import_module(f"parkos.{app_label}.urls")
    except ModuleNotFoundError as missing:
        if missing.name not in (f"parkos.{app_label}", f"parkos.{app_label}.urls"):
            raise
        continue
    urlpatterns.append(path(f"{app_label}/", include(f"parkos.{app_label}.urls")))

if settings.DEBUG:
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
