"""Reads of the re-opening ledger, each scoped to the acting user (see permissions.py)."""

from uuid import UUID

from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q, QuerySet
from django.utils.translation import gettext as _

from parkos.core.selectors import get_or_404
from parkos.filings import flags, permissions
from parkos.filings.models import FilingRound, RoundStatus, Submission, SubmissionRevision
from parkos.parks import selectors as parks


def round_list(*, actor, park_id: UUID | None = None, status: str = "") -> QuerySet[FilingRound]:
    rounds = (
        FilingRound.objects.visible_to(actor)
        .select_related("park")
        .order_by("-period_start", "-opened_at")
    )
    if park_id:
        rounds = rounds.filter(park_id=park_id)
    if status in RoundStatus.values:
        rounds = rounds.filter(status=status)
    return rounds


def round_list_with_counts(*, actor, **filters) -> QuerySet[FilingRound]:
    """Rounds with how many submissions the actor can see in each, and how many are flagged."""
    in_view = Q(submissions__in=Submission.objects.visible_to(actor).values("pk"))
    return round_list(actor=actor, **filters).annotate(
        submission_count=Count("submissions", filter=in_view, distinct=True),
        flagged_count=Count(
            "submissions", filter=in_view & Q(submissions__flag_count__gt=0), distinct=True
        ),
    )


def round_get(*, actor, round_id) -> FilingRound:
    return get_or_404(round_list(actor=actor), _("No such round."), pk=round_id)


def round_get_to_manage(*, actor, round_id) -> FilingRound:
    """A round whose moves (close) `actor` makes: one they cannot see is not found, one they
    see but do not run is refused (403) before anything else is looked at."""
    filing_round = round_get(actor=actor, round_id=round_id)
    if not FilingRound.objects.actionable_by(actor, "manage").filter(pk=filing_round.pk).exists():
        raise PermissionDenied
    return filing_round


def round_get_for_update(*, actor, round_id) -> FilingRound:
    """The round, locked until the caller's transaction ends."""
    round_get(actor=actor, round_id=round_id)
    return FilingRound.objects.select_for_update().get(pk=round_id)


def covered_park_ids(*, actor, filing_round: FilingRound) -> list[UUID]:
    """The round's park and, when it includes them, its branches."""
    ids = [filing_round.park_id]
    if filing_round.include_branches:
        ids += list(
            parks.park_list(actor=actor)
            .filter(parent_id=filing_round.park_id)
            .values_list("id", flat=True)
        )
    return ids


def submission_list(
    *,
    actor,
    filing_round: FilingRound | None = None,
    enterprise_id: UUID | None = None,
    flagged: bool | None = None,
) -> QuerySet[Submission]:
    submissions = (
        Submission.objects.visible_to(actor)
        .select_related("round", "enterprise__park", "submitted_by")
        .order_by("enterprise__name", "id")
    )
    if filing_round is not None:
        submissions = submissions.filter(round=filing_round)
    if enterprise_id:
        submissions = submissions.filter(enterprise_id=enterprise_id)
    if flagged is not None:
        submissions = (
            submissions.filter(flag_count__gt=0) if flagged else submissions.filter(flag_count=0)
        )
    return submissions


def submission_get(*, actor, submission_id) -> Submission:
    return get_or_404(submission_list(actor=actor), _("No such filing."), pk=submission_id)


def submission_of(*, actor, filing_round: FilingRound, enterprise_id: UUID) -> Submission | None:
    return submission_list(
        actor=actor, filing_round=filing_round, enterprise_id=enterprise_id
    ).first()


def revision_list(*, actor, submission: Submission) -> QuerySet[SubmissionRevision]:
    """Every version of a submission the actor can see, newest first."""
    return (
        SubmissionRevision.objects.visible_to(actor)
        .filter(submission=submission)
        .select_related("submitted_by")
        .order_by("-version")
    )


def filing_enterprises(*, actor, filing_round: FilingRound) -> list:
    """The actor's own enterprises this round asks to file."""
    own = permissions.own_enterprise_ids(actor)
    if not own:
        return []
    covered = covered_park_ids(actor=actor, filing_round=filing_round)
    return list(parks.enterprise_list(actor=actor).filter(id__in=own, park_id__in=covered))


def filing_enterprise_get(*, actor, filing_round: FilingRound, enterprise_id) -> object:
    """An enterprise the actor may file for in this round: their own, or for the round's
    operators any enterprise it covers."""
    covered = covered_park_ids(actor=actor, filing_round=filing_round)
    candidates = parks.enterprise_list(actor=actor).filter(park_id__in=covered)
    if not permissions.can_manage_park(actor, filing_round.park_id):
        candidates = candidates.filter(id__in=permissions.own_enterprise_ids(actor))
    return get_or_404(candidates, _("Unknown enterprise."), pk=enterprise_id)


def flag_reasons(stored: list[dict] | None) -> list[str]:
    """Each flag of a filing in the reader's language, worded by the flags catalogue."""
    return [flags.FLAGS.render(flag) for flag in stored or []]
