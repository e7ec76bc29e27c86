"""The re-opening ledger in the admin, to read only: rounds open and close through the
services (audited), submissions are filed through them with every version kept."""

from django.contrib import admin

from parkos.core.admin import ReadOnlyAdmin
from parkos.filings.models import FilingRound, Submission, SubmissionRevision


@admin.register(FilingRound)
class FilingRoundAdmin(ReadOnlyAdmin):
    list_display = ("title", "park", "period_start", "period_end", "due_on", "status")
    list_filter = ("status", "park")


class RevisionInline(admin.TabularInline):
    model = SubmissionRevision
    extra = 0
    can_delete = False
    readonly_fields = [f.name for f in SubmissionRevision._meta.fields]

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Submission)
class SubmissionAdmin(ReadOnlyAdmin):
    list_display = ("enterprise", "round", "total_staff", "returned_staff", "version", "flag_count")
    list_filter = ("round",)
    search_fields = ("enterprise__name",)
    inlines = [RevisionInline]
