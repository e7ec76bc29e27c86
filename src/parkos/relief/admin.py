"""Rent relief in the admin, to read only: programmes, applications, arrears flags and rent
adjustments all change through the services, which check the rules and write the audit."""

from django.contrib import admin

from parkos.core.admin import ReadOnlyAdmin
from parkos.relief.models import ArrearsFlag, ReliefApplication, ReliefProgramme, RentAdjustment


@admin.register(ReliefProgramme)
class ReliefProgrammeAdmin(ReadOnlyAdmin):
    list_display = ("name", "park", "period_start", "period_end", "kind", "status")
    list_filter = ("status", "kind")


@admin.register(ReliefApplication)
class ReliefApplicationAdmin(ReadOnlyAdmin):
    list_display = ("programme", "enterprise", "lease", "amount", "status", "created_at")
    list_filter = ("status", "programme")


@admin.register(ArrearsFlag)
class ArrearsFlagAdmin(ReadOnlyAdmin):
    list_display = ("enterprise", "note", "active", "created_at")


@admin.register(RentAdjustment)
class RentAdjustmentAdmin(ReadOnlyAdmin):
    list_display = ("lease", "enterprise", "amount", "period_start", "period_end")
