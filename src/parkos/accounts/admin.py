from django.contrib import admin
from django.contrib.auth.admin import UserAdmin

from parkos.accounts.models import ApiToken, Membership, User


class MembershipInline(admin.TabularInline):
    model = Membership
    fk_name = "user"
    extra = 0
    raw_id_fields = ("park", "enterprise")


@admin.register(User)
class ParkUserAdmin(UserAdmin):
    fieldsets = (
        *UserAdmin.fieldsets,
        ("ParkOS", {"fields": ("display_name", "language", "phone")}),
    )
    list_display = ("username", "display_name", "email", "is_active", "is_staff")
    inlines = [MembershipInline]


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ("user", "name", "prefix", "created_at", "last_used_at", "revoked_at")
    readonly_fields = ("key_hash", "prefix")
