from django.urls import path

from parkos.iot import views

app_name = "iot"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("live/", views.live_stream, name="live"),
    path("panel/", views.dashboard_panel, name="panel"),
    path("alarms/<uuid:alarm_id>/", views.alarm_detail, name="alarm_detail"),
    path("alarms/<uuid:alarm_id>/<str:action>/", views.alarm_action, name="alarm_action"),
    path("devices/<uuid:device_id>/series/", views.device_series, name="device_series"),
    path("buildings/<uuid:building_id>/", views.building_floors, name="building"),
    path("energy/", views.energy, name="energy"),
]
