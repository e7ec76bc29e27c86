from django.contrib import admin

from parkos.core.admin import ReadOnlyAdmin
from parkos.techtransfer.models import (
    Achievement,
    Call,
    Contract,
    Deal,
    Demand,
    Institution,
    Match,
    Proposal,
)


@admin.register(Institution)
class InstitutionAdmin(ReadOnlyAdmin):
    list_display = ("name", "region")
    search_fields = ("name", "name_en")


@admin.register(Achievement)
class AchievementAdmin(ReadOnlyAdmin):
    list_display = ("title", "institution", "field", "trl", "status", "expires_on")
    list_filter = ("status", "field")
    search_fields = ("title", "title_en")


@admin.register(Demand)
class DemandAdmin(ReadOnlyAdmin):
    list_display = (
        "title",
        "field",
        "trl_required",
        "budget",
        "deadline",
        "confidential",
        "status",
    )
    list_filter = ("status", "field", "confidential")


@admin.register(Call)
class CallAdmin(ReadOnlyAdmin):
    list_display = ("title", "reward", "deadline", "status")


@admin.register(Proposal)
class ProposalAdmin(ReadOnlyAdmin):
    list_display = ("call", "institution", "status")


@admin.register(Match)
class MatchAdmin(ReadOnlyAdmin):
    list_display = ("demand", "achievement", "score", "strong", "status")


@admin.register(Deal)
class DealAdmin(ReadOnlyAdmin):
    list_display = ("match", "broker", "stage", "stage_due")
    list_filter = ("stage",)


@admin.register(Contract)
class ContractAdmin(ReadOnlyAdmin):
    list_display = ("number", "title", "contract_type", "amount", "branch", "signed_on")
    list_filter = ("contract_type", "field")
