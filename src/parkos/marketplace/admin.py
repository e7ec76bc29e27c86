"""The supermarket in the admin: to read, not to change. Providers, products, orders,
programmes, grants and their ledger move through the services, which write the events, the
ledger entries and the audit entries an edit here would skip."""

from django.contrib import admin

from parkos.core.admin import ReadOnlyAdmin, ReferenceDataAdmin
from parkos.marketplace.models import (
    Category,
    Complaint,
    Order,
    OrderEvent,
    OrderRefund,
    Product,
    Provider,
    ProviderScore,
    Review,
    VoucherApplication,
    VoucherClaim,
    VoucherGrant,
    VoucherLedgerEntry,
    VoucherProgramme,
)


@admin.register(Category)
class CategoryAdmin(ReferenceDataAdmin):
    editable_because = (
        "The category tree is reference data: no service writes it, no money or history "
        "hangs on it, and pages reread it within minutes (selectors.category_tree)."
    )
    list_display = ["code", "name", "name_en", "parent", "position"]


@admin.register(Provider)
class ProviderAdmin(ReadOnlyAdmin):
    list_display = ["name", "status", "score", "flagged"]
    list_filter = ["status", "flagged"]
    search_fields = ["name", "name_en", "credit_code"]


@admin.register(Product)
class ProductAdmin(ReadOnlyAdmin):
    list_display = ["name", "provider", "category", "status", "min_price", "voucher_eligible"]
    list_filter = ["status", "delivery_model", "voucher_eligible"]
    search_fields = ["name", "name_en"]


class EventInline(admin.TabularInline):
    model = OrderEvent
    extra = 0
    can_delete = False
    fields = readonly_fields = ["at", "action", "from_status", "to_status", "amount", "actor"]

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class RefundInline(admin.TabularInline):
    model = OrderRefund
    extra = 0
    can_delete = False
    fields = readonly_fields = [
        "reason",
        "complaint",
        "voucher_amount",
        "enterprise_amount",
        "clawback_amount",
        "note",
        "actor",
        "at",
    ]

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Order)
class OrderAdmin(ReadOnlyAdmin):
    list_display = ["number", "product", "enterprise", "status", "amount", "voucher_amount"]
    list_filter = ["status"]
    search_fields = ["number"]
    inlines = [EventInline, RefundInline]


@admin.register(Complaint)
class ComplaintAdmin(ReadOnlyAdmin):
    list_display = ["order", "provider", "status", "created_at", "resolved_at"]
    list_filter = ["status"]


@admin.register(Review)
class ReviewAdmin(ReadOnlyAdmin):
    list_display = ["order", "product", "stars", "created_at"]


@admin.register(ProviderScore)
class ProviderScoreAdmin(ReadOnlyAdmin):
    list_display = ["provider", "computed_at", "score", "flagged"]


@admin.register(VoucherProgramme)
class VoucherProgrammeAdmin(ReadOnlyAdmin):
    list_display = ["name", "total_budget", "granted_total", "redeemed_total", "reimbursed_total"]


@admin.register(VoucherApplication)
class VoucherApplicationAdmin(ReadOnlyAdmin):
    list_display = ["programme", "enterprise", "amount", "status", "created_at"]
    list_filter = ["status"]


class LedgerInline(admin.TabularInline):
    model = VoucherLedgerEntry
    extra = 0
    can_delete = False
    fields = readonly_fields = ["kind", "balance_delta", "reserved_delta", "order", "actor", "at"]

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(VoucherGrant)
class VoucherGrantAdmin(ReadOnlyAdmin):
    list_display = ["programme", "enterprise", "amount", "balance", "reserved", "valid_until"]
    inlines = [LedgerInline]


@admin.register(VoucherClaim)
class VoucherClaimAdmin(ReadOnlyAdmin):
    list_display = ["order", "provider", "amount", "status", "clawed_back", "clawback_settled"]
    list_filter = ["status"]
