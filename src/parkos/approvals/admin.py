from django.contrib import admin

from parkos.approvals.models import Case, CaseEvent, Notification, Process, Step


class StepInline(admin.TabularInline):
    model = Step
    extra = 1
    fields = ("position", "name", "role", "scope", "deadline_days", "sign_off")


@admin.register(Process)
class ProcessAdmin(admin.ModelAdmin):
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


@admin.register(Case)
class CaseAdmin(admin.ModelAdmin):
    list_display = ("title", "process", "status", "current_step", "deadline", "overdue")
    list_filter = ("process", "status", "overdue")
    search_fields = ("title", "subject_id")
    inlines = [CaseEventInline]

    # Cases move only through the services, which check the transition and keep the timeline.
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ("title", "user", "created_at", "read_at")
