"""Pages of the approvals engine: the reviewer's inbox, the applicant's cases, a case's
timeline and actions, notifications, and the operators' process settings."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import FileResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django.views.decorators.http import require_POST

from parkos.accounts.models import Role
from parkos.approvals import permissions, registry, selectors, services
from parkos.approvals.attachments import ACCEPT
from parkos.approvals.forms import (
    BatchApproveForm,
    CaseActionForm,
    CaseCommentForm,
    NotificationsReadForm,
    ProcessForm,
    StepCountForm,
    StepForm,
)
from parkos.approvals.models import Scope, SignOff, Status
from parkos.approvals.notifications import notification_list, notifications_mark_read
from parkos.approvals.workflows import CASE_WORKFLOW
from parkos.core.errors import ServiceError, ValidationFailed
from parkos.parks.selectors import park_list

ACTIONS = {
    "approve": lambda actor, case, text: services.case_approve(
        actor=actor, case=case, comment=text
    ),
    "reject": lambda actor, case, text: services.case_reject(actor=actor, case=case, reason=text),
    "return": lambda actor, case, text: services.case_return(actor=actor, case=case, comment=text),
    "resubmit": lambda actor, case, text: services.case_resubmit(
        actor=actor, case=case, comment=text
    ),
    "submit": lambda actor, case, text: services.case_submit(actor=actor, case=case),
    "withdraw": lambda actor, case, text: services.case_withdraw(actor=actor, case=case),
}


def _done_message(action: str) -> str:
    return {
        "approve": _("Approved."),
        "reject": _("Rejected."),
        "return": _("Returned to the applicant for changes."),
        "resubmit": _("Resubmitted."),
        "submit": _("Submitted."),
        "withdraw": _("Withdrawn."),
    }[action]


def _flag(value: str) -> bool | None:
    return {"1": True, "0": False}.get(value)


@login_required
def inbox(request):
    parks = list(park_list(actor=request.user))
    processes = list(selectors.process_list(actor=request.user))
    process_code = request.GET.get("process", "")
    if process_code not in {p.code for p in processes}:
        process_code = ""
    park_id = request.GET.get("park", "")
    if park_id not in {str(p.id) for p in parks}:
        park_id = ""
    overdue = _flag(request.GET.get("overdue", ""))
    cases = selectors.inbox(
        actor=request.user,
        process_code=process_code or None,
        park_id=park_id or None,
        overdue=overdue,
    )
    if request.method == "POST":
        batchable = list(cases.filter(process__allow_batch=True))
        form = BatchApproveForm(request.POST, case_ids=[case.id for case in batchable])
        if not form.is_valid():
            messages.error(request, _("Choose at least one case."))
            return redirect(request.get_full_path())
        chosen = set(form.cleaned_data["case"])
        picked = [case for case in batchable if str(case.id) in chosen]
        try:
            services.case_approve_batch(
                actor=request.user, cases=picked, comment=form.cleaned_data["comment"]
            )
        except ServiceError as failure:
            messages.error(request, failure.message)
        else:
            messages.success(request, _("%(count)d cases approved.") % {"count": len(picked)})
        return redirect(request.get_full_path())
    page = Paginator(cases, 25).get_page(request.GET.get("page"))
    words = registry.describe_all((case.subject_type, case.subject_id) for case in page)
    for case in page:
        case.subject_text = words[(case.subject_type, case.subject_id)]
        case.days_left = selectors.days_left(case)
    context = {
        "page": page,
        "parks": parks,
        "processes": processes,
        "filters": {
            "process": process_code,
            "park": park_id,
            "overdue": request.GET.get("overdue", ""),
        },
        "batch": any(case.process.allow_batch for case in page),
    }
    return render(request, "approvals/inbox.html", context)


@login_required
def my_cases(request):
    status = request.GET.get("status", "")
    if status not in Status.values:
        status = ""
    cases = selectors.my_cases(actor=request.user, status=status or None)
    page = Paginator(cases, 25).get_page(request.GET.get("page"))
    for case in page:
        case.days_left = selectors.days_left(case)
    return render(
        request,
        "approvals/my_cases.html",
        {"page": page, "statuses": Status.choices, "status": status},
    )


# How each move's button looks; which buttons appear is the workflow's answer.
BUTTON_STYLES = {
    "approve": "btn-success",
    "return": "btn-warning",
    "reject": "btn-danger",
    "submit": "btn-primary",
    "resubmit": "btn-primary",
    "withdraw": "btn-outline-secondary",
}


def _detail_context(request, case, *, action_form=None, comment_form=None):
    events = selectors.case_timeline(actor=request.user, case=case)
    returns = [event for event in events if event.kind == "returned"]
    actions = CASE_WORKFLOW.actions_for(case, request.user)
    return {
        "case": case,
        "subject_text": registry.describe(case.subject_type, case.subject_id),
        "events": events,
        "actions": [
            {"code": a.code, "label": a.label, "style": BUTTON_STYLES.get(a.code, "btn-primary")}
            for a in actions
        ],
        "steps": services.process_steps(case.process),
        "days_left": selectors.days_left(case),
        # The breadcrumb leads back to the list the case sits in for this user: their own
        # applications, or the reviewer's inbox.
        "from_mine": permissions.is_applicant_side(request.user, case),
        # What is asked of the applicant: the reviewer's last request for changes.
        "asked": returns[-1] if returns and case.status == Status.RETURNED else None,
        "accept": ACCEPT,
        "text_limit": f"{services.TEXT_MAX_LENGTH:,}",
        "action_form": action_form or CaseActionForm(),
        "comment_form": comment_form or CaseCommentForm(),
    }


@login_required
def case_detail(request, case_id):
    case = selectors.case_get(actor=request.user, case_id=case_id)
    return render(request, "approvals/case_detail.html", _detail_context(request, case))


@login_required
@require_POST
def case_act(request, case_id):
    case = selectors.case_get(actor=request.user, case_id=case_id)
    form = CaseActionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Unknown action."))
        return redirect("approvals:case_detail", case_id=case.id)
    action = form.cleaned_data["action"]
    try:
        ACTIONS[action](request.user, case, form.cleaned_data["text"])
    except ServiceError as failure:
        if isinstance(failure, ValidationFailed) and failure.fields:
            form.add_service_errors(failure)
        else:
            form.add_error(None, str(failure.message))
        context = _detail_context(request, case, action_form=form)
        return render(request, "approvals/case_detail.html", context, status=failure.status)
    messages.success(request, _done_message(action))
    return redirect("approvals:case_detail", case_id=case.id)


@login_required
@require_POST
def case_comment(request, case_id):
    case = selectors.case_get(actor=request.user, case_id=case_id)
    form = CaseCommentForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.case_comment(
                actor=request.user,
                case=case,
                text=form.cleaned_data["text"],
                attachment=form.cleaned_data["attachment"],
            )
        except ServiceError as failure:
            if isinstance(failure, ValidationFailed) and failure.fields:
                form.add_service_errors(failure)
            else:
                form.add_error(None, str(failure.message))
            context = _detail_context(request, case, comment_form=form)
            return render(request, "approvals/case_detail.html", context, status=failure.status)
        messages.success(request, pgettext("approval case", "Comment added."))
        return redirect("approvals:case_detail", case_id=case.id)
    context = _detail_context(request, case, comment_form=form)
    return render(request, "approvals/case_detail.html", context, status=422)


@login_required
def attachment_download(request, attachment_id):
    attachment = selectors.attachment_get(actor=request.user, attachment_id=attachment_id)
    return FileResponse(
        attachment.file.open("rb"),
        as_attachment=True,
        filename=attachment.name,
        content_type=attachment.content_type,
    )


@login_required
def notifications(request):
    if request.method == "POST":
        notifications_mark_read(actor=request.user)
        form = NotificationsReadForm(request.POST)
        target = form.cleaned_data["next"] if form.is_valid() else ""
        if target and url_has_allowed_host_and_scheme(target, {request.get_host()}):
            return redirect(target)
        return redirect("approvals:notifications")
    items = notification_list(actor=request.user)
    page = Paginator(items, 30).get_page(request.GET.get("page"))
    return render(request, "approvals/notifications.html", {"page": page})


@login_required
def process_list(request):
    if not permissions.can_configure(request.user):
        raise PermissionDenied
    processes = selectors.process_list(actor=request.user)
    return render(request, "approvals/process_list.html", {"processes": processes})


def _step_rows(request, process) -> list[StepForm]:
    """The step rows of the page: the process's steps and one empty row, or what was posted."""
    if request.method == "POST":
        counted = StepCountForm(request.POST)
        count = counted.cleaned_data["step_count"] if counted.is_valid() else 0
        return [StepForm(request.POST, prefix=f"step-{index}") for index in range(count)]
    steps = services.process_steps(process)
    rows = [
        StepForm(
            prefix=f"step-{index}",
            initial={
                "name": step.name,
                "role": step.role,
                "scope": step.scope,
                "deadline_days": step.deadline_days,
                "sign_off": step.sign_off,
            },
        )
        for index, step in enumerate(steps)
    ]
    rows.append(StepForm(prefix=f"step-{len(steps)}", initial={"deadline_days": 5}))
    return rows


def _step_errors(failure: ValidationFailed, form: ProcessForm, kept: list[StepForm]) -> None:
    """The service names a step's field `steps.<n>.<field>` among the steps kept: each
    message goes under that row's field."""
    for name, texts in failure.fields.items():
        parts = name.split(".")
        if len(parts) == 3 and parts[0] == "steps" and parts[1].isdigit():
            row = kept[int(parts[1])] if int(parts[1]) < len(kept) else None
            if row is not None:
                for text in texts:
                    row.add_error(parts[2] if parts[2] in row.fields else None, str(text))
                continue
        for text in texts:
            form.add_error(name if name in form.fields else None, str(text))


@login_required
def process_edit(request, process_id):
    if not permissions.can_configure(request.user):
        raise PermissionDenied
    process = selectors.process_get(actor=request.user, process_id=process_id)
    status = 200
    rows = _step_rows(request, process)
    if request.method == "POST":
        form = ProcessForm(request.POST)
        rows_valid = all([row.is_valid() for row in rows])
        if form.is_valid() and rows_valid:
            kept = [row for row in rows if row.is_step]
            try:
                services.process_update(
                    actor=request.user,
                    process=process,
                    name=form.cleaned_data["name"],
                    steps=[row.step() for row in kept],
                    allow_batch=form.cleaned_data["allow_batch"],
                    active=form.cleaned_data["active"],
                )
            except ValidationFailed as failure:
                _step_errors(failure, form, kept)
            except ServiceError as failure:
                form.add_error(None, str(failure.message))
                status = failure.status
            else:
                messages.success(request, _("The process has been saved."))
                return redirect("approvals:process_edit", process_id=process.id)
        status = status if status != 200 else 422
    else:
        form = ProcessForm(
            initial={
                "name": process.name,
                "allow_batch": process.allow_batch,
                "active": process.active,
            }
        )
    context = {
        "process": process,
        "form": form,
        "rows": rows,
        "step_count": len(rows),
        "roles": Role.choices,
        "scopes": Scope.choices,
        "sign_offs": SignOff.choices,
    }
    return render(request, "approvals/process_edit.html", context, status=status)
