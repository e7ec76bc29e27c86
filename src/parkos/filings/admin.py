from django.contrib import admin

from parkos.filings.models import FilingRound, Submission, SubmissionRevision


@admin.register(FilingRound)
class FilingRoundAdmin(admin.ModelAdmin):
    list_display = ("title", "park", "period_start", "period_end", "due_on", "status")
    list_filter = ("status", "park")
    readonly_fields = ("opened_by", "opened_at", "closed_by", "closed_at")


class RevisionInline(admin.TabularInline):
    model = SubmissionRevision
    extra = 0
    can_delete = False
    readonly_fields = [f.name for f in SubmissionRevision._meta.fields]


@admin.register(Submission)
class SubmissionAdmin(admin.ModelAdmin):
    list_display = ("enterprise", "round", "total_staff", "returned_staff", "version", "flag_count")
    list_filter = ("round",)
    search_fields = ("enterprise__name",)
    inlines = [RevisionInline]
