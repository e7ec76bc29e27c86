"""The re-opening ledger's JSON door: HTTP in, services and selectors, HTTP out."""

from uuid import UUID

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema, Status
from ninja.pagination import paginate

from parkos.core.errors import NotFound, ValidationFailed
from parkos.core.pagination import Paging
from parkos.filings import dashboard, exports, permissions, selectors, services
from parkos.filings.schemas import (
    FilingDashboardOut,
    FilingRoundIn,
    FilingRoundOut,
    RoundDetailOut,
    SubmissionDetailOut,
    SubmissionIn,
    SubmissionOut,
)
from parkos.filings.workflows import ROUND_WORKFLOW
from parkos.parks import selectors as parks

router = Router(tags=["re-opening ledger"])


class FilingRoundFilters(Schema):
    park: UUID | None = None
    status: str = ""


@router.get("/rounds", response=list[FilingRoundOut])
@paginate(Paging)
def round_list(request, filters: Query[FilingRoundFilters]):
    return selectors.round_list(actor=request.user, park_id=filters.park, status=filters.status)


@router.post("/rounds", response={201: FilingRoundOut})
def round_open(request, payload: FilingRoundIn):
    if not permissions.can_manage_any_park(request.user):
        raise PermissionDenied
    try:
        park = parks.park_get(actor=request.user, park_id=payload.park)
    except (Http404, NotFound) as missing:
        raise ValidationFailed.for_field("park", _("Unknown park.")) from missing
    data = payload.dict(exclude={"park"})
    return Status(201, services.round_open(actor=request.user, park=park, **data))


def _detail(request, filing_round):
    filing_round.actions = ROUND_WORKFLOW.action_codes(filing_round, request.user)
    return filing_round


@router.get("/rounds/{round_id}", response=RoundDetailOut)
def round_detail(request, round_id: UUID):
    return _detail(request, selectors.round_get(actor=request.user, round_id=round_id))


@router.post("/rounds/{round_id}/close", response=RoundDetailOut)
def round_close(request, round_id: UUID):
    filing_round = selectors.round_get(actor=request.user, round_id=round_id)
    return _detail(request, services.round_close(actor=request.user, filing_round=filing_round))


@router.get("/rounds/{round_id}/dashboard", response=FilingDashboardOut)
def round_dashboard(request, round_id: UUID):
    filing_round = selectors.round_get(actor=request.user, round_id=round_id)
    data = dashboard.round_dashboard(actor=request.user, filing_round=filing_round)
    data["flagged"] = [
        {
            "enterprise": row["enterprise_id"],
            "enterprise_name": row["enterprise"],
            "park": row["park"],
            "zone": row["zone"],
            "submission": row["submission"].id if row["submission"] else None,
            "reasons": row["reasons"],
        }
        for row in data["flagged"]
    ]
    return data


@router.get("/rounds/{round_id}/export")
def round_export(request, round_id: UUID):
    filing_round = selectors.round_get(actor=request.user, round_id=round_id)
    name, content = exports.round_export(actor=request.user, filing_round=filing_round)
    response = HttpResponse(content, content_type=exports.XLSX_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


class SubmissionFilters(Schema):
    flagged: bool | None = None
    enterprise: UUID | None = None


@router.get("/rounds/{round_id}/submissions", response=list[SubmissionOut])
@paginate(Paging)
def submission_list(request, round_id: UUID, filters: Query[SubmissionFilters]):
    filing_round = selectors.round_get(actor=request.user, round_id=round_id)
    return selectors.submission_list(
        actor=request.user,
        filing_round=filing_round,
        enterprise_id=filters.enterprise,
        flagged=filters.flagged,
    )


@router.post(
    "/rounds/{round_id}/submissions", response={201: SubmissionDetailOut, 200: SubmissionDetailOut}
)
def submission_file(request, round_id: UUID, payload: SubmissionIn):
    """File an enterprise's figures. The first filing answers 201; filing again while the
    round is open corrects it (200) and keeps the earlier version in `revisions`."""
    filing_round = selectors.round_get(actor=request.user, round_id=round_id)
    if not permissions.can_file_in(request.user, filing_round):
        raise PermissionDenied
    data = payload.dict()
    enterprise_id = data.pop("enterprise")
    if enterprise_id is None:
        own = selectors.filing_enterprises(actor=request.user, filing_round=filing_round)
        if len(own) != 1:
            raise ValidationFailed.for_field("enterprise", _("Choose the enterprise to file for."))
        enterprise = own[0]
    else:
        try:
            enterprise = selectors.filing_enterprise_get(
                actor=request.user, filing_round=filing_round, enterprise_id=enterprise_id
            )
        except NotFound as missing:
            raise ValidationFailed.for_field("enterprise", _("Unknown enterprise.")) from missing
    result = services.submission_file(
        actor=request.user, filing_round=filing_round, enterprise=enterprise, **data
    )
    return Status(201 if result.created else 200, result.submission)


@router.get("/submissions/{submission_id}", response=SubmissionDetailOut)
def submission_detail(request, submission_id: UUID):
    return selectors.submission_get(actor=request.user, submission_id=submission_id)
