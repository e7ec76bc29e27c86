from django.urls import path

from parkos.approvals import views

app_name = "approvals"

urlpatterns = [
    path("", views.inbox, name="inbox"),
    path("mine/", views.my_cases, name="my_cases"),
    path("cases/<uuid:case_id>/", views.case_detail, name="case_detail"),
    path("cases/<uuid:case_id>/act/", views.case_act, name="case_act"),
    path("cases/<uuid:case_id>/comment/", views.case_comment, name="case_comment"),
    path("attachments/<uuid:attachment_id>/", views.attachment_download, name="attachment"),
    path("notifications/", views.notifications, name="notifications"),
    path("processes/", views.process_list, name="process_list"),
    path("processes/<uuid:process_id>/", views.process_edit, name="process_edit"),
]
