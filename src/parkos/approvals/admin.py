"""Approvals in the admin, to read only: processes change through `process_update` (which
keeps the steps cases stand on), cases through the services that check each move and keep
the timeline, notifications are written by the engine."""

from django.contrib import admin

from parkos.approvals.models import Case, CaseEvent, Notification, Process, Step
from parkos.core.admin import ReadOnlyAdmin


class StepInline(admin.TabularInline):
    model = Step
    extra = 0
    fields = ("position", "name", "role", "scope", "deadline_days", "sign_off")
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Process)
class ProcessAdmin(ReadOnlyAdmin):
    list_display = ("name", "code", "allow_batch", "active")
    inlines = [StepInline]


class CaseEventInline(admin.TabularInline):
    model = CaseEvent
    extra = 0
    fields = ("at", "kind", "actor", "step", "from_status", "to_status", "text")
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Case)
class CaseAdmin(ReadOnlyAdmin):
    list_display = ("title", "process", "status", "current_step", "deadline", "overdue")
    list_filter = ("process", "status", "overdue")
    search_fields = ("title", "subject_id")
    inlines = [CaseEventInline]


@admin.register(Notification)
class NotificationAdmin(ReadOnlyAdmin):
    list_display = ("title", "user", "created_at", "read_at")
