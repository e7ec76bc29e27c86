"""The admin cannot go around the services. A model whose rows services change (money, orders,
vouchers, tickets, alarms, cases, scores, leases, the park tree) is shown read-only: a change
made here would write no event, no ledger entry and no audit entry. Only reference data that no
service manages may be edited, and its admin says why."""

from django.contrib import admin


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


class ReferenceDataAdmin(admin.ModelAdmin):
    """Editable reference data. Subclasses set `editable_because` to the reason no service
    needs to see the change (a test refuses an empty reason)."""

    editable_because: str = ""
