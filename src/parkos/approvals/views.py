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
from parkos.approvals.models import Scope, SignOff, Status
from parkos.approvals.notifications import notification_list, notifications_mark_read
from parkos.core.errors import ServiceError
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
        chosen = set(request.POST.getlist("case"))
        picked = [
            case for case in cases.filter(process__allow_batch=True) if str(case.id) in chosen
        ]
        try:
            services.case_approve_batch(
                actor=request.user, cases=picked, comment=request.POST.get("comment", "")
            )
        except ServiceError as failure:
            messages.error(request, failure.message)
        else:
            messages.success(request, _("%(count)d cases approved.") % {"count": len(picked)})
        return redirect(request.get_full_path())
    page = Paginator(cases, 25).get_page(request.GET.get("page"))
    for case in page:
        case.subject_text = registry.describe(case.subject_type, case.subject_id)
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


def _detail_context(request, case):
    events = selectors.case_timeline(actor=request.user, case=case)
    returns = [event for event in events if event.kind == "returned"]
    return {
        "case": case,
        "subject_text": registry.describe(case.subject_type, case.subject_id),
        "events": events,
        "actions": selectors.case_actions(actor=request.user, case=case),
        "steps": services.process_steps(case.process),
        "days_left": selectors.days_left(case),
        # The breadcrumb leads back to the list the case sits in for this user: their own
        # applications, or the reviewer's inbox.
        "from_mine": permissions.is_applicant_side(request.user, case),
        # What is asked of the applicant: the reviewer's last request for changes.
        "asked": returns[-1] if returns and case.status == Status.RETURNED else None,
        "accept": ACCEPT,
        "text_limit": f"{services.TEXT_MAX_LENGTH:,}",
    }


@login_required
def case_detail(request, case_id):
    case = selectors.case_get(actor=request.user, case_id=case_id)
    return render(request, "approvals/case_detail.html", _detail_context(request, case))


@login_required
@require_POST
def case_act(request, case_id):
    case = selectors.case_get(actor=request.user, case_id=case_id)
    action = request.POST.get("action", "")
    if action not in ACTIONS:
        messages.error(request, _("Unknown action."))
        return redirect("approvals:case_detail", case_id=case.id)
    try:
        ACTIONS[action](request.user, case, request.POST.get("text", ""))
    except ServiceError as failure:
        context = _detail_context(request, case)
        context.update(
            {
                "error": failure.message,
                "error_fields": failure.fields,
                "text": request.POST.get("text", ""),
            }
        )
        return render(request, "approvals/case_detail.html", context, status=failure.status)
    messages.success(request, _done_message(action))
    return redirect("approvals:case_detail", case_id=case.id)


@login_required
@require_POST
def case_comment(request, case_id):
    case = selectors.case_get(actor=request.user, case_id=case_id)
    try:
        services.case_comment(
            actor=request.user,
            case=case,
            text=request.POST.get("text", ""),
            attachment=request.FILES.get("attachment"),
        )
    except ServiceError as failure:
        context = _detail_context(request, case)
        context.update(
            {"comment_error": failure.message, "comment_text": request.POST.get("text", "")}
        )
        return render(request, "approvals/case_detail.html", context, status=failure.status)
    messages.success(request, pgettext("approval case", "Comment added."))
    return redirect("approvals:case_detail", case_id=case.id)


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
        target = request.POST.get("next", "")
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


def _posted_steps(post) -> list[dict]:
    steps = []
    for index in range(int(post.get("step_count", "0") or 0)):
        if post.get(f"step-{index}-delete") or not post.get(f"step-{index}-name", "").strip():
            continue
        steps.append(
            {
                "name": post.get(f"step-{index}-name", ""),
                "role": post.get(f"step-{index}-role", ""),
                "scope": post.get(f"step-{index}-scope", ""),
                "deadline_days": post.get(f"step-{index}-deadline_days", ""),
                "sign_off": post.get(f"step-{index}-sign_off", ""),
            }
        )
    return steps


@login_required
def process_edit(request, process_id):
    if not permissions.can_configure(request.user):
        raise PermissionDenied
    process = selectors.process_get(actor=request.user, process_id=process_id)
    error = None
    if request.method == "POST":
        try:
            services.process_update(
                actor=request.user,
                process=process,
                name=request.POST.get("name", ""),
                steps=_posted_steps(request.POST),
                allow_batch=bool(request.POST.get("allow_batch")),
                active=bool(request.POST.get("active")),
            )
        except ServiceError as failure:
            error = failure
        else:
            messages.success(request, _("The process has been saved."))
            return redirect("approvals:process_edit", process_id=process.id)
    steps = services.process_steps(process)
    rows = [*steps, None]
    context = {
        "process": process,
        "rows": rows,
        "step_count": len(rows),
        "roles": Role.choices,
        "scopes": Scope.choices,
        "sign_offs": SignOff.choices,
        "error": error,
    }
    return render(
        request, "approvals/process_edit.html", context, status=error.status if error else 200
    )
