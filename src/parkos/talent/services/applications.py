"""Applying and the pipeline: a candidate applies to several positions in one action (all or
none), HR screens, interviews in rounds with scorecards, records the preliminary intent, offers
and hires, or ends an application with a reason code; the candidate may withdraw."""

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from parkos.core.errors import Conflict, FieldErrors, Forbidden, ValidationFailed
from parkos.talent import permissions
from parkos.talent.errors import TalentError
from parkos.talent.events import application_event
from parkos.talent.models import (
    Application,
    Interview,
    InterviewSlot,
    Position,
    PositionStatus,
)
from parkos.talent.models.recruitment import REJECT_REASONS, WITHDRAW_REASONS
from parkos.talent.services.candidates import _consent, require_candidate
from parkos.talent.services.fairs import slot_validate
from parkos.talent.workflows import APPLICATION

APPLY_AT_ONCE_MAX = 20
SCORE_CRITERIA = ("skills", "experience", "communication", "motivation")
RECOMMENDATIONS = ("advance", "hold", "reject")


def application_apply(
    *, actor, position_ids: list, consent: bool, cover_note: str = ""
) -> list[Application]:
    """Apply to every position in `position_ids` at once, or to none: a position closed, not
    found, or already applied to refuses the whole action, naming it. Consent to share the
    résumé with each position's enterprise is part of the action (PIPL)."""
    candidate = require_candidate(actor)
    ids = list(dict.fromkeys(str(pid) for pid in (position_ids or [])))
    if not ids:
        raise ValidationFailed.for_field("position_ids", _("Choose at least one position."))
    if len(ids) > APPLY_AT_ONCE_MAX:
        raise ValidationFailed.for_field(
            "position_ids",
            _("Apply to at most %(limit)s positions at once.") % {"limit": APPLY_AT_ONCE_MAX},
            code=TalentError.TOO_MANY_POSITIONS,
        )
    if not consent:
        raise ValidationFailed.for_field(
            "consent",
            _("Applying shares your résumé with the enterprises: tick the box to agree."),
            code=TalentError.CONSENT_REQUIRED,
        )
    today = timezone.localdate()
    now = timezone.now()
    try:
        positions = {
            str(p.id): p for p in Position.objects.filter(pk__in=ids).select_related("booth__fair")
        }
    except (ValueError, TypeError):
        positions = {}
    errors = FieldErrors()
    for pid in ids:
        position = positions.get(pid)
        if position is None:
            errors.add("position_ids", _("A position chosen does not exist."))
        elif position.status != PositionStatus.PUBLISHED or position.closes_on < today:
            errors.add(
                "position_ids",
                _("“%(title)s” is closed to applications.") % {"title": position.title},
            )
        elif position.booth_id and position.booth.fair.phase(now) != "running":
            errors.add(
                "position_ids",
                _("“%(title)s” takes applications during its fair only.")
                % {"title": position.title},
            )
    if errors.fields:
        raise ValidationFailed(
            errors.fields["position_ids"][0], code=TalentError.POSITION_CLOSED, fields=errors.fields
        )
    already = set(
        str(pid)
        for pid in Application.objects.counted()
        .filter(candidate=candidate, position_id__in=ids)
        .values_list("position_id", flat=True)
    )
    if already:
        titles = "、".join(positions[pid].title for pid in ids if pid in already)
        message = _("You have already applied to %(titles)s.") % {"titles": titles}
        raise Conflict(
            message, code=TalentError.ALREADY_APPLIED, fields={"position_ids": [message]}
        )
    note = (cover_note or "").strip()[:500]
    try:
        with transaction.atomic():
            made = []
            for pid in ids:
                position = positions[pid]
                _consent(candidate, position.enterprise_id)
                application = Application(
                    candidate=candidate,
                    position=position,
                    enterprise_id=position.enterprise_id,
                    fair_id=position.booth.fair_id if position.booth_id else None,
                    cover_note=note,
                    applied_at=now,
                    status="",
                )
                made.append(APPLICATION.fire(application, "apply", actor=actor, at=now))
    except IntegrityError as clash:
        # Two submissions of the same form at once: the unique constraint lets one through.
        message = _("You have already applied to one of these positions.")
        raise Conflict(
            message, code=TalentError.ALREADY_APPLIED, fields={"position_ids": [message]}
        ) from clash
    return made


def _reason(errors_field: str, reason_code: str, allowed) -> str:
    if reason_code not in [str(r) for r in allowed]:
        raise ValidationFailed.for_field(
            errors_field, _("Choose a reason from the list."), code=TalentError.REASON_REQUIRED
        )
    return reason_code


@transaction.atomic
def application_move(
    *, actor, application: Application, action: str, reason_code: str = "", note: str = ""
) -> Application:
    """screen / intent / offer / hire / reject / withdraw."""
    APPLICATION.transition(action)
    if action in ("interview", "merge", "apply"):
        raise ValidationFailed.for_field("action", _("Use the interview form for this."))
    locked = APPLICATION.lock_for(application)
    fields = []
    if action in ("reject", "withdraw"):
        APPLICATION.check(locked, action)
        allowed = REJECT_REASONS if action == "reject" else WITHDRAW_REASONS
        locked.reason_code = _reason("reason_code", reason_code, allowed)
        locked.reason_note = (note or "").strip()[:500]
        fields = ["reason_code", "reason_note"]
    return APPLICATION.fire(
        locked,
        action,
        actor=actor,
        lock=False,
        update_fields=fields,
        note=note[:500],
        data={"reason": reason_code} if reason_code else None,
    )


@transaction.atomic
def interview_schedule(
    *,
    actor,
    application: Application,
    slot: InterviewSlot | None = None,
    starts_at=None,
    ends_at=None,
    video_link: str = "",
) -> Interview:
    """The next interview round, in one of the enterprise's slots or at a new time (never in
    the past, never over another of its slots)."""
    locked = APPLICATION.lock_for(application)
    APPLICATION.check(locked, "interview")
    if not APPLICATION.may(locked, "interview", actor):
        APPLICATION.fire(locked, "interview", actor=actor, lock=False)  # raises Forbidden
    if slot is not None:
        slot = InterviewSlot.objects.select_for_update().get(pk=slot.pk)
        if slot.enterprise_id != locked.enterprise_id:
            raise ValidationFailed.for_field("slot", _("This slot is another enterprise's."))
        if slot.starts_at <= timezone.now():
            raise ValidationFailed.for_field(
                "slot", _("This slot has already passed."), code=TalentError.SLOT_IN_PAST
            )
        if slot.interviews.count() >= slot.capacity:
            raise Conflict(
                _("This slot is full: choose another."),
                code=TalentError.SLOT_FULL,
                fields={"slot": [_("This slot is full: choose another.")]},
            )
    else:
        starts, ends = slot_validate(
            enterprise_id=locked.enterprise_id, starts_at=starts_at, ends_at=ends_at
        )
        link = (video_link or "").strip()[:200]
        if link and not link.startswith(("https://", "http://")):
            raise ValidationFailed.for_field("video_link", _("Enter a web address (https://…)."))
        slot = InterviewSlot.objects.create(
            enterprise_id=locked.enterprise_id, starts_at=starts, ends_at=ends, video_link=link
        )
    locked.rounds += 1
    interview = Interview.objects.create(application=locked, slot=slot, round=locked.rounds)
    APPLICATION.fire(
        locked,
        "interview",
        actor=actor,
        lock=False,
        update_fields=["rounds"],
        data={"round": locked.rounds, "at": slot.starts_at.isoformat()},
    )
    return interview


@transaction.atomic
def interview_score(
    *, actor, interview: Interview, scores: dict, recommendation: str, feedback: str = ""
) -> Interview:
    """The round's scorecard: each criterion from 1 to 5, a recommendation and feedback."""
    interview = (
        Interview.objects.select_for_update().select_related("application").get(pk=interview.pk)
    )
    if not permissions.can_work_pipeline(actor, interview.application):
        raise Forbidden(_("Only the enterprise's HR scores its interviews."))
    errors = FieldErrors()
    cleaned = {}
    for criterion in SCORE_CRITERIA:
        value = (scores or {}).get(criterion)
        try:
            number = int(value)
        except (TypeError, ValueError):
            number = 0
        if not 1 <= number <= 5:
            errors.add(f"scores.{criterion}", _("Score from 1 to 5."))
        cleaned[criterion] = number
    if recommendation not in RECOMMENDATIONS:
        errors.add("recommendation", _("Choose one of the listed values."))
    if errors.fields:
        raise ValidationFailed(
            next(iter(errors.fields.values()))[0],
            code=TalentError.SCORE_RANGE,
            fields=errors.fields,
        )
    interview.scores = cleaned
    interview.overall = round(sum(cleaned.values()) / len(cleaned))
    interview.recommendation = recommendation
    interview.feedback = (feedback or "").strip()[:5000]
    interview.scored_by = actor
    interview.scored_at = timezone.now()
    interview.save(
        update_fields=["scores", "overall", "recommendation", "feedback", "scored_by", "scored_at"]
    )
    application_event(
        interview.application,
        action="score",
        actor=actor,
        before=interview.application.status,
        after=interview.application.status,
        data={"round": interview.round, "overall": interview.overall},
    )
    return interview
