"""Reads of the approvals engine, each scoped to the acting user (see permissions.py)."""

from uuid import UUID

from django.db.models import Exists, OuterRef, Prefetch, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from parkos.approvals.models import (
    RETIRED,
    Attachment,
    Case,
    CaseEvent,
    Process,
    SignOffRecord,
    Step,
)
from parkos.approvals.workflows import CASE_WORKFLOW
from parkos.core.selectors import get_or_404

CASE_RELATIONS = ("process", "current_step", "applicant", "enterprise", "park")


def case_list(*, actor) -> QuerySet[Case]:
    """Every case `actor` may read."""
    return Case.objects.visible_to(actor).select_related(*CASE_RELATIONS)


def case_get(*, actor, case_id) -> Case:
    return get_or_404(case_list(actor=actor), _("No such case."), pk=case_id)


def case_for_subject(*, actor, subject_type: str, subject_id: str) -> Case | None:
    """The latest case of a subject that `actor` may read, or None."""
    return (
        case_list(actor=actor)
        .filter(subject_type=subject_type, subject_id=str(subject_id))
        .order_by("-created_at")
        .first()
    )


def cases_for_subjects(*, actor, subject_type: str, subject_ids) -> dict[str, Case]:
    """The latest readable case of each subject, for list pages (one query)."""
    found: dict[str, Case] = {}
    rows = (
        case_list(actor=actor)
        .filter(subject_type=subject_type, subject_id__in=[str(i) for i in subject_ids])
        .order_by("created_at")
    )
    for case in rows:
        found[case.subject_id] = case
    return found


def inbox(
    *,
    actor,
    process_code: str | None = None,
    park_id: UUID | None = None,
    overdue: bool | None = None,
) -> QuerySet[Case]:
    """Cases waiting for `actor`'s decision: in review, on a step they review, not yet
    signed by them in this round. Oldest deadline first."""
    signed = SignOffRecord.objects.filter(
        case_id=OuterRef("pk"),
        step_id=OuterRef("current_step_id"),
        round=OuterRef("round"),
        user_id=actor.pk if getattr(actor, "is_authenticated", False) else None,
    )
    cases = (
        Case.objects.actionable_by(actor, "approve")
        .select_related(*CASE_RELATIONS)
        .exclude(Exists(signed))
    )
    if process_code:
        cases = cases.filter(process__code=process_code)
    if park_id:
        cases = cases.filter(park_id=park_id)
    if overdue is not None:
        cases = cases.filter(overdue=overdue)
    return cases.order_by("deadline", "submitted_at", "id")


def my_cases(*, actor, status: str | None = None) -> QuerySet[Case]:
    """The cases `actor` applied for, or their enterprise did."""
    cases = Case.objects.actionable_by(actor, "withdraw").select_related(*CASE_RELATIONS)
    if status:
        cases = cases.filter(status=status)
    return cases.order_by("-created_at", "id")


def case_timeline(*, actor, case: Case) -> list[CaseEvent]:
    """The events of a case, as far as `actor` may read it (nothing when they may not)."""
    attachments = Attachment.objects.visible_to(actor).order_by("name")
    return list(
        CaseEvent.objects.visible_to(actor)
        .filter(case=case)
        .select_related("actor", "step")
        .prefetch_related(Prefetch("attachments", queryset=attachments))
        .order_by("at", "id")
    )


def attachment_get(*, actor, attachment_id) -> Attachment:
    attachments = Attachment.objects.visible_to(actor).select_related("case")
    return get_or_404(attachments, _("No such attachment."), pk=attachment_id)


def case_actions(*, actor, case: Case) -> list[str]:
    """The actions `actor` may take on `case` now, for buttons and the API."""
    return CASE_WORKFLOW.action_codes(case, actor)


def process_list(*, actor, subject_type: str | None = None) -> QuerySet[Process]:
    """Every process, with its current steps (retired ones left out); with `subject_type`,
    only the processes made for that kind of application."""
    current = Step.objects.filter(position__lt=RETIRED).order_by("position")
    processes = Process.objects.visible_to(actor).prefetch_related(
        Prefetch("steps", queryset=current)
    )
    if subject_type is not None:
        processes = processes.filter(subject_type=subject_type)
    return processes.order_by("name")


def process_get(*, actor, process_id) -> Process:
    return get_or_404(process_list(actor=actor), _("No such process."), pk=process_id)


def days_left(case: Case) -> int | None:
    if case.deadline is None:
        return None
    return (case.deadline - timezone.localdate()).days
