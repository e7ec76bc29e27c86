from django.urls import path

from parkos.crowd import views

app_name = "crowd"

urlpatterns = [
    path("", views.home, name="home"),
    path("areas/<uuid:area_id>/", views.area_detail, name="area"),
    path("warnings/", views.warning_list, name="warnings"),
]
