from django.contrib import admin
from django.contrib.auth.admin import UserAdmin

from parkos.accounts.models import ApiToken, Membership, User
from parkos.accounts.services import user_tokens_forget


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

    # A deactivated user, or changed memberships, must apply to API tokens at once.
    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        user_tokens_forget(user=obj)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        user_tokens_forget(user=form.instance)


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ("user", "name", "prefix", "created_at", "last_used_at", "revoked_at")
    readonly_fields = ("key_hash", "prefix")

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        user_tokens_forget(user=obj.user)
