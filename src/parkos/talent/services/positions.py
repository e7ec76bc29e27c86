"""Positions: posted by an enterprise's HR, published (after the operator's review where the park
requires it), closed by hand or by their closing date."""

from datetime import date
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from parkos.core.audit import audit_record
from parkos.core.errors import FieldErrors, Forbidden, ValidationFailed
from parkos.talent import permissions
from parkos.talent.errors import TalentError
from parkos.talent.models import (
    Booth,
    BoothStatus,
    Field,
    Level,
    ParkPolicy,
    Position,
    PositionStatus,
)
from parkos.talent.services.common import choice_clean, skills_clean, text_clean
from parkos.talent.services.common import money_clean as parse_money
from parkos.talent.workflows import POSITION

SALARY_MAX = Decimal("1000000")
HEADCOUNT_MAX = 1000


def _date(errors: FieldErrors, field: str, value) -> date | None:
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value or "").strip())
    except ValueError:
        errors.add(field, _("Enter a date such as 2026-12-31."))
        return None


def position_validate(*, data: dict, today: date | None = None) -> dict:
    """The position's fields cleaned, or one ValidationFailed naming every bad field."""
    errors = FieldErrors()
    today = today or timezone.localdate()
    cleaned = {
        "title": text_clean(errors, "title", data.get("title"), limit=100, required=True),
        "field": choice_clean(errors, "field", data.get("field"), Field),
        "level": choice_clean(errors, "level", data.get("level"), Level),
        "city": text_clean(errors, "city", data.get("city"), limit=50, required=True),
        "requirements": text_clean(errors, "requirements", data.get("requirements"), limit=5000),
        "skills": skills_clean(data.get("skills")),
    }
    salaries = {}
    for name in ("salary_min", "salary_max"):
        try:
            salaries[name] = parse_money(
                data.get(name), field=name, minimum=Decimal("1"), maximum=SALARY_MAX
            )
        except ValidationFailed as invalid:
            errors.add(name, str(invalid.message))
    upside_down = len(salaries) == 2 and salaries["salary_min"] > salaries["salary_max"]
    if upside_down:
        errors.add(
            "salary_max",
            _("The highest salary is below the lowest (%(low)s > %(high)s): swap them.")
            % {"low": f"{salaries['salary_min']:,}", "high": f"{salaries['salary_max']:,}"},
        )
    cleaned.update(salaries)
    try:
        headcount = int(data.get("headcount") or 1)
    except (TypeError, ValueError):
        headcount = 0
    if not 1 <= headcount <= HEADCOUNT_MAX:
        errors.add("headcount", _("Enter a headcount from 1 to 1,000."))
    cleaned["headcount"] = headcount
    closes_on = _date(errors, "closes_on", data.get("closes_on"))
    if closes_on is not None and closes_on < today:
        errors.add(
            "closes_on",
            _("The closing date %(day)s has already passed.") % {"day": closes_on.isoformat()},
        )
    cleaned["closes_on"] = closes_on
    if errors.fields:
        # The two refusals the issue names get their own codes, so a client can tell them apart
        # from a mistyped number; every field's message travels either way.
        code = None
        if upside_down:
            code = TalentError.SALARY_RANGE
        elif closes_on is not None and closes_on < today:
            code = TalentError.CLOSING_DATE_PAST
        first = next(iter(errors.fields.values()))[0]
        raise ValidationFailed(first, code=code, fields=errors.fields)
    return cleaned


@transaction.atomic
def position_create(*, actor, enterprise, booth: Booth | None = None, **data) -> Position:
    if not permissions.is_hr_of(actor, enterprise.id, admin_only=True):
        raise Forbidden(_("Only an admin of the enterprise posts its positions."))
    cleaned = position_validate(data=data)
    if booth is not None and booth.enterprise_id != enterprise.id:
        raise ValidationFailed.for_field("booth", _("This booth is another enterprise's."))
    if booth is not None and booth.status != BoothStatus.APPROVED:
        raise ValidationFailed.for_field(
            "booth",
            _("The booth is not approved yet."),
            code=TalentError.BOOTH_NOT_APPROVED,
        )
    position = Position.objects.create(
        enterprise=enterprise, park_id=enterprise.park_id, booth=booth, created_by=actor, **cleaned
    )
    audit_record(
        actor=actor,
        action="talent.position.create",
        instance=position,
        park_id=position.park_id,
        changes={"salary": [str(cleaned["salary_min"]), str(cleaned["salary_max"])]},
    )
    return position


@transaction.atomic
def position_update(*, actor, position: Position, **data) -> Position:
    position = POSITION.lock_for(position)
    if not permissions.can_post_for(actor, position):
        raise Forbidden(_("Only an admin of the enterprise edits its positions."))
    current = {
        name: getattr(position, name)
        for name in (
            "title",
            "field",
            "level",
            "city",
            "requirements",
            "skills",
            "salary_min",
            "salary_max",
            "headcount",
            "closes_on",
        )
    }
    cleaned = position_validate(data=current | {k: v for k, v in data.items() if k in current})
    for name, value in cleaned.items():
        setattr(position, name, value)
    position.save(update_fields=list(cleaned))
    audit_record(
        actor=actor,
        action="talent.position.update",
        instance=position,
        park_id=position.park_id,
        changes={k: str(v) for k, v in data.items() if k in current},
    )
    return position


@transaction.atomic
def position_transition(*, actor, position: Position, action: str, note: str = "") -> Position:
    """publish / submit / approve / reject / revise / close."""
    POSITION.transition(action)  # an unknown action is a programming error, not a 409
    position = POSITION.fire(position, action, actor=actor, note=note[:500])
    if action == "reject" and note:
        position.review_note = note[:500]
        position.save(update_fields=["review_note"])
    return position


def positions_close_expired(*, today: date | None = None) -> int:
    """Close every published position whose closing date has passed (the scheduler runs it;
    pages and the API already hide such positions from the public before it does)."""
    today = today or timezone.localdate()
    closed = 0
    expired = Position.objects.filter(status=PositionStatus.PUBLISHED, closes_on__lt=today)
    for position in expired.iterator():
        with transaction.atomic():
            POSITION.fire(position, "close", actor=None, check=False, note="closing date")
        closed += 1
    return closed


@transaction.atomic
def park_policy_set(*, actor, park, review_positions: bool) -> ParkPolicy:
    permissions.require_operator_of(actor, park)
    policy, _created = ParkPolicy.objects.update_or_create(
        park=park, defaults={"review_positions": bool(review_positions)}
    )
    audit_record(
        actor=actor,
        action="talent.policy.set",
        instance=policy,
        park_id=park.id,
        changes={"review_positions": bool(review_positions)},
    )
    return policy
