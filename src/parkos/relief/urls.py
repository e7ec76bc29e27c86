from django.urls import path

from parkos.relief import views

app_name = "relief"

urlpatterns = [
    path("", views.home, name="home"),
    path("programmes/new/", views.programme_new, name="programme_new"),
    path("programmes/<uuid:programme_id>/", views.programme_detail, name="programme_detail"),
    path("programmes/<uuid:programme_id>/apply/", views.apply, name="apply"),
    path("programmes/<uuid:programme_id>/quote/", views.quote, name="quote"),
    path("programmes/<uuid:programme_id>/act/", views.programme_act, name="programme_act"),
    path("programmes/<uuid:programme_id>/publish/", views.programme_publish, name="publish"),
    path("report/", views.report, name="report"),
]
