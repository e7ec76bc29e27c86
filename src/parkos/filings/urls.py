from django.urls import path

from parkos.filings import views

app_name = "filings"

urlpatterns = [
    path("", views.round_list, name="rounds"),
    path("rounds/new/", views.round_create, name="round_create"),
    path("rounds/<uuid:round_id>/", views.round_detail, name="round_detail"),
    path("rounds/<uuid:round_id>/submit/", views.submit, name="submit"),
    path("rounds/<uuid:round_id>/act/", views.round_act, name="round_act"),
    path("rounds/<uuid:round_id>/close/", views.round_close, name="round_close"),
    path("rounds/<uuid:round_id>/export/", views.round_export, name="round_export"),
    path("submissions/<uuid:submission_id>/", views.submission_detail, name="submission_detail"),
]
