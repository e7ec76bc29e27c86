"""Mounted at /api/v1/ by the root URLconf: the ThingsBoard-compatible device API."""

from django.urls import path

from parkos.iot import device_views

app_name = "iot_devices"

urlpatterns = [
    path("<str:token>/telemetry", device_views.telemetry_post, name="telemetry"),
    path("<str:token>/attributes", device_views.attributes_post, name="attributes"),
]
