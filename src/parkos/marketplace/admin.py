from django.contrib import admin

from parkos.marketplace.models import (
    Category,
    Order,
    OrderRefund,
    Product,
    Provider,
    VoucherGrant,
    VoucherLedgerEntry,
    VoucherProgramme,
)


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "name_en", "parent", "position"]


@admin.register(Provider)
class ProviderAdmin(admin.ModelAdmin):
    list_display = ["name", "status", "score", "flagged"]
    list_filter = ["status", "flagged"]
    search_fields = ["name", "name_en", "credit_code"]


@admin.register(Product)
class ProductAdmin(admin.ModelAdmin):
    list_display = ["name", "provider", "category", "status", "min_price", "voucher_eligible"]
    list_filter = ["status", "delivery_model", "voucher_eligible"]
    search_fields = ["name", "name_en"]
    readonly_fields = ["search_document"]


class RefundInline(admin.TabularInline):
    model = OrderRefund
    extra = 0
    can_delete = False
    readonly_fields = [
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


@admin.register(Order)
class OrderAdmin(admin.ModelAdmin):
    list_display = ["number", "product", "enterprise", "status", "amount", "voucher_amount"]
    list_filter = ["status"]
    search_fields = ["number"]
    inlines = [RefundInline]


@admin.register(VoucherProgramme)
class VoucherProgrammeAdmin(admin.ModelAdmin):
    list_display = ["name", "total_budget", "granted_total", "redeemed_total", "reimbursed_total"]


class LedgerInline(admin.TabularInline):
    model = VoucherLedgerEntry
    extra = 0
    can_delete = False
    readonly_fields = ["kind", "balance_delta", "reserved_delta", "order", "actor", "at"]


@admin.register(VoucherGrant)
class VoucherGrantAdmin(admin.ModelAdmin):
    """Read-only: voucher money moves through the services and their ledger only."""

    list_display = ["programme", "enterprise", "amount", "balance", "reserved", "valid_until"]
    inlines = [LedgerInline]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
