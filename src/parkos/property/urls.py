from django.urls import path

from parkos.property import views, views_inspections, views_quality

app_name = "property"

urlpatterns = [
    path("", views.home, name="home"),
    path("tickets/new/", views.ticket_new, name="ticket_new"),
    path("tickets/<uuid:ticket_id>/", views.ticket_detail, name="ticket_detail"),
    path(
        "tickets/<uuid:ticket_id>/photos/<uuid:photo_id>/",
        views.ticket_photo,
        name="ticket_photo",
    ),
    path("tickets/<uuid:ticket_id>/<slug:action>/", views.ticket_action, name="ticket_action"),
    path("rounds/<uuid:round_id>/", views_quality.round_form, name="round"),
    path("inspections/", views_inspections.inspections, name="inspections"),
    path(
        "inspections/templates/new/",
        views_inspections.inspection_template_new,
        name="inspection_template_new",
    ),
    path(
        "inspections/templates/<uuid:template_id>/",
        views_inspections.inspection_template_edit,
        name="inspection_template",
    ),
    path(
        "inspections/templates/item-row/",
        views_inspections.inspection_item_row,
        name="inspection_item_row",
    ),
    path(
        "inspections/schedules/new/",
        views_inspections.inspection_schedule_new,
        name="inspection_schedule_new",
    ),
    path(
        "inspections/schedules/<int:schedule_id>/",
        views_inspections.inspection_schedule_detail,
        name="inspection_schedule",
    ),
    path("spot-checks/", views_quality.spot_checks, name="spot_checks"),
    path("findings/<uuid:finding_id>/", views_quality.finding_follow_up, name="finding_follow_up"),
    path("surveys/", views_quality.surveys, name="surveys"),
    path("surveys/<uuid:survey_id>/", views_quality.survey_detail, name="survey_detail"),
    path("scores/", views_quality.scores, name="scores"),
    path("profile/", views_quality.profile, name="profile"),
]
