from django.contrib import admin
from django.contrib.auth.admin import UserAdmin

from parkos.accounts.models import ApiToken, Membership, User
from parkos.accounts.services import user_tokens_forget
from parkos.core.admin import ReadOnlyAdmin, ReferenceDataAdmin


class MembershipInline(admin.TabularInline):
    model = Membership
    fk_name = "user"
    extra = 0
    fields = ("role", "park", "enterprise", "organization_type", "organization_id")


@admin.register(User)
class ParkUserAdmin(ReferenceDataAdmin, UserAdmin):
    editable_because = (
        "Platform administrators create sign-ins and grant roles here; no service keeps events "
        "for users, and every save drops the user's cached API sign-ins."
    )
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
class ApiTokenAdmin(ReadOnlyAdmin):
    # Tokens are issued and revoked by the services, which hash them and drop cached sign-ins.
    list_display = ("user", "name", "prefix", "created_at", "last_used_at", "revoked_at")
    exclude = ("key_hash",)
