from django.urls import path

from parkos.techtransfer import views

app_name = "techtransfer"

urlpatterns = [
    path("", views.home, name="home"),
    path("achievements/", views.achievement_list, name="achievement_list"),
    path("achievements/new/", views.achievement_new, name="achievement_new"),
    path(
        "achievements/<uuid:achievement_id>/", views.achievement_detail, name="achievement_detail"
    ),
    path(
        "achievements/<uuid:achievement_id>/action/",
        views.achievement_action,
        name="achievement_action",
    ),
    path("demands/", views.demand_list, name="demand_list"),
    path("demands/new/", views.demand_new, name="demand_new"),
    path("demands/<uuid:demand_id>/", views.demand_detail, name="demand_detail"),
    path("matches/<uuid:match_id>/", views.match_detail, name="match_detail"),
    path("matches/<uuid:match_id>/action/", views.match_action, name="match_action"),
    path("deals/", views.deal_board, name="deal_board"),
    path("deals/<uuid:deal_id>/", views.deal_detail, name="deal_detail"),
    path("deals/<uuid:deal_id>/action/", views.deal_action, name="deal_action"),
    path("deals/<uuid:deal_id>/contract/", views.contract_new, name="contract_new"),
    path("contracts/", views.contract_list, name="contract_list"),
    path("contracts/export.xlsx", views.contract_export, name="contract_export"),
    path("contracts/<uuid:contract_id>/", views.contract_detail, name="contract_detail"),
    path("statistics/", views.statistics, name="statistics"),
    path("calls/", views.call_list, name="call_list"),
    path("calls/new/", views.call_new, name="call_new"),
    path("calls/<uuid:call_id>/", views.call_detail, name="call_detail"),
    path("calls/<uuid:call_id>/action/", views.call_action, name="call_action"),
    path("proposals/<uuid:proposal_id>/action/", views.proposal_action, name="proposal_action"),
]
