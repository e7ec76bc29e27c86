from django.urls import path

from parkos.parks import views

app_name = "parks"

urlpatterns = [
    path("parks/", views.home, name="home"),
    path("parks/<uuid:park_id>/", views.overview, name="overview"),
    path("enterprises/", views.enterprise_list, name="enterprise_list"),
    path("enterprises/import/", views.enterprise_import, name="enterprise_import"),
    # The page of an enterprise import as it was first linked; the same page as any import's.
    path("enterprises/import/<uuid:job_id>/", views.import_job, name="import_status"),
    path("imports/<uuid:job_id>/", views.import_job, name="import_job"),
    path("imports/<uuid:job_id>/report.xlsx", views.import_report, name="import_report"),
    path("audit/", views.audit_log, name="audit_log"),
    path("enterprises/<uuid:enterprise_id>/", views.enterprise_detail, name="enterprise_detail"),
]
