"""The talent app's rows in the admin: read-only, as services change them all (the ledger's
table refuses changes in the database itself)."""

from django.contrib import admin

from parkos.core.admin import ReadOnlyAdmin
from parkos.talent.models import (
    Application,
    Booth,
    Candidate,
    HousingSubsidy,
    JobFair,
    LedgerRecord,
    OneThingApplication,
    ParkPolicy,
    Position,
    SubCase,
    SubsidyRule,
)


@admin.register(Position)
class PositionAdmin(ReadOnlyAdmin):
    list_display = ("title", "enterprise", "field", "level", "status", "closes_on")
    list_filter = ("status", "field", "level")
    search_fields = ("title",)


@admin.register(Candidate)
class CandidateAdmin(ReadOnlyAdmin):
    # Personal data stays out of the list: the name only, no phone or ID number.
    list_display = ("name", "field", "level", "city", "created_at", "deleted_at")
    exclude = ("phone", "email", "id_number_encrypted", "id_hmac", "resume_text")


@admin.register(JobFair)
class JobFairAdmin(ReadOnlyAdmin):
    list_display = ("title", "park", "theme", "starts_at", "ends_at")


@admin.register(Booth)
class BoothAdmin(ReadOnlyAdmin):
    list_display = ("fair", "enterprise", "status")
    list_filter = ("status",)


@admin.register(Application)
class ApplicationAdmin(ReadOnlyAdmin):
    list_display = ("position", "enterprise", "status", "applied_at")
    list_filter = ("status",)


@admin.register(OneThingApplication)
class OneThingApplicationAdmin(ReadOnlyAdmin):
    list_display = ("name", "id_masked", "park", "created_at")
    exclude = ("id_number_encrypted", "id_hmac", "phone")


@admin.register(SubCase)
class SubCaseAdmin(ReadOnlyAdmin):
    list_display = ("application", "kind", "status", "deadline")
    list_filter = ("kind", "status")


@admin.register(HousingSubsidy)
class HousingSubsidyAdmin(ReadOnlyAdmin):
    list_display = ("subcase", "price", "amount", "rule", "status")
    exclude = ("id_hmac",)


@admin.register(SubsidyRule)
class SubsidyRuleAdmin(ReadOnlyAdmin):
    list_display = ("version", "rate", "cap", "window_years", "in_force_from")


@admin.register(LedgerRecord)
class LedgerRecordAdmin(ReadOnlyAdmin):
    list_display = ("seq", "kind", "park_code", "amount", "recorded_at", "hash")


@admin.register(ParkPolicy)
class ParkPolicyAdmin(ReadOnlyAdmin):
    list_display = ("park", "review_positions")
