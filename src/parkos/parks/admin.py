from django.contrib import admin

from parkos.parks.models import Building, Enterprise, Floor, Lease, Park, ParkKPI, Unit, Zone


@admin.register(Park)
class ParkAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "city", "parent")


@admin.register(Enterprise)
class EnterpriseAdmin(admin.ModelAdmin):
    list_display = ("name", "credit_code", "park", "industry", "size", "headcount")
    list_filter = ("park", "industry", "size")
    search_fields = ("name", "name_en", "credit_code")


@admin.register(Lease)
class LeaseAdmin(admin.ModelAdmin):
    list_display = ("unit", "enterprise", "start", "end", "monthly_rent")
    raw_id_fields = ("unit", "enterprise")

    # Leases change through the service, which checks overlaps and writes the audit log.
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


admin.site.register([Zone, Building, Floor, Unit, ParkKPI])
