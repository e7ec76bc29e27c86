"""Every write of the approvals engine. Each action locks the case row, checks the move
against the transition table, writes an event and an audit entry, and sends notifications
after commit. Other apps call these, never the models."""

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from parkos.approvals import permissions, registry
from parkos.approvals.attachments import ACCEPT as ATTACHMENT_ACCEPT
from parkos.approvals.attachments import attachment_check
from parkos.approvals.errors import ApprovalsError
from parkos.approvals.events import case_audit_record, case_event_record
from parkos.approvals.models import (
    Attachment,
    Case,
    CaseEvent,
    EventKind,
    Process,
    SignOff,
    SignOffRecord,
    Status,
    Step,
    StepCompletion,
)
from parkos.approvals.notifications import notify
from parkos.approvals.processes import process_ensure, process_steps, process_update
from parkos.approvals.workflows import APPLICANT_ACTIONS, CASE_WORKFLOW
from parkos.core.audit import audit_record
from parkos.core.errors import Conflict, Forbidden, ValidationFailed
from parkos.core.workdays import add_workdays

# Longest comment, reason or request for changes a case event keeps: a page of text. Longer
# material belongs in an attachment, where the timeline stays readable.
TEXT_MAX_LENGTH = 2000


# The door other apps use: processes are configured in processes.py, offered here as well.
__all__ = [
    "ATTACHMENT_ACCEPT",
    "TEXT_MAX_LENGTH",
    "attachment_check",
    "batch_approve_allowed",
    "case_approve",
    "case_approve_batch",
    "case_comment",
    "case_open",
    "case_reject",
    "case_resubmit",
    "case_return",
    "case_submit",
    "case_withdraw",
    "cases_flag_overdue",
    "notify",
    "process_ensure",
    "process_steps",
    "process_update",
]


def case_url(case: Case) -> str:
    return reverse("approvals:case_detail", kwargs={"case_id": case.id})


# Cases


def _text(value: str, field: str) -> str:
    """The trimmed comment, refused when over TEXT_MAX_LENGTH with a message naming it."""
    text = (value or "").strip()
    if len(text) > TEXT_MAX_LENGTH:
        raise ValidationFailed.for_field(
            field,
            _(
                "A comment may be at most %(limit)s characters; this one has %(length)s. "
                "Shorten it, or attach a file with the details."
            )
            % {"limit": f"{TEXT_MAX_LENGTH:,}", "length": f"{len(text):,}"},
            code=ApprovalsError.TEXT_TOO_LONG,
        )
    return text


def _lock(case: Case) -> Case:
    return (
        Case.objects.select_for_update(of=("self",))
        .select_related("process", "current_step", "applicant")
        .get(pk=case.pk)
    )


def _locked_for(case: Case, actor, action: str) -> Case:
    """The case, locked, once the move is known to be possible: the life cycle allows it
    from the case's state, the case has not changed since the actor looked at it (two
    reviewers acting at once), and the actor may make it."""
    locked = _lock(case)
    CASE_WORKFLOW.check(locked, action)
    if (locked.current_step_id, locked.round, locked.status) != (
        case.current_step_id,
        case.round,
        case.status,
    ):
        raise Conflict(
            _("Someone else acted on this case meanwhile. Reload it and try again."),
            code=ApprovalsError.STALE,
        )
    if not CASE_WORKFLOW.may(locked, action, actor):
        if action in APPLICANT_ACTIONS:
            raise Forbidden(_("Only the applicant can do this."))
        if permissions.can_review(actor, locked):
            raise Conflict(
                _("You have already signed this step."), code=ApprovalsError.ALREADY_SIGNED
            )
        raise Forbidden(_("You are not a reviewer of this step."))
    return locked


def _enter_step(case: Case, step: Step | None) -> None:
    case.current_step = step
    case.overdue = False
    case.deadline = add_workdays(timezone.localdate(), step.deadline_days) if step else None


def _notify_reviewers(case: Case) -> None:
    url = case_url(case)
    for user in permissions.step_reviewers(case, case.current_step):
        notify(
            user=user,
            title=gettext_lazy("New application to review: %(title)s") % {"title": case.title},
            url=url,
        )


def _notify_applicant(case: Case, title, body="") -> None:
    notify(user=case.applicant, title=title, url=case_url(case), body=body)


def _first_step(case: Case) -> Step:
    steps = process_steps(case.process)
    if not steps:
        raise ValidationFailed.for_field("process_code", _("The process has no steps."))
    return steps[0]


CASE_FIELDS_ON_ENTRY = ("round", "current_step", "overdue", "deadline", "updated_at")


def _submit(case: Case, actor, action: str, text: str = "") -> Case:
    """Submit (or resubmit) a locked case: a new round starts at the first step. The
    actor's right to do so was checked by the caller."""
    first = _first_step(case)
    case.round += 1
    _enter_step(case, first)
    case = CASE_WORKFLOW.fire(
        case,
        action,
        actor=actor,
        update_fields=CASE_FIELDS_ON_ENTRY,
        note=text,
        lock=False,
        check=False,
    )
    _notify_reviewers(case)
    return case


@transaction.atomic
def case_open(
    *,
    actor,
    process_code: str,
    subject_type: str,
    subject_id: str,
    title: str,
    enterprise=None,
    park=None,
    submit: bool = True,
) -> Case:
    if not getattr(actor, "is_authenticated", False):
        raise Forbidden(_("Sign in to apply."))
    registry.subject(subject_type)
    process = Process.objects.filter(code=process_code, active=True).first()
    if process is None:
        raise ValidationFailed.for_field("process_code", _("Unknown approval process."))
    if process.subject_type and process.subject_type != subject_type:
        raise ValidationFailed.for_field(
            "process_code",
            _("“%(process)s” is not a process for this kind of application.")
            % {"process": process.name},
            code=ApprovalsError.WRONG_PROCESS,
        )
    title = (title or "").strip()
    if not title:
        raise ValidationFailed.for_field("title", _("This field is required."))
    if enterprise is not None:
        if not permissions.can_open_for(actor, enterprise):
            raise Forbidden(_("Only an admin of the enterprise applies in its name."))
        park = park or enterprise.park
    if (
        Case.objects.filter(subject_type=subject_type, subject_id=str(subject_id))
        .exclude(status__in=[Status.APPROVED, Status.REJECTED, Status.WITHDRAWN])
        .exists()
    ):
        raise Conflict(
            _("An application for this is already open."), code=ApprovalsError.ALREADY_OPEN
        )
    try:
        with transaction.atomic():
            case = Case.objects.create(
                process=process,
                subject_type=subject_type,
                subject_id=str(subject_id),
                title=title[:200],
                applicant=actor,
                enterprise=enterprise,
                park=park,
            )
    except IntegrityError as clash:
        raise Conflict(
            _("An application for this is already open."), code=ApprovalsError.ALREADY_OPEN
        ) from clash
    case_event_record(case, kind=EventKind.OPENED, actor=actor)
    audit_record(
        actor=actor,
        action="approvals.case.open",
        instance=case,
        park_id=case.park_id,
        changes={"process": process.code, "subject": f"{subject_type}:{subject_id}"},
    )
    if submit:
        case = _submit(case, actor, "submit")
    return case


@transaction.atomic
def case_submit(*, actor, case: Case) -> Case:
    return _submit(_locked_for(case, actor, "submit"), actor, "submit")


@transaction.atomic
def case_resubmit(*, actor, case: Case, comment: str = "") -> Case:
    comment = _text(comment, "comment")
    return _submit(_locked_for(case, actor, "resubmit"), actor, "resubmit", comment)


def _finish(case: Case, actor, action: str, text: str, hook_name: str) -> Case:
    """Close a locked case (approved, rejected or withdrawn) and tell the app it belongs to,
    whose hook runs in this transaction: a hook that fails undoes the decision."""
    case.overdue = False
    case = CASE_WORKFLOW.fire(
        case,
        action,
        actor=actor,
        update_fields=("overdue", "updated_at"),
        note=text,
        lock=False,
        check=False,
    )
    hook = getattr(registry.subject(case.subject_type), hook_name)
    if hook is not None:
        hook(case=case, actor=actor)
    return case


def _approve_locked(locked: Case, actor, comment: str) -> Case:
    """Sign the current step; when the step's sign-off is complete, move to the next step,
    or approve the case after the last one."""
    step = locked.current_step
    try:
        with transaction.atomic():
            SignOffRecord.objects.create(case=locked, step=step, round=locked.round, user=actor)
    except IntegrityError as twice:
        raise Conflict(
            _("You have already signed this step."), code=ApprovalsError.ALREADY_SIGNED
        ) from twice
    if step.sign_off == SignOff.ALL:
        required = set(permissions.step_reviewers(locked, step).values_list("pk", flat=True))
        signed = set(
            SignOffRecord.objects.filter(case=locked, step=step, round=locked.round).values_list(
                "user_id", flat=True
            )
        )
        if not required <= signed:
            case_event_record(
                locked, kind=EventKind.STEP_SIGNED, actor=actor, before=locked.status, text=comment
            )
            case_audit_record(locked, actor=actor, action="sign", before=locked.status)
            return locked
    StepCompletion.objects.create(case=locked, step=step, round=locked.round)
    following = [s for s in process_steps(locked.process) if s.position > step.position]
    if following:
        # Still in review, on the next step: not a move of the life cycle.
        case_event_record(
            locked, kind=EventKind.STEP_APPROVED, actor=actor, before=locked.status, text=comment
        )
        _enter_step(locked, following[0])
        locked.save(update_fields=["current_step", "overdue", "deadline", "updated_at"])
        case_audit_record(
            locked,
            actor=actor,
            action="step_approve",
            before=locked.status,
            completed=str(step.pk),
        )
        _notify_reviewers(locked)
        return locked
    locked = _finish(locked, actor, "approve", comment, "on_approved")
    _notify_applicant(
        locked, gettext_lazy("Approved: %(title)s") % {"title": locked.title}, comment
    )
    return locked


@transaction.atomic
def case_approve(*, actor, case: Case, comment: str = "") -> Case:
    comment = _text(comment, "comment")
    return _approve_locked(_locked_for(case, actor, "approve"), actor, comment)


def batch_approve_allowed(*, actor) -> None:
    """Refuse (403) someone who reviews nothing, before their choice of cases is read."""
    if not permissions.reviews_anything(actor):
        raise Forbidden(_("Only reviewers approve applications."))


@transaction.atomic
def case_approve_batch(*, actor, cases: list[Case], comment: str = "") -> list[Case]:
    """Approve several cases at once, all or none; only processes that allow it. Who may is
    said first: someone who reviews nothing is refused before their choice is looked at."""
    batch_approve_allowed(actor=actor)
    if not cases:
        raise ValidationFailed.for_field("cases", _("Choose at least one case."))
    for case in cases:
        if not case.process.allow_batch:
            raise ValidationFailed.for_field(
                "cases",
                _("“%(process)s” does not allow batch approval.") % {"process": case.process},
                code=ApprovalsError.BATCH_NOT_ALLOWED,
            )
    comment = _text(comment, "comment")
    return [_approve_locked(_locked_for(case, actor, "approve"), actor, comment) for case in cases]


@transaction.atomic
def case_reject(*, actor, case: Case, reason: str) -> Case:
    reason = _text(reason, "reason")
    if not reason:
        raise ValidationFailed.for_field("reason", _("Give the reason for the rejection."))
    locked = _finish(_locked_for(case, actor, "reject"), actor, "reject", reason, "on_rejected")
    _notify_applicant(locked, gettext_lazy("Rejected: %(title)s") % {"title": locked.title}, reason)
    return locked


@transaction.atomic
def case_return(*, actor, case: Case, comment: str) -> Case:
    comment = _text(comment, "comment")
    if not comment:
        raise ValidationFailed.for_field("comment", _("Say what the applicant should change."))
    locked = _locked_for(case, actor, "return")
    locked.overdue = False
    locked.deadline = None
    locked = CASE_WORKFLOW.fire(
        locked,
        "return",
        actor=actor,
        update_fields=("overdue", "deadline", "updated_at"),
        note=comment,
        lock=False,
        check=False,
    )
    _notify_applicant(
        locked, gettext_lazy("Changes requested: %(title)s") % {"title": locked.title}, comment
    )
    return locked


@transaction.atomic
def case_withdraw(*, actor, case: Case) -> Case:
    return _finish(_locked_for(case, actor, "withdraw"), actor, "withdraw", "", "on_withdrawn")


@transaction.atomic
def case_comment(*, actor, case: Case, text: str, attachment=None) -> CaseEvent:
    text = _text(text, "text")
    if not text and attachment is None:
        raise ValidationFailed.for_field("text", _("Write a comment or attach a file."))
    if not Case.objects.actionable_by(actor, "comment").filter(pk=case.pk).exists():
        raise Forbidden(_("You cannot comment on this case."))
    content_type = attachment_check(attachment) if attachment is not None else ""
    event = case_event_record(case, kind=EventKind.COMMENTED, actor=actor, text=text)
    if attachment is not None:
        Attachment.objects.create(
            case=case,
            event=event,
            file=attachment,
            name=(getattr(attachment, "name", "") or "file")[-200:],
            content_type=content_type,
            size=attachment.size,
            uploaded_by=actor,
        )
    return event


@transaction.atomic
def cases_flag_overdue(*, today=None) -> int:
    """Flag the cases whose step deadline has passed; run daily by the scheduler."""
    today = today or timezone.localdate()
    due = Case.objects.filter(status=Status.SUBMITTED, overdue=False, deadline__lt=today)
    flagged = 0
    for case in due.select_for_update(of=("self",)).select_related("current_step", "applicant"):
        case.overdue = True
        case.save(update_fields=["overdue", "updated_at"])
        case_event_record(case, kind=EventKind.OVERDUE, actor=None, before=case.status)
        flagged += 1
        url = case_url(case)
        for user in permissions.step_reviewers(case, case.current_step):
            notify(
                user=user,
                title=gettext_lazy("Overdue: %(title)s") % {"title": case.title},
                url=url,
            )
    return flagged
