"""Rent relief's JSON door. Evidence is attached to the application's case through
`POST /api/approvals/cases/{case}/comments`."""

from uuid import UUID

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from ninja import Router, Status
from ninja.pagination import paginate

from parkos.core.errors import NotFound, ValidationFailed
from parkos.core.pagination import Paging
from parkos.parks.selectors import enterprise_get, lease_get, park_get
from parkos.relief import permissions, selectors, services
from parkos.relief.errors import ReliefError
from parkos.relief.schemas import (
    AdjustmentOut,
    ArrearsIn,
    ProgrammeDetailOut,
    ProgrammeIn,
    QuoteOut,
    ReliefApplicationIn,
    ReliefApplicationOut,
    ReliefProgrammeOut,
    ReliefQuoteIn,
    ReportRow,
)
from parkos.relief.workflows import PROGRAMME_WORKFLOW

router = Router(tags=["rent relief"])


# Lookups of ids named in a body: an unknown one is a field error, not a 404. The park
# network's selectors answer Http404 or core's NotFound; both mean the same here.
MISSING = (Http404, NotFound)


def _lease(request, lease_id):
    try:
        return lease_get(actor=request.user, lease_id=lease_id)
    except MISSING as missing:
        raise ValidationFailed.for_field(
            "lease",
            _("This lease is not one of your enterprise's."),
            code=ReliefError.FOREIGN_LEASE,
        ) from missing


@router.get("/programmes", response=list[ReliefProgrammeOut])
@paginate(Paging)
def programme_list(request):
    return selectors.programme_list(actor=request.user)


def _programme_detail(request, programme):
    programme.actions = PROGRAMME_WORKFLOW.action_codes(programme, request.user)
    return programme


@router.get("/programmes/{programme_id}", response=ProgrammeDetailOut)
def programme_detail(request, programme_id: UUID):
    return _programme_detail(
        request, selectors.programme_get(actor=request.user, programme_id=programme_id)
    )


@router.post("/programmes", response={201: ReliefProgrammeOut})
def programme_create(request, payload: ProgrammeIn):
    data = payload.dict()
    park_id = data.pop("park")
    park = None
    if park_id:
        try:
            park = park_get(actor=request.user, park_id=park_id)
        except MISSING as missing:
            raise ValidationFailed.for_field("park", _("Unknown park.")) from missing
    return Status(201, services.programme_create(actor=request.user, park=park, **data))


@router.post("/programmes/{programme_id}/publish", response=ProgrammeDetailOut)
def programme_publish(request, programme_id: UUID):
    programme = selectors.programme_get(actor=request.user, programme_id=programme_id)
    return _programme_detail(
        request, services.programme_publish(actor=request.user, programme=programme)
    )


@router.post("/programmes/{programme_id}/quote", response=QuoteOut)
def programme_quote(request, programme_id: UUID, payload: ReliefQuoteIn):
    programme = selectors.programme_get(actor=request.user, programme_id=programme_id)
    services.application_allowed(actor=request.user)
    _revenue, quote = services.application_check(
        actor=request.user,
        programme=programme,
        lease=_lease(request, payload.lease),
        declared_revenue=payload.declared_revenue,
    )
    return quote


@router.get("/applications", response=list[ReliefApplicationOut])
@paginate(Paging)
def application_list(request, programme: UUID | None = None, status: str | None = None):
    return selectors.application_list(actor=request.user, programme_id=programme, status=status)


@router.get("/applications/{application_id}", response=ReliefApplicationOut)
def application_detail(request, application_id: UUID):
    application = selectors.application_get(actor=request.user, application_id=application_id)
    return selectors.applications_with_cases(actor=request.user, applications=[application])[0]


@router.post("/applications", response={201: ReliefApplicationOut})
def application_submit(request, payload: ReliefApplicationIn):
    services.application_allowed(actor=request.user)
    try:
        programme = selectors.programme_get(actor=request.user, programme_id=payload.programme)
    except NotFound as missing:
        raise ValidationFailed.for_field(
            "programme", pgettext("relief programme", "Unknown programme.")
        ) from missing
    application = services.application_submit(
        actor=request.user,
        programme=programme,
        lease=_lease(request, payload.lease),
        declared_revenue=payload.declared_revenue,
    )
    return Status(
        201, selectors.applications_with_cases(actor=request.user, applications=[application])[0]
    )


@router.get("/adjustments", response=list[AdjustmentOut])
@paginate(Paging)
def adjustment_list(request, lease: UUID | None = None):
    return selectors.adjustment_list(actor=request.user, lease_id=lease).order_by("-created_at")


@router.get("/report", response=list[ReportRow])
def report(request, programme: UUID | None = None):
    if not permissions.is_staff(request.user):
        raise PermissionDenied
    return selectors.relief_report(actor=request.user, programme_id=programme)


@router.post("/arrears", response={204: None})
def arrears(request, payload: ArrearsIn):
    try:
        enterprise = enterprise_get(actor=request.user, enterprise_id=payload.enterprise)
    except MISSING as missing:
        raise ValidationFailed.for_field("enterprise", _("Unknown enterprise.")) from missing
    services.arrears_flag(
        actor=request.user, enterprise=enterprise, note=payload.note, active=payload.active
    )
    return Status(204, None)
