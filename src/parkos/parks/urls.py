from django.urls import path

from parkos.parks import views

app_name = "parks"

urlpatterns = [
    path("parks/", views.home, name="home"),
    path("parks/<uuid:park_id>/", views.overview, name="overview"),
    path("enterprises/", views.enterprise_list, name="enterprise_list"),
    path("enterprises/import/", views.enterprise_import, name="enterprise_import"),
    path("enterprises/import/<uuid:job_id>/", views.import_status, name="import_status"),
    path("audit/", views.audit_log, name="audit_log"),
    path("enterprises/<uuid:enterprise_id>/", views.enterprise_detail, name="enterprise_detail"),
]
