from django.urls import path

from parkos.talent import views

app_name = "talent"

urlpatterns = [
    path("", views.home, name="home"),
    path("positions/", views.position_list, name="positions"),
    path("positions/new/", views.position_new, name="position_new"),
    path("positions/<uuid:position_id>/", views.position_detail, name="position_detail"),
    path("positions/<uuid:position_id>/action/", views.position_action, name="position_action"),
    path("positions/<uuid:position_id>/board/", views.position_board, name="position_board"),
    path("apply/", views.apply, name="apply"),
    path(
        "applications/<uuid:application_id>/", views.application_detail, name="application_detail"
    ),
    path(
        "applications/<uuid:application_id>/action/",
        views.application_action,
        name="application_action",
    ),
    path(
        "applications/<uuid:application_id>/interview/",
        views.interview_new,
        name="interview_new",
    ),
    path("interviews/<uuid:interview_id>/score/", views.interview_score, name="interview_score"),
    path("slots/", views.slots, name="slots"),
    path("fairs/", views.fair_list, name="fairs"),
    path("fairs/new/", views.fair_new, name="fair_new"),
    path("fairs/<uuid:fair_id>/", views.fair_detail, name="fair_detail"),
    path("fairs/<uuid:fair_id>/live/", views.fair_live, name="fair_live"),
    path("fairs/<uuid:fair_id>/booth/", views.booth_request, name="booth_request"),
    path("fairs/<uuid:fair_id>/survey/", views.fair_survey, name="fair_survey"),
    path("booths/<uuid:booth_id>/action/", views.booth_action, name="booth_action"),
    path("demand/", views.demand, name="demand"),
    path("universities/", views.universities, name="universities"),
    path("register/", views.register, name="register"),
    path("me/", views.profile, name="profile"),
    path("me/resume/", views.resume_upload, name="resume_upload"),
    path("me/export/", views.profile_export, name="profile_export"),
    path("me/delete/", views.profile_delete, name="profile_delete"),
    path("consents/<uuid:consent_id>/withdraw/", views.consent_withdraw, name="consent_withdraw"),
    path("onething/", views.onething_home, name="onething"),
    path("onething/<uuid:application_id>/", views.onething_detail, name="onething_detail"),
    path("subsidies/<uuid:subsidy_id>/pay/", views.subsidy_pay, name="subsidy_pay"),
    path("ledger/", views.ledger, name="ledger"),
    path("ledger/check/", views.ledger_check, name="ledger_check"),
]
