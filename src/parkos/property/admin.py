from django.contrib import admin

from parkos.property.models import (
    InspectionSchedule,
    InspectionTemplate,
    PropertyCompany,
    Shift,
    SLAPolicy,
    SpotCheck,
    Survey,
    Team,
    Technician,
    Ticket,
)


@admin.register(PropertyCompany)
class PropertyCompanyAdmin(admin.ModelAdmin):
    list_display = ["name", "zone", "park", "auto_dispatch_threshold"]


@admin.register(Technician)
class TechnicianAdmin(admin.ModelAdmin):
    list_display = ["user", "company", "team", "active"]
    list_filter = ["company"]


@admin.register(Ticket)
class TicketAdmin(admin.ModelAdmin):
    list_display = ["number", "title", "company", "category", "status", "created_at"]
    list_filter = ["company", "status", "category"]
    search_fields = ["number", "title"]
    readonly_fields = [f.name for f in Ticket._meta.fields]


admin.site.register(Team)
admin.site.register(SLAPolicy)


@admin.register(InspectionTemplate)
class InspectionTemplateAdmin(admin.ModelAdmin):
    list_display = ["name", "company"]
    list_filter = ["company"]


@admin.register(InspectionSchedule)
class InspectionScheduleAdmin(admin.ModelAdmin):
    list_display = ["template", "frequency", "building", "active"]
    filter_horizontal = ["technicians"]


admin.site.register(Shift)
admin.site.register(SpotCheck)
admin.site.register(Survey)
