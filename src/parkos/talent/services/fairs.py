"""Online job fairs: the operator opens a fair with its time window and theme, enterprises ask
for booths that the operator approves, and HR offer interview slots; after the fair, enterprises
and candidates answer its survey."""

from datetime import datetime

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from parkos.core.audit import audit_record
from parkos.core.errors import Conflict, FieldErrors, Forbidden, ValidationFailed
from parkos.talent import permissions
from parkos.talent.errors import TalentError
from parkos.talent.models import (
    Booth,
    DemandSurvey,
    FairSurvey,
    Field,
    InterviewSlot,
    JobFair,
    Level,
    Theme,
)
from parkos.talent.services.common import choice_clean, text_clean
from parkos.talent.universities import university_get
from parkos.talent.workflows import BOOTH

SLOT_LONGEST_HOURS = 8


def _moment(errors: FieldErrors, field: str, value) -> datetime | None:
    if isinstance(value, str):
        try:
            value = datetime.fromisoformat(value.strip())
        except ValueError:
            errors.add(field, _("Enter a date and time such as 2026-12-31 14:00."))
            return None
    if not isinstance(value, datetime):
        errors.add(field, _("This field is required."))
        return None
    if timezone.is_naive(value):
        value = timezone.make_aware(value)
    return value


@transaction.atomic
def fair_create(
    *,
    actor,
    park,
    title: str,
    theme: str,
    starts_at,
    ends_at,
    field: str = "",
    university: str = "",
    description: str = "",
    published: bool = True,
) -> JobFair:
    if not permissions.is_operator_of(actor, park):
        raise Forbidden(_("Only an operator of the park opens a fair there."))
    errors = FieldErrors()
    title = text_clean(errors, "title", title, limit=120, required=True)
    theme = choice_clean(errors, "theme", theme, Theme)
    field = choice_clean(errors, "field", field, Field, required=theme == Theme.FIELD)
    if theme == Theme.CAMPUS and university_get(university) is None:
        errors.add("university", _("A campus fair names its university from the list."))
    starts = _moment(errors, "starts_at", starts_at)
    ends = _moment(errors, "ends_at", ends_at)
    if starts and ends and ends <= starts:
        errors.add("ends_at", _("The fair must end after it starts."))
    if errors.fields:
        code = TalentError.FAIR_WINDOW if errors.has("ends_at") else None
        raise ValidationFailed(
            next(iter(errors.fields.values()))[0], code=code, fields=errors.fields
        )
    fair = JobFair.objects.create(
        park=park,
        title=title,
        theme=theme,
        field=field,
        university=university if theme == Theme.CAMPUS else "",
        description=(description or "")[:5000],
        starts_at=starts,
        ends_at=ends,
        published=published,
    )
    audit_record(actor=actor, action="talent.fair.create", instance=fair, park_id=park.id)
    return fair


@transaction.atomic
def booth_request(*, actor, fair: JobFair, enterprise, intro: str = "") -> Booth:
    permissions.require_hr(actor, enterprise.id, admin_only=True)
    if fair.phase() == "past":
        raise ValidationFailed.for_field(
            "fair", _("This fair is over."), code=TalentError.FAIR_NOT_RUNNING
        )
    try:
        with transaction.atomic():
            booth = Booth.objects.create(
                fair=fair, enterprise=enterprise, intro=(intro or "")[:500]
            )
    except IntegrityError as clash:
        raise Conflict(
            _("Your enterprise already has a booth at this fair."), code=TalentError.BOOTH_EXISTS
        ) from clash
    audit_record(actor=actor, action="talent.booth.request", instance=booth, park_id=fair.park_id)
    return booth


@transaction.atomic
def booth_transition(*, actor, booth: Booth, action: str, note: str = "") -> Booth:
    BOOTH.transition(action)
    return BOOTH.fire(booth, action, actor=actor, note=note[:500])


def slot_validate(*, enterprise_id, starts_at, ends_at, booth=None, exclude=None):
    errors = FieldErrors()
    starts = _moment(errors, "starts_at", starts_at)
    ends = _moment(errors, "ends_at", ends_at)
    errors.raise_if_any()
    if starts <= timezone.now():
        raise ValidationFailed.for_field(
            "starts_at",
            _("This time has already passed: choose a time still to come."),
            code=TalentError.SLOT_IN_PAST,
        )
    if ends <= starts:
        raise ValidationFailed.for_field("ends_at", _("The slot must end after it starts."))
    if (ends - starts).total_seconds() > SLOT_LONGEST_HOURS * 3600:
        raise ValidationFailed.for_field("ends_at", _("An interview slot lasts at most 8 hours."))
    clash = InterviewSlot.objects.select_for_update().filter(
        enterprise_id=enterprise_id, starts_at__lt=ends, ends_at__gt=starts
    )
    if exclude is not None:
        clash = clash.exclude(pk=exclude.pk)
    other = clash.order_by("starts_at").first()
    if other is not None:
        local = timezone.localtime(other.starts_at)
        raise Conflict(
            _("It overlaps the slot at %(start)s: choose another time.")
            % {"start": local.strftime("%Y-%m-%d %H:%M")},
            code=TalentError.SLOT_OVERLAP,
            fields={
                "starts_at": [
                    _("It overlaps the slot at %(start)s: choose another time.")
                    % {"start": local.strftime("%Y-%m-%d %H:%M")}
                ]
            },
        )
    return starts, ends


@transaction.atomic
def slot_create(
    *, actor, enterprise, starts_at, ends_at, video_link: str = "", capacity: int = 1, booth=None
) -> InterviewSlot:
    permissions.require_hr(actor, enterprise.id)
    if booth is not None and booth.enterprise_id != enterprise.id:
        raise ValidationFailed.for_field("booth", _("This booth is another enterprise's."))
    starts, ends = slot_validate(
        enterprise_id=enterprise.id, starts_at=starts_at, ends_at=ends_at, booth=booth
    )
    link = (video_link or "").strip()[:200]
    if link and not link.startswith(("https://", "http://")):
        raise ValidationFailed.for_field("video_link", _("Enter a web address (https://…)."))
    try:
        capacity = int(capacity)
    except (TypeError, ValueError):
        capacity = 0
    if not 1 <= capacity <= 50:
        raise ValidationFailed.for_field("capacity", _("Enter a number of places from 1 to 50."))
    return InterviewSlot.objects.create(
        enterprise=enterprise,
        booth=booth,
        starts_at=starts,
        ends_at=ends,
        video_link=link,
        capacity=capacity,
    )


@transaction.atomic
def fair_survey_answer(
    *, actor, fair: JobFair, satisfaction, expected_hires=0, comment: str = "", enterprise=None
) -> FairSurvey:
    """One answer per person and fair, once the fair has started."""
    if not getattr(actor, "is_authenticated", False):
        raise Forbidden(_("Sign in first."))
    if enterprise is not None:
        permissions.require_hr(actor, enterprise.id)
    if fair.phase() == "upcoming":
        raise ValidationFailed.for_field(
            "fair", _("The survey opens when the fair starts."), code=TalentError.FAIR_NOT_RUNNING
        )
    try:
        satisfaction = int(satisfaction)
    except (TypeError, ValueError):
        satisfaction = 0
    if not 1 <= satisfaction <= 5:
        raise ValidationFailed.for_field("satisfaction", _("Choose from 1 to 5."))
    try:
        expected_hires = int(expected_hires or 0)
    except (TypeError, ValueError):
        expected_hires = -1
    if not 0 <= expected_hires <= 10_000:
        raise ValidationFailed.for_field("expected_hires", _("Enter a number from 0 to 10,000."))
    try:
        with transaction.atomic():
            return FairSurvey.objects.create(
                fair=fair,
                respondent=actor,
                enterprise=enterprise,
                satisfaction=satisfaction,
                expected_hires=expected_hires,
                comment=(comment or "").strip()[:1000],
            )
    except IntegrityError as clash:
        raise Conflict(
            _("You have already answered this fair's survey."), code=TalentError.SURVEY_DONE
        ) from clash


@transaction.atomic
def demand_submit(*, actor, enterprise, year: int, rows: list[dict]) -> list[DemandSurvey]:
    """An enterprise's talent demand for a year: headcount per field and level. Sending it again
    replaces that year's answer."""
    permissions.require_hr(actor, enterprise.id)
    errors = FieldErrors()
    cleaned = []
    for index, row in enumerate(rows or []):
        field = choice_clean(errors, f"rows.{index}.field", row.get("field"), Field)
        level = choice_clean(errors, f"rows.{index}.level", row.get("level"), Level)
        try:
            headcount = int(row.get("headcount"))
        except (TypeError, ValueError):
            headcount = -1
        if not 0 < headcount <= 100_000:
            errors.add(f"rows.{index}.headcount", _("Enter a headcount from 1 to 100,000."))
        cleaned.append((field, level, headcount))
    if not rows:
        errors.add("rows", _("Give at least one field and level."))
    this_year = timezone.localdate().year
    if not isinstance(year, int) or not this_year - 1 <= year <= this_year + 2:
        errors.add("year", _("Enter this year or one of the next two."))
    errors.raise_if_any()
    DemandSurvey.objects.filter(enterprise=enterprise, year=year).delete()
    made = DemandSurvey.objects.bulk_create(
        [
            DemandSurvey(
                enterprise=enterprise,
                park_id=enterprise.park_id,
                year=year,
                field=field,
                level=level,
                headcount=headcount,
                submitted_by=actor,
            )
            for field, level, headcount in {(f, lv): (f, lv, h) for f, lv, h in cleaned}.values()
        ]
    )
    audit_record(
        actor=actor,
        action="talent.demand.submit",
        instance=enterprise,
        park_id=enterprise.park_id,
        changes={"year": year, "rows": len(made)},
    )
    return made
