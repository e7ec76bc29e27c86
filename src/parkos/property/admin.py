"""Property in the admin. What the services write (tickets and their history, checklists and
their schedules with the technicians assigned, rounds, spot checks and findings, surveys and
answers, scores, weights and closed months, tenants' profiles, dispatch models) is read-only
here: a change made in the admin would write no ticket event, no audit entry and no rescore.
The companies, their teams, technicians, shifts and SLA targets are the organisation no
service manages, edited here by the people who run it."""

from django.contrib import admin

from parkos.core.admin import ReadOnlyAdmin, ReferenceDataAdmin
from parkos.property.models import (
    CategoryCorrection,
    DispatchModel,
    Finding,
    InspectionRound,
    InspectionSchedule,
    InspectionTemplate,
    MonthClose,
    MonthlyScore,
    PropertyCompany,
    ScoreWeights,
    Shift,
    SLAPolicy,
    SpotCheck,
    Survey,
    SurveyResponse,
    Team,
    Technician,
    TenantProfile,
    Ticket,
    TicketEvent,
)

# Reference data: the organisation of each property company.


@admin.register(PropertyCompany)
class PropertyCompanyAdmin(ReferenceDataAdmin):
    editable_because = (
        "A property company, its zone and its auto-dispatch threshold are set up by the park's "
        "operator; no service creates or changes them."
    )
    list_display = ["name", "zone", "park", "auto_dispatch_threshold"]


@admin.register(Team)
class TeamAdmin(ReferenceDataAdmin):
    editable_because = "A company's teams are its own organisation; no service manages them."
    list_display = ["name", "company"]


@admin.register(Technician)
class TechnicianAdmin(ReferenceDataAdmin):
    editable_because = (
        "Hiring a technician, their skills, zones and leaving are HR records no service "
        "manages; routing reads them as they are."
    )
    list_display = ["user", "company", "team", "active"]
    list_filter = ["company"]


@admin.register(Shift)
class ShiftAdmin(ReferenceDataAdmin):
    editable_because = "The duty rota is planned by the company; no service writes shifts."
    list_display = ["technician", "start", "end"]


@admin.register(SLAPolicy)
class SLAPolicyAdmin(ReferenceDataAdmin):
    editable_because = (
        "Response and resolution targets are contract terms; deadlines are computed from them "
        "when a ticket is raised, so a change applies to new tickets only."
    )
    list_display = ["company", "priority", "category", "response_minutes", "resolution_minutes"]
    list_filter = ["company"]


# Written by the services: read-only.


@admin.register(Ticket)
class TicketAdmin(ReadOnlyAdmin):
    list_display = ["number", "title", "company", "category", "status", "created_at"]
    list_filter = ["company", "status", "category"]
    search_fields = ["number", "title"]


@admin.register(TicketEvent)
class TicketEventAdmin(ReadOnlyAdmin):
    list_display = ["ticket", "kind", "from_status", "to_status", "at"]
    list_filter = ["kind"]


@admin.register(CategoryCorrection)
class CategoryCorrectionAdmin(ReadOnlyAdmin):
    list_display = ["ticket", "predicted", "corrected", "at"]


@admin.register(DispatchModel)
class DispatchModelAdmin(ReadOnlyAdmin):
    list_display = ["company", "trained_at", "samples"]
    exclude = ["blob"]


@admin.register(InspectionTemplate)
class InspectionTemplateAdmin(ReadOnlyAdmin):
    list_display = ["name", "company"]
    list_filter = ["company"]


@admin.register(InspectionSchedule)
class InspectionScheduleAdmin(ReadOnlyAdmin):
    list_display = ["template", "frequency", "building", "active"]


@admin.register(InspectionRound)
class InspectionRoundAdmin(ReadOnlyAdmin):
    list_display = ["template", "company", "technician", "due_date", "status"]
    list_filter = ["status", "company"]


@admin.register(SpotCheck)
class SpotCheckAdmin(ReadOnlyAdmin):
    list_display = ["inspector", "company", "checked_on"]


@admin.register(Finding)
class FindingAdmin(ReadOnlyAdmin):
    list_display = ["description", "severity", "deadline", "status"]
    list_filter = ["status", "severity"]


@admin.register(Survey)
class SurveyAdmin(ReadOnlyAdmin):
    list_display = ["title", "park", "opens_on", "closes_on"]


@admin.register(SurveyResponse)
class SurveyResponseAdmin(ReadOnlyAdmin):
    list_display = ["survey", "enterprise", "company", "average_rating", "answered_at"]


@admin.register(MonthlyScore)
class MonthlyScoreAdmin(ReadOnlyAdmin):
    list_display = ["company", "month", "total", "rank", "verdict"]
    list_filter = ["month"]


@admin.register(ScoreWeights)
class ScoreWeightsAdmin(ReadOnlyAdmin):
    list_display = ["park", "safety", "service", "satisfaction", "inspection"]


@admin.register(MonthClose)
class MonthCloseAdmin(ReadOnlyAdmin):
    list_display = ["park", "month", "closed_by", "closed_at"]


@admin.register(TenantProfile)
class TenantProfileAdmin(ReadOnlyAdmin):
    list_display = ["enterprise", "consent", "updated_at"]
