"""The approvals engine's JSON door: the inbox, the applicant's cases, actions, comments."""

from uuid import UUID

from django.utils.translation import gettext as _
from ninja import File, Form, Router, Status
from ninja.files import UploadedFile
from ninja.pagination import paginate

from parkos.approvals import selectors, services
from parkos.approvals.notifications import (
    notification_list,
    notifications_mark_read,
    unread_count,
)
from parkos.approvals.schemas import (
    ApproveIn,
    BatchApproveIn,
    CaseDetailOut,
    CaseEventOut,
    CaseOut,
    NotificationOut,
    NotificationsReadIn,
    ProcessIn,
    ProcessOut,
    RejectIn,
    ReturnIn,
    UnreadOut,
)
from parkos.core.errors import NotFound, ValidationFailed
from parkos.core.pagination import Paging

router = Router(tags=["approvals"])


def _detail(request, case):
    case.timeline = selectors.case_timeline(actor=request.user, case=case)
    case.actions = selectors.case_actions(actor=request.user, case=case)
    return case


@router.get("/inbox", response=list[CaseOut])
@paginate(Paging)
def inbox(
    request, process: str | None = None, park: UUID | None = None, overdue: bool | None = None
):
    return selectors.inbox(actor=request.user, process_code=process, park_id=park, overdue=overdue)


@router.get("/cases", response=list[CaseOut])
@paginate(Paging)
def my_cases(request, status: str | None = None):
    return selectors.my_cases(actor=request.user, status=status)


@router.get("/cases/{case_id}", response=CaseDetailOut)
def case_detail(request, case_id: UUID):
    return _detail(request, selectors.case_get(actor=request.user, case_id=case_id))


@router.post("/cases/{case_id}/approve", response=CaseDetailOut)
def case_approve(request, case_id: UUID, payload: ApproveIn):
    case = selectors.case_get(actor=request.user, case_id=case_id)
    return _detail(
        request, services.case_approve(actor=request.user, case=case, comment=payload.comment)
    )


@router.post("/cases/{case_id}/reject", response=CaseDetailOut)
def case_reject(request, case_id: UUID, payload: RejectIn):
    case = selectors.case_get(actor=request.user, case_id=case_id)
    return _detail(
        request, services.case_reject(actor=request.user, case=case, reason=payload.reason)
    )


@router.post("/cases/{case_id}/return", response=CaseDetailOut)
def case_return(request, case_id: UUID, payload: ReturnIn):
    case = selectors.case_get(actor=request.user, case_id=case_id)
    return _detail(
        request, services.case_return(actor=request.user, case=case, comment=payload.comment)
    )


@router.post("/cases/{case_id}/resubmit", response=CaseDetailOut)
def case_resubmit(request, case_id: UUID, payload: ApproveIn):
    case = selectors.case_get(actor=request.user, case_id=case_id)
    return _detail(
        request, services.case_resubmit(actor=request.user, case=case, comment=payload.comment)
    )


@router.post("/cases/{case_id}/submit", response=CaseDetailOut)
def case_submit(request, case_id: UUID):
    case = selectors.case_get(actor=request.user, case_id=case_id)
    return _detail(request, services.case_submit(actor=request.user, case=case))


@router.post("/cases/{case_id}/withdraw", response=CaseDetailOut)
def case_withdraw(request, case_id: UUID):
    case = selectors.case_get(actor=request.user, case_id=case_id)
    return _detail(request, services.case_withdraw(actor=request.user, case=case))


@router.post("/cases/{case_id}/comments", response={201: CaseEventOut})
def case_comment(
    request, case_id: UUID, text: Form[str] = "", attachment: File[UploadedFile] = None
):
    case = selectors.case_get(actor=request.user, case_id=case_id)
    event = services.case_comment(actor=request.user, case=case, text=text, attachment=attachment)
    return Status(201, event)


@router.post("/batch-approve", response=list[CaseOut])
def batch_approve(request, payload: BatchApproveIn):
    services.batch_approve_allowed(actor=request.user)
    cases = []
    for case_id in payload.cases:
        try:
            cases.append(selectors.case_get(actor=request.user, case_id=case_id))
        except NotFound as missing:
            raise ValidationFailed.for_field("cases", _("Unknown case.")) from missing
    return services.case_approve_batch(actor=request.user, cases=cases, comment=payload.comment)


@router.get("/notifications", response=list[NotificationOut])
@paginate(Paging)
def notifications(request, unread: bool | None = None):
    items = notification_list(actor=request.user)
    if unread:
        items = items.filter(read_at__isnull=True)
    return items


@router.get("/notifications/unread", response=UnreadOut)
def notifications_unread(request):
    return {"unread": unread_count(actor=request.user)}


@router.post("/notifications/read", response=UnreadOut)
def notifications_read(request, payload: NotificationsReadIn):
    notifications_mark_read(actor=request.user, notification_ids=payload.ids)
    return {"unread": unread_count(actor=request.user)}


@router.get("/processes", response=list[ProcessOut])
@paginate(Paging)
def process_list(request):
    return selectors.process_list(actor=request.user)


@router.put("/processes/{process_id}", response=ProcessOut)
def process_update(request, process_id: UUID, payload: ProcessIn):
    process = selectors.process_get(actor=request.user, process_id=process_id)
    data = payload.dict()
    return services.process_update(actor=request.user, process=process, **data)
