"""The operations center in the admin, read-only: devices, their types and credentials,
rules and alarms are changed through the services, which check the park, write the audit
entry and the alarm's history and tell the broker; a change made here would do none of it.
Readings are not listed: their tables have composite keys, which the admin cannot show, and
the API serves them (/api/iot/devices/<id>/telemetry)."""

from django.contrib import admin

from parkos.core.admin import ReadOnlyAdmin
from parkos.iot.models import (
    Alarm,
    AlarmEvent,
    AlarmRule,
    Device,
    DeviceCredential,
    DeviceType,
    TelemetryKey,
)


class TelemetryKeyInline(admin.TabularInline):
    model = TelemetryKey
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


@admin.register(DeviceType)
class DeviceTypeAdmin(ReadOnlyAdmin):
    list_display = ("code", "name", "kind", "offline_after")
    inlines = [TelemetryKeyInline]


@admin.register(Device)
class DeviceAdmin(ReadOnlyAdmin):
    list_display = ("serial", "name", "park", "device_type", "building", "last_seen_at")
    list_filter = ("park", "device_type")
    search_fields = ("serial", "name")
    list_select_related = ("park", "device_type", "building")


@admin.register(DeviceCredential)
class DeviceCredentialAdmin(ReadOnlyAdmin):
    list_display = ("device", "token_prefix", "created_at", "revoked_at")
    exclude = ("token_hash",)
    list_select_related = ("device",)


@admin.register(AlarmRule)
class AlarmRuleAdmin(ReadOnlyAdmin):
    list_display = ("name", "park", "kind", "key", "severity", "enabled")
    list_filter = ("park", "kind", "severity", "enabled")
    list_select_related = ("park",)


class AlarmEventInline(admin.TabularInline):
    model = AlarmEvent
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Alarm)
class AlarmAdmin(ReadOnlyAdmin):
    list_display = ("title", "park", "severity", "status", "count", "last_raised_at")
    list_filter = ("status", "severity", "park")
    search_fields = ("title", "message")
    list_select_related = ("park",)
    inlines = [AlarmEventInline]
