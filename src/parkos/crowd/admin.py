"""Read-mostly admin: areas and counters are changed through the services (audited), so
here warnings and their events are shown, not edited."""

from django.contrib import admin

from parkos.crowd.models import Area, Counter, CrowdWarning, WarningEvent


@admin.register(Area)
class AreaAdmin(admin.ModelAdmin):
    list_display = ("name", "park", "kind", "capacity", "warning_threshold", "critical_threshold")
    list_filter = ("park", "kind")
    readonly_fields = [f.name for f in Area._meta.fields]


@admin.register(Counter)
class CounterAdmin(admin.ModelAdmin):
    list_display = ("name", "park", "area", "device_id", "forecast_model", "forecast_is_fallback")
    list_filter = ("park", "forecast_is_fallback")
    search_fields = ("name",)
    readonly_fields = [f.name for f in Counter._meta.fields]


class EventInline(admin.TabularInline):
    model = WarningEvent
    extra = 0
    can_delete = False
    readonly_fields = [f.name for f in WarningEvent._meta.fields]


@admin.register(CrowdWarning)
class CrowdWarningAdmin(admin.ModelAdmin):
    list_display = (
        "area",
        "kind",
        "level",
        "status",
        "expected_at",
        "expected_count",
        "lead_hours",
    )
    list_filter = ("status", "level", "kind")
    readonly_fields = [f.name for f in CrowdWarning._meta.fields]
    inlines = [EventInline]
