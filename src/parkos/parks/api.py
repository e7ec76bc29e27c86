"""The park network's JSON door: HTTP in, services and selectors, HTTP out."""

from uuid import UUID

from django.http import Http404, HttpResponse
from django.utils.translation import gettext as _
from ninja import File, Form, Query, Router, Schema, Status, UploadedFile
from ninja.pagination import paginate

from parkos.core import imports as core_imports
from parkos.core.api_errors import existing
from parkos.core.errors import FieldErrors, ValidationFailed
from parkos.core.pagination import Paging
from parkos.parks import imports, permissions, selectors, services
from parkos.parks.models import Industry
from parkos.parks.schemas import (
    BuildingIn,
    BuildingOut,
    BuildingPatch,
    EnterpriseIn,
    EnterpriseOut,
    EnterprisePatch,
    LeaseIn,
    LeaseOut,
    LeasePatch,
    ParkImportOut,
    ParkIn,
    ParkOut,
    ParkPatch,
    UnitIn,
    UnitOut,
    UnitPatch,
)

router = Router(tags=["park network"])


def _filter_park(request, park: UUID | None) -> UUID | None:
    if park is not None and not selectors.park_exists(actor=request.user, park_id=park):
        raise ValidationFailed.for_field("park", _("Unknown park."))
    return park


@router.get("/parks", response=list[ParkOut])
@paginate(Paging)
def park_list(request):
    return selectors.park_list(actor=request.user)


@router.get("/parks/{park_id}", response=ParkOut)
def park_detail(request, park_id: UUID):
    return selectors.park_get(actor=request.user, park_id=park_id)


@router.post("/parks", response={201: ParkOut})
def park_create(request, payload: ParkIn):
    data = payload.dict()
    parent_id = data.pop("parent")
    parent = (
        existing(selectors.park_get, "parent", actor=request.user, park_id=parent_id)
        if parent_id
        else None
    )
    return Status(201, services.park_create(actor=request.user, parent=parent, **data))


@router.patch("/parks/{park_id}", response=ParkOut)
def park_update(request, park_id: UUID, payload: ParkPatch):
    park = selectors.park_get(actor=request.user, park_id=park_id)
    return services.park_update(actor=request.user, park=park, **payload.dict(exclude_unset=True))


@router.get("/buildings", response=list[BuildingOut])
@paginate(Paging)
def building_list(request, park: UUID | None = None):
    return selectors.building_list(actor=request.user, park_id=_filter_park(request, park))


@router.get("/buildings/{building_id}", response=BuildingOut)
def building_detail(request, building_id: UUID):
    return selectors.building_get(actor=request.user, building_id=building_id)


@router.post("/buildings", response={201: BuildingOut})
def building_create(request, payload: BuildingIn):
    data = payload.dict()
    park = existing(selectors.park_get, "park", actor=request.user, park_id=data.pop("park"))
    zone_id = data.pop("zone")
    zone = None
    if zone_id:
        try:
            zone = selectors.zone_get(actor=request.user, zone_id=zone_id)
        except Http404:
            raise ValidationFailed.for_field("zone", _("Unknown zone.")) from None
    return Status(201, services.building_create(actor=request.user, park=park, zone=zone, **data))


@router.patch("/buildings/{building_id}", response=BuildingOut)
def building_update(request, building_id: UUID, payload: BuildingPatch):
    building = selectors.building_get(actor=request.user, building_id=building_id)
    return services.building_update(
        actor=request.user, building=building, **payload.dict(exclude_unset=True)
    )


@router.get("/units", response=list[UnitOut])
@paginate(Paging)
def unit_list(request, building: UUID | None = None, park: UUID | None = None):
    return selectors.unit_list(
        actor=request.user, building_id=building, park_id=_filter_park(request, park)
    )


@router.get("/units/{unit_id}", response=UnitOut)
def unit_detail(request, unit_id: UUID):
    return selectors.unit_get(actor=request.user, unit_id=unit_id)


@router.post("/units", response={201: UnitOut})
def unit_create(request, payload: UnitIn):
    building = existing(
        selectors.building_get, "building", actor=request.user, building_id=payload.building
    )
    unit = services.unit_create(
        actor=request.user,
        building=building,
        level=payload.level,
        number=payload.number,
        area=payload.area,
    )
    return Status(201, unit)


@router.patch("/units/{unit_id}", response=UnitOut)
def unit_update(request, unit_id: UUID, payload: UnitPatch):
    unit = selectors.unit_get(actor=request.user, unit_id=unit_id)
    return services.unit_update(actor=request.user, unit=unit, **payload.dict(exclude_unset=True))


class EnterpriseFilters(Schema):
    q: str = ""
    industry: str = ""
    park: UUID | None = None


ENTERPRISE_COLUMNS = [name if name != "park" else "park_id" for name in EnterpriseOut.model_fields]


@router.get("/enterprises", response=list[EnterpriseOut])
@paginate(Paging)
def enterprise_list(request, filters: Query[EnterpriseFilters]):
    if filters.industry and filters.industry not in Industry.values:
        raise ValidationFailed.for_field("industry", _("Unknown industry."))
    # Rows of only the columns the schema shows, not model instances: building fifty models
    # (and decoding their timestamps) was the costliest part of the page.
    return selectors.enterprise_list(
        actor=request.user,
        q=filters.q,
        industry=filters.industry,
        park_id=_filter_park(request, filters.park),
    ).values(*ENTERPRISE_COLUMNS)


@router.post("/enterprises/import", response={202: ParkImportOut})
def enterprise_import(
    request, park: Form[UUID | None] = None, file: File[UploadedFile | None] = None
):
    # Who may import is decided before the form is read: a tenant learns nothing from it.
    permissions.require_operator(request.user)
    errors = FieldErrors()
    if park is None:
        errors.add("park", _("This field is required."))
    if file is None:
        errors.add("file", _("This field is required."))
    errors.raise_if_any()
    target = existing(selectors.park_get, "park", actor=request.user, park_id=park)
    content = file.read()
    job = imports.import_start(
        actor=request.user, park=target, file_name=file.name or "upload", content=content
    )
    return Status(202, job)


@router.get("/enterprises/imports/{job_id}", response=ParkImportOut)
def enterprise_import_status(request, job_id: UUID):
    return imports.import_get(actor=request.user, job_id=job_id)


@router.get("/imports/{job_id}", response=ParkImportOut, tags=["imports"])
def import_job(request, job_id: UUID):
    """Any app's import job: progress, then the result or the refused rows."""
    return core_imports.import_job_get(actor=request.user, job_id=job_id)


@router.get("/imports/{job_id}/report.xlsx", tags=["imports"])
def import_report(request, job_id: UUID):
    """The refused rows of an import as an Excel workbook, in the reader's language."""
    job = core_imports.import_job_get(actor=request.user, job_id=job_id)
    response = HttpResponse(
        core_imports.import_report_xlsx(job=job),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f'attachment; filename="import-report-{job.id}.xlsx"'
    return response


@router.get("/enterprises/{enterprise_id}", response=EnterpriseOut)
def enterprise_detail(request, enterprise_id: UUID):
    return selectors.enterprise_get(actor=request.user, enterprise_id=enterprise_id)


@router.post("/enterprises", response={201: EnterpriseOut})
def enterprise_create(request, payload: EnterpriseIn):
    data = payload.dict()
    data["park"] = existing(selectors.park_get, "park", actor=request.user, park_id=data["park"])
    return Status(201, services.enterprise_create(actor=request.user, **data))


@router.patch("/enterprises/{enterprise_id}", response=EnterpriseOut)
def enterprise_update(request, enterprise_id: UUID, payload: EnterprisePatch):
    enterprise = selectors.enterprise_get(actor=request.user, enterprise_id=enterprise_id)
    changes = payload.dict(exclude_unset=True)
    if changes.get("park"):
        changes["park"] = existing(
            selectors.park_get, "park", actor=request.user, park_id=changes["park"]
        )
    return services.enterprise_update(actor=request.user, enterprise=enterprise, **changes)


class LeaseFilters(Schema):
    enterprise: UUID | None = None


@router.get("/leases", response=list[LeaseOut])
@paginate(Paging)
def lease_list(request, filters: Query[LeaseFilters]):
    return selectors.lease_list(actor=request.user, enterprise_id=filters.enterprise)


@router.get("/leases/{lease_id}", response=LeaseOut)
def lease_detail(request, lease_id: UUID):
    return selectors.lease_get(actor=request.user, lease_id=lease_id)


@router.post("/leases", response={201: LeaseOut})
def lease_create(request, payload: LeaseIn):
    unit = existing(selectors.unit_get, "unit", actor=request.user, unit_id=payload.unit)
    enterprise = existing(
        selectors.enterprise_get, "enterprise", actor=request.user, enterprise_id=payload.enterprise
    )
    lease = services.lease_create(
        actor=request.user,
        unit=unit,
        enterprise=enterprise,
        start=payload.start,
        end=payload.end,
        monthly_rent=payload.monthly_rent,
    )
    return Status(201, lease)


@router.patch("/leases/{lease_id}", response=LeaseOut)
def lease_update(request, lease_id: UUID, payload: LeasePatch):
    lease = selectors.lease_get(actor=request.user, lease_id=lease_id)
    return services.lease_update(
        actor=request.user, lease=lease, **payload.dict(exclude_unset=True)
    )
