"""Every write of the re-opening ledger. Each validates everything first, writes in one
transaction, and changes nothing when it refuses."""

import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from parkos.core.audit import audit_record, snapshot
from parkos.core.errors import Conflict, FieldErrors, ValidationFailed
from parkos.filings import flags, permissions, selectors
from parkos.filings.errors import FilingsError
from parkos.filings.models import (
    COUNT_FIELDS,
    VALUE_FIELDS,
    FilingRound,
    Submission,
    SubmissionRevision,
)
from parkos.filings.workflows import ROUND_WORKFLOW

MAX_STAFF = 1_000_000
MAX_SUPPLIES_DAYS = 3650
WHOLE_NUMBER = re.compile(r"[+-]?\d+")


def _whole_number(errors: FieldErrors, field: str, value: Any, maximum: int) -> int | None:
    """A count typed by a person: digits only (12, "12", 12.0); no fractions, no signs."""
    if value is None or (isinstance(value, str) and not value.strip()):
        errors.add(field, _("This field is required."))
        return None
    number = None
    if isinstance(value, bool):
        number = None
    elif isinstance(value, int):
        number = value
    elif isinstance(value, float | Decimal):
        if value == value and value not in (float("inf"), float("-inf")) and value == int(value):
            number = int(value)
    elif isinstance(value, str) and WHOLE_NUMBER.fullmatch(value.strip()):
        number = int(value.strip())
    if number is None:
        errors.add(field, _("Enter a whole number."))
        return None
    if number < 0:
        errors.add(field, _("Must not be negative."))
        return None
    if number > maximum:
        errors.add(field, _("At most %(maximum)s.") % {"maximum": maximum})
        return None
    return number


# Rounds


@transaction.atomic
def round_open(
    *,
    actor,
    park,
    title: str,
    period_start: date | None,
    period_end: date | None,
    due_on: date | None = None,
    change_threshold: Any = 30,
    min_supplies_days: Any = 7,
    include_branches: bool = True,
) -> FilingRound:
    permissions.require_manage_park(actor, park.id)
    errors = FieldErrors()
    title = (title or "").strip()
    if not title:
        errors.add("title", _("This field is required."))
    elif len(title) > 100:
        errors.add("title", _("At most %(maximum)s characters.") % {"maximum": 100})
    if period_start is None:
        errors.add("period_start", _("This field is required."))
    if period_end is None:
        errors.add("period_end", _("This field is required."))
    if period_start and period_end and period_end < period_start:
        errors.add("period_end", _("The period cannot end before it starts."))
    if due_on is None and not errors.has("period_end"):
        due_on = period_end
    if due_on and period_start and due_on < period_start:
        errors.add("due_on", _("The due date cannot be before the period starts."))
    threshold = _whole_number(errors, "change_threshold", change_threshold, 100)
    if threshold is not None and threshold < 1:
        errors.add("change_threshold", _("Between 1 and 100."))
    minimum = _whole_number(errors, "min_supplies_days", min_supplies_days, 365)
    if period_start and FilingRound.objects.filter(park=park, period_start=period_start).exists():
        errors.add("period_start", _("This park already has a round starting on this day."))
    errors.raise_if_any()
    filing_round = FilingRound.objects.create(
        park=park,
        include_branches=bool(include_branches),
        title=title,
        period_start=period_start,
        period_end=period_end,
        due_on=due_on,
        change_threshold=threshold,
        min_supplies_days=minimum,
        opened_by=actor,
    )
    audit_record(
        actor=actor,
        action="filing_round.open",
        instance=filing_round,
        park_id=park.id,
        changes=snapshot(
            filing_round,
            [
                "title",
                "period_start",
                "period_end",
                "due_on",
                "change_threshold",
                "min_supplies_days",
                "include_branches",
            ],
        ),
    )
    return filing_round


@transaction.atomic
def round_close(*, actor, filing_round: FilingRound) -> FilingRound:
    permissions.require_manage_park(actor, filing_round.park_id)
    # Locked so that no filing slips in while the round closes.
    locked = selectors.round_get_for_update(actor=actor, round_id=filing_round.pk)
    locked.closed_by = actor
    return ROUND_WORKFLOW.fire(
        locked, "close", actor=actor, update_fields=("closed_by",), lock=False
    )


# Submissions


@dataclass(frozen=True)
class FilingResult:
    submission: Submission
    created: bool  # the first filing of this enterprise in this round
    changed: bool  # a new version was recorded (False: the same figures were filed again)


def submission_validate(
    *,
    total_staff: Any,
    returned_staff: Any,
    risk_area_staff: Any,
    observation_staff: Any,
    supplies_days: Any,
    compliance_declared: Any = False,
) -> dict:
    """The figures as numbers, or a ValidationFailed naming every wrong field."""
    errors = FieldErrors()
    raw = {
        "total_staff": total_staff,
        "returned_staff": returned_staff,
        "risk_area_staff": risk_area_staff,
        "observation_staff": observation_staff,
        "supplies_days": supplies_days,
    }
    values: dict[str, Any] = {
        field: _whole_number(
            errors, field, raw[field], MAX_SUPPLIES_DAYS if field == "supplies_days" else MAX_STAFF
        )
        for field in COUNT_FIELDS
    }
    total = values["total_staff"]
    if total is not None:
        for field, message in (
            (
                "returned_staff",
                _("Staff returned (%(value)s) cannot exceed total staff (%(total)s)."),
            ),
            (
                "risk_area_staff",
                _("Staff from risk areas (%(value)s) cannot exceed total staff (%(total)s)."),
            ),
            (
                "observation_staff",
                _("Staff under observation (%(value)s) cannot exceed total staff (%(total)s)."),
            ),
        ):
            if values[field] is not None and values[field] > total:
                errors.add(field, message % {"value": values[field], "total": total})
    errors.raise_if_any()
    values["compliance_declared"] = compliance_declared in (True, "true", "on", "1", 1)
    return values


def _previous(filing_round: FilingRound, enterprise) -> flags.Previous | None:
    earlier = (
        Submission.objects.filter(
            enterprise=enterprise, round__period_start__lt=filing_round.period_start
        )
        .select_related("round")
        .order_by("-round__period_start")
        .first()
    )
    if earlier is None:
        return None
    return flags.Previous(
        round_title=earlier.round.title,
        total_staff=earlier.total_staff,
        returned_staff=earlier.returned_staff,
    )


@transaction.atomic
def submission_file(
    *, actor, filing_round: FilingRound, enterprise, filed_at=None, **figures
) -> FilingResult:
    """File the enterprise's figures for the round. Filing again before the round closes is
    a correction: the submission takes the new figures and its earlier versions are kept.

    `filed_at` back-dates history loaded from elsewhere (the demo, paper returns typed in
    later); the web and the API never pass it."""
    permissions.require_file_for(actor, enterprise, filing_round)
    if enterprise.park_id not in selectors.covered_park_ids(actor=actor, filing_round=filing_round):
        raise ValidationFailed.for_field(
            "enterprise", _("This round does not cover the enterprise's park.")
        )
    values = submission_validate(**figures)
    locked = selectors.round_get_for_update(actor=actor, round_id=filing_round.pk)
    if not locked.is_open:
        raise Conflict(
            _("The round “%(round)s” is closed: filings are no longer accepted.")
            % {"round": locked.title},
            code=FilingsError.ROUND_CLOSED,
        )
    now = filed_at or timezone.now()
    values["flags"] = flags.compare(
        values=values,
        headcount=enterprise.headcount,
        previous=_previous(locked, enterprise),
        threshold=locked.change_threshold,
        min_supplies_days=locked.min_supplies_days,
        filed_on=timezone.localdate(now),
        due_on=locked.due_on,
    )
    submission = (
        Submission.objects.select_for_update().filter(round=locked, enterprise=enterprise).first()
    )
    created = submission is None
    if created:
        submission = Submission(
            round=locked, enterprise=enterprise, version=1, first_submitted_at=now
        )
    elif submission.values() == {name: values[name] for name in VALUE_FIELDS}:
        return FilingResult(submission=submission, created=False, changed=False)
    else:
        submission.version += 1
    for name, value in values.items():
        setattr(submission, name, value)
    submission.flag_count = len(values["flags"])
    submission.submitted_by = actor
    submission.submitted_at = now
    submission.save()
    SubmissionRevision.objects.create(
        submission=submission,
        version=submission.version,
        submitted_by=actor,
        submitted_at=now,
        **values,
    )
    return FilingResult(submission=submission, created=created, changed=True)
