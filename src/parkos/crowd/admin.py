"""Crowd flow in the admin, read-only: areas and counters are changed through the services
(audited), counts through the import and the roll-up, forecasts by the engine, warnings by
their evaluations (each change kept as an event); a change made here would do none of it."""

from django.contrib import admin

from parkos.core.admin import ReadOnlyAdmin
from parkos.crowd.models import Area, Counter, CrowdWarning, ForecastPoint, WarningEvent


@admin.register(Area)
class AreaAdmin(ReadOnlyAdmin):
    list_display = ("name", "park", "kind", "capacity", "warning_threshold", "critical_threshold")
    list_filter = ("park", "kind")


@admin.register(Counter)
class CounterAdmin(ReadOnlyAdmin):
    list_display = ("name", "park", "area", "device_id", "forecast_model", "forecast_is_fallback")
    list_filter = ("park", "forecast_is_fallback")
    search_fields = ("name",)


class EventInline(admin.TabularInline):
    model = WarningEvent
    extra = 0
    can_delete = False
    readonly_fields = [f.name for f in WarningEvent._meta.fields]


@admin.register(CrowdWarning)
class CrowdWarningAdmin(ReadOnlyAdmin):
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
    inlines = [EventInline]


@admin.register(ForecastPoint)
class ForecastPointAdmin(ReadOnlyAdmin):
    list_display = ("area", "counter", "starts_at", "step", "expected", "upper_80", "issued_at")
    list_filter = ("area__park",)
    list_select_related = ("area", "counter")
