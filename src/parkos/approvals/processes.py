"""Configuring approval processes: ordered steps, each with a reviewer role, a scope, a
deadline in working days and a sign-off rule. Operators change them in the admin, on a page
or through the API; apps seed theirs with `process_ensure`."""

from django.db import transaction
from django.utils.translation import gettext as _

from parkos.accounts.models import Role
from parkos.approvals import permissions, registry
from parkos.approvals.errors import ApprovalsError
from parkos.approvals.models import (
    RETIRED,
    Case,
    Process,
    Scope,
    SignOff,
    SignOffRecord,
    Step,
    StepCompletion,
)
from parkos.core.audit import audit_record
from parkos.core.errors import Conflict, Forbidden, ValidationFailed


def _steps_validate(steps: list[dict]) -> list[dict]:
    if not steps:
        raise ValidationFailed.for_field("steps", _("A process needs at least one step."))
    cleaned = []
    for index, step in enumerate(steps):
        field = f"steps.{index}"
        name = str(step.get("name", "")).strip()
        if not name:
            raise ValidationFailed.for_field(f"{field}.name", _("This field is required."))
        if step.get("role") not in Role.values:
            raise ValidationFailed.for_field(f"{field}.role", _("Unknown role."))
        scope = step.get("scope", Scope.PARK)
        if scope not in Scope.values and registry.scope_resolver(scope) is None:
            raise ValidationFailed.for_field(f"{field}.scope", _("Unknown scope."))
        sign_off = step.get("sign_off", SignOff.ANY)
        if sign_off not in SignOff.values:
            raise ValidationFailed.for_field(f"{field}.sign_off", _("Choose any or all."))
        try:
            days = int(step.get("deadline_days", 5))
        except (TypeError, ValueError):
            days = -1
        if not 0 < days <= 365:
            raise ValidationFailed.for_field(
                f"{field}.deadline_days", _("Enter a number of working days from 1 to 365.")
            )
        cleaned.append(
            {"name": name[:100], "role": step["role"], "scope": scope, "sign_off": sign_off}
            | {"deadline_days": days}
        )
    return cleaned


@transaction.atomic
def process_ensure(
    *,
    code: str,
    name: str,
    steps: list[dict],
    allow_batch: bool = False,
    description: str = "",
    subject_type: str = "",
) -> Process:
    """The process `code`, created with `steps` if it does not exist yet. Idempotent: apps
    call it from their demo and seed code; an operator's later changes are kept.
    `subject_type` is the kind of application the process is for (blank: any kind)."""
    existing = Process.objects.filter(code=code).first()
    if existing is not None:
        if subject_type and not existing.subject_type:
            existing.subject_type = subject_type
            existing.save(update_fields=["subject_type"])
        return existing
    cleaned = _steps_validate(steps)
    process = Process.objects.create(
        code=code,
        name=name,
        allow_batch=allow_batch,
        description=description,
        subject_type=subject_type,
    )
    Step.objects.bulk_create(
        Step(process=process, position=position, **step)
        for position, step in enumerate(cleaned, start=1)
    )
    return process


@transaction.atomic
def process_update(
    *, actor, process: Process, name: str, steps: list[dict], allow_batch: bool, active: bool
) -> Process:
    """Replace a process's steps. Steps that cases stand on are kept in place (their cases
    finish on them), so a running case never loses its step."""
    if not permissions.can_configure(actor):
        raise Forbidden(_("Only a network operator configures approval processes."))
    if not name.strip():
        raise ValidationFailed.for_field("name", _("This field is required."))
    cleaned = _steps_validate(steps)
    process = Process.objects.select_for_update().get(pk=process.pk)
    before = {"name": process.name, "steps": _steps_summary(process)}
    in_use = set(
        Case.objects.filter(process=process, current_step__isnull=False).values_list(
            "current_step_id", flat=True
        )
    )
    old = process_steps(process)
    # Move the current steps out of the way of the new positions; a removed step that has
    # history stays parked there (positions from RETIRED on are not part of the process).
    highest = max(process.steps.values_list("position", flat=True), default=0)
    base = max(RETIRED, highest + 1)
    for step in old:
        Step.objects.filter(pk=step.pk).update(position=base + step.position)
    for position, data in enumerate(cleaned, start=1):
        reused = old[position - 1] if position <= len(old) else None
        if reused is not None:
            Step.objects.filter(pk=reused.pk).update(position=position, **data)
        else:
            Step.objects.create(process=process, position=position, **data)
    for step in old[len(cleaned) :]:
        if step.pk in in_use:
            raise Conflict(
                _("Step “%(name)s” has cases waiting on it: it cannot be removed yet.")
                % {"name": step.name},
                code=ApprovalsError.STEP_IN_USE,
            )
        if (
            StepCompletion.objects.filter(step=step).exists()
            or SignOffRecord.objects.filter(step=step).exists()
        ):
            # Its history is kept: the step stays, beyond the end of the process.
            continue
        step.delete()
    process.name = name.strip()
    process.allow_batch = allow_batch
    process.active = active
    process.save(update_fields=["name", "allow_batch", "active"])
    audit_record(
        actor=actor,
        action="approvals.process.update",
        instance=process,
        changes={"before": before, "after": {"name": process.name, "steps": cleaned}},
    )
    return process


def _steps_summary(process: Process) -> list[dict]:
    return [
        {"name": s.name, "role": s.role, "scope": s.scope, "deadline_days": s.deadline_days}
        for s in process_steps(process)
    ]


def process_steps(process: Process) -> list[Step]:
    return list(process.steps.filter(position__lt=RETIRED).order_by("position"))
