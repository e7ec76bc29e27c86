from django.contrib import admin

from parkos.core.admin import ReadOnlyAdmin
from parkos.parks.models import Building, Enterprise, Floor, Lease, Park, ParkKPI, Unit, Zone

# The park tree, the directory, leases and KPIs change through parks.services, which check
# them and write the audit log: the admin only shows them.


@admin.register(Park)
class ParkAdmin(ReadOnlyAdmin):
    list_display = ("code", "name", "city", "parent")


@admin.register(Enterprise)
class EnterpriseAdmin(ReadOnlyAdmin):
    list_display = ("name", "credit_code", "park", "industry", "size", "headcount")
    list_filter = ("park", "industry", "size")
    search_fields = ("name", "name_en", "credit_code")


@admin.register(Lease)
class LeaseAdmin(ReadOnlyAdmin):
    list_display = ("unit", "enterprise", "start", "end", "monthly_rent")


@admin.register(Zone)
class ZoneAdmin(ReadOnlyAdmin):
    list_display = ("name", "park")


@admin.register(Building)
class BuildingAdmin(ReadOnlyAdmin):
    list_display = ("name", "park", "zone")


@admin.register(Floor)
class FloorAdmin(ReadOnlyAdmin):
    list_display = ("building", "level", "name")


@admin.register(Unit)
class UnitAdmin(ReadOnlyAdmin):
    list_display = ("number", "floor", "area")


@admin.register(ParkKPI)
class ParkKPIAdmin(ReadOnlyAdmin):
    list_display = ("park", "year", "enterprises", "employees", "output_value")
