"""Every read of the talent app, scoped to the acting user (`visible_to`)."""

from collections import Counter, defaultdict
from datetime import datetime, time, timedelta
from uuid import UUID

from django.db.models import Avg, Count, Exists, OuterRef, Q, QuerySet, Sum
from django.utils import timezone

from parkos.core.selectors import get_or_404
from parkos.talent import permissions
from parkos.talent.ledger import LEDGER
from parkos.talent.models import (
    Application,
    ApplicationStatus,
    Booth,
    BoothStatus,
    Candidate,
    Consent,
    DemandSurvey,
    FairSurvey,
    Interview,
    InterviewSlot,
    JobFair,
    LedgerRecord,
    OneThingApplication,
    Position,
    SubCase,
    SubsidyRule,
)
from parkos.talent.models.recruitment import PIPELINE
from parkos.talent.universities import universities

# Positions


def position_list(
    *,
    actor,
    q: str = "",
    field: str = "",
    level: str = "",
    city: str = "",
    fair_id=None,
    enterprise_id=None,
    status: str = "",
    mine: bool = False,
) -> QuerySet[Position]:
    positions = Position.objects.visible_to(actor).select_related("enterprise", "park")
    q = (q or "").strip()[:100]
    if q:
        positions = positions.filter(Q(title__icontains=q) | Q(requirements__icontains=q))
    if field:
        positions = positions.filter(field=field)
    if level:
        positions = positions.filter(level=level)
    if city:
        positions = positions.filter(city=city)
    if fair_id:
        positions = positions.filter(booth__fair_id=fair_id, booth__status=BoothStatus.APPROVED)
    if enterprise_id:
        positions = positions.filter(enterprise_id=enterprise_id)
    if status:
        positions = positions.filter(status=status)
    if mine:
        positions = positions.filter(enterprise_id__in=permissions.hr_enterprise_ids(actor))
    return positions.order_by("-published_at", "-created_at", "id")


def position_get(*, actor, position_id) -> Position:
    return get_or_404(
        Position.objects.visible_to(actor).select_related("enterprise", "park", "booth__fair"),
        pk=position_id,
    )


# Fairs


def fair_list(*, actor, phase: str = "") -> QuerySet[JobFair]:
    fairs = JobFair.objects.visible_to(actor).select_related("park")
    now = timezone.now()
    if phase == "running":
        fairs = fairs.filter(starts_at__lte=now, ends_at__gt=now)
    elif phase == "upcoming":
        fairs = fairs.filter(starts_at__gt=now)
    elif phase == "past":
        fairs = fairs.filter(ends_at__lte=now)
    return fairs.annotate(
        booth_count=Count("booths", filter=Q(booths__status=BoothStatus.APPROVED), distinct=True)
    ).order_by("-starts_at")


def fair_get(*, actor, fair_id) -> JobFair:
    return get_or_404(JobFair.objects.visible_to(actor).select_related("park"), pk=fair_id)


def booth_list(*, actor, fair: JobFair) -> QuerySet[Booth]:
    return (
        Booth.objects.visible_to(actor)
        .filter(fair=fair)
        .select_related("enterprise", "fair")
        .annotate(position_count=Count("positions"))
        .order_by("status", "enterprise__name")
    )


def booth_get(*, actor, booth_id) -> Booth:
    return get_or_404(
        Booth.objects.visible_to(actor).select_related("enterprise", "fair__park"), pk=booth_id
    )


def slot_list(*, actor, enterprise_id=None, upcoming: bool = True) -> QuerySet[InterviewSlot]:
    slots = InterviewSlot.objects.visible_to(actor).distinct()
    if enterprise_id:
        slots = slots.filter(enterprise_id=enterprise_id)
    if upcoming:
        slots = slots.filter(starts_at__gt=timezone.now())
    return slots.annotate(booked=Count("interviews")).order_by("starts_at")


def slot_get(*, actor, slot_id) -> InterviewSlot:
    return get_or_404(InterviewSlot.objects.visible_to(actor).distinct(), pk=slot_id)


# Candidates and applications


def candidate_get(*, actor, candidate_id) -> Candidate:
    return get_or_404(Candidate.objects.visible_to(actor), pk=candidate_id)


def consent_list(*, actor) -> QuerySet[Consent]:
    return Consent.objects.visible_to(actor).select_related("enterprise").order_by("-granted_at")


def consent_get(*, actor, consent_id) -> Consent:
    return get_or_404(Consent.objects.visible_to(actor), pk=consent_id)


def _shared():
    """Whether the applicant's consent to share with the enterprise still stands."""
    return Exists(
        Consent.objects.filter(
            candidate_id=OuterRef("candidate_id"),
            enterprise_id=OuterRef("enterprise_id"),
            withdrawn_at__isnull=True,
        )
    )


def application_list(
    *,
    actor,
    position_id=None,
    status: str = "",
    mine: bool = False,
    fair_id=None,
) -> QuerySet[Application]:
    applications = (
        Application.objects.visible_to(actor)
        .counted()
        .select_related("candidate", "position", "enterprise")
        .annotate(shared=_shared())
    )
    if mine:
        applications = applications.filter(candidate__user_id=actor.pk)
    if position_id:
        applications = applications.filter(position_id=position_id)
    if status:
        applications = applications.filter(status=status)
    if fair_id:
        applications = applications.filter(fair_id=fair_id)
    return applications.order_by("-applied_at", "id")


def application_get(*, actor, application_id) -> Application:
    return get_or_404(
        Application.objects.visible_to(actor)
        .select_related("candidate", "position__enterprise", "enterprise", "fair")
        .annotate(shared=_shared()),
        pk=application_id,
    )


def application_events(*, actor, application: Application):
    return list(application.events.select_related("actor").order_by("at", "id"))


def application_interviews(*, actor, application: Application) -> list[Interview]:
    return list(application.interviews.select_related("slot").order_by("round"))


def interview_get(*, actor, interview_id) -> Interview:
    return get_or_404(
        Interview.objects.visible_to(actor).select_related("application", "slot"),
        pk=interview_id,
    )


def pipeline_board(*, actor, position: Position) -> dict[str, list[Application]]:
    """The enterprise's board for one position: a column per stage, ended ones last."""
    permissions.require_hr(actor, position.enterprise_id)
    board: dict[str, list[Application]] = {status: [] for status in PIPELINE}
    board[ApplicationStatus.REJECTED] = []
    board[ApplicationStatus.WITHDRAWN] = []
    for application in application_list(actor=actor, position_id=position.id):
        board.setdefault(application.status, []).append(application)
    return board


# The fair's live board and surveys


def _branch_label(park) -> str:
    return park.name


def fair_live_board(*, actor, fair: JobFair) -> dict:
    """Applications, interviews and intents of a fair, per enterprise, field and branch."""
    applications = Application.objects.counted().filter(fair=fair)
    per_enterprise = list(
        applications.values("enterprise__name")
        .annotate(
            applications=Count("id"),
            interviews=Count("id", filter=Q(rounds__gt=0)),
            intents=Count(
                "id",
                filter=Q(
                    status__in=[
                        ApplicationStatus.INTENT,
                        ApplicationStatus.OFFER,
                        ApplicationStatus.HIRED,
                    ]
                ),
            ),
        )
        .order_by("-applications", "enterprise__name")[:30]
    )
    per_field = list(
        applications.values("position__field")
        .annotate(applications=Count("id"))
        .order_by("-applications")
    )
    per_branch = list(
        applications.values("position__park__name")
        .annotate(applications=Count("id"))
        .order_by("-applications")
    )
    totals = applications.aggregate(
        applications=Count("id"),
        interviews=Count("id", filter=Q(rounds__gt=0)),
        intents=Count(
            "id",
            filter=Q(
                status__in=[
                    ApplicationStatus.INTENT,
                    ApplicationStatus.OFFER,
                    ApplicationStatus.HIRED,
                ]
            ),
        ),
        candidates=Count("candidate", distinct=True),
    )
    return {
        "totals": totals,
        "per_enterprise": per_enterprise,
        "per_field": per_field,
        "per_branch": per_branch,
        "at": timezone.now(),
    }


def fair_survey_summary(*, actor, fair: JobFair) -> dict:
    answers = FairSurvey.objects.visible_to(actor).filter(fair=fair)
    summary = answers.aggregate(
        answers=Count("id"), satisfaction=Avg("satisfaction"), expected_hires=Sum("expected_hires")
    )
    summary["enterprises"] = answers.filter(enterprise__isnull=False).count()
    return summary


def demand_summary(*, actor, year: int | None = None) -> list[dict]:
    """Talent demand by branch and field (and level), summed."""
    rows = DemandSurvey.objects.visible_to(actor)
    if year:
        rows = rows.filter(year=year)
    return list(
        rows.values("park__name", "field", "level")
        .annotate(headcount=Sum("headcount"), enterprises=Count("enterprise", distinct=True))
        .order_by("park__name", "field", "level")
    )


def university_map(*, actor) -> list[dict]:
    """Every university of the reference list, with the fairs held there and the applicants it
    sent (people who studied there and applied, counted once)."""
    fairs = Counter(
        JobFair.objects.visible_to(actor)
        .exclude(university="")
        .values_list("university", flat=True)
    )
    applicants = dict(
        Candidate.objects.exclude(university="")
        .filter(applications__isnull=False)
        .values("university")
        .annotate(n=Count("id", distinct=True))
        .values_list("university", "n")
    )
    return [
        {
            "code": u.code,
            "name": u.label,
            "city": u.city,
            "latitude": float(u.latitude),
            "longitude": float(u.longitude),
            "fairs": fairs.get(u.code, 0),
            "applicants": applicants.get(u.code, 0),
        }
        for u in universities().values()
    ]


def statistics(*, actor) -> dict:
    """Network figures: fairs, positions, applications and how many reached intent. Counts
    carry no personal data, so everyone sees the network's (the article's own figures)."""
    applications = Application.objects.counted()
    reached = applications.filter(
        status__in=[ApplicationStatus.INTENT, ApplicationStatus.OFFER, ApplicationStatus.HIRED]
    ).count()
    total = applications.count()
    return {
        "fairs": JobFair.objects.visible_to(actor).count(),
        "positions": Position.objects.visible_to(actor).count(),
        "applications": total,
        "intents": reached,
        "intent_rate": round(100 * reached / total) if total else 0,
    }


# Talent one thing and the ledger


def onething_list(*, actor) -> QuerySet[OneThingApplication]:
    return (
        OneThingApplication.objects.visible_to(actor)
        .select_related("park")
        .prefetch_related("subcases")
        .order_by("-created_at")
    )


def onething_get(*, actor, application_id) -> OneThingApplication:
    return get_or_404(
        OneThingApplication.objects.visible_to(actor).select_related("park"), pk=application_id
    )


def subcase_list(*, actor, application: OneThingApplication) -> list[SubCase]:
    return list(
        SubCase.objects.visible_to(actor)
        .filter(application=application)
        .select_related("housing__rule")
        .order_by("created_at", "kind")
    )


def rule_list(*, actor) -> QuerySet[SubsidyRule]:
    return SubsidyRule.objects.order_by("-version")


def ledger_list(*, actor) -> QuerySet[LedgerRecord]:
    permissions.require_reviewer(actor)
    return LedgerRecord.objects.prefetch_related("lines").order_by("-seq")


def ledger_record(*, seq) -> LedgerRecord | None:
    try:
        seq = int(seq)
    except (TypeError, ValueError):
        return None
    if not 0 < seq < 2**62:
        return None
    return LedgerRecord.objects.filter(pk=seq).prefetch_related("lines").first()


def ledger_month(*, actor, year: int, month: int) -> dict:
    """The month's report: grants and payments of the month, and the chain head at its end
    (print it: a later rewrite of the chain no longer ends on this hash)."""
    permissions.require_reviewer(actor)
    tz = timezone.get_current_timezone()
    start = timezone.make_aware(datetime(year, month, 1), tz)
    end = timezone.make_aware(datetime(year + (month == 12), month % 12 + 1, 1), tz)
    records = LedgerRecord.objects.filter(recorded_at__gte=start, recorded_at__lt=end)
    figures = {
        kind: records.filter(kind=kind).aggregate(n=Count("seq"), total=Sum("amount"))
        for kind in ("decision", "payment")
    }
    seq, head = LEDGER.head_at(end)
    return {
        "year": year,
        "month": month,
        "records": list(records.order_by("seq")),
        "figures": figures,
        "head_seq": seq,
        "head": head,
        "closed": end <= timezone.now(),
    }


def today_range() -> tuple[datetime, datetime]:
    start = timezone.make_aware(datetime.combine(timezone.localdate(), time.min))
    return start, start + timedelta(days=1)


def uuid_or_none(value) -> UUID | None:
    try:
        return UUID(str(value))
    except (TypeError, ValueError):
        return None


def enterprise_ids_of(actor) -> set:
    return permissions.hr_enterprise_ids(actor)


def fair_phase_counts(*, actor) -> dict:
    counts = defaultdict(int)
    for fair in JobFair.objects.visible_to(actor).only("starts_at", "ends_at"):
        counts[fair.phase()] += 1
    return dict(counts)


def subsidy_get(*, actor, subsidy_id):
    from parkos.talent.models import HousingSubsidy

    return get_or_404(HousingSubsidy.objects.visible_to(actor), pk=subsidy_id)


def booth_list_of(*, actor, enterprise_id) -> QuerySet[Booth]:
    return (
        Booth.objects.visible_to(actor)
        .filter(enterprise_id=enterprise_id)
        .select_related("fair")
        .order_by("-fair__starts_at")
    )


def fair_positions(*, actor, fair: JobFair) -> QuerySet[Position]:
    return (
        Position.objects.visible_to(actor)
        .filter(booth__fair=fair, booth__status=BoothStatus.APPROVED)
        .select_related("enterprise")
        .order_by("enterprise__name", "title")
    )


def demand_rows_of(*, actor, enterprise_id, year: int) -> QuerySet[DemandSurvey]:
    return DemandSurvey.objects.visible_to(actor).filter(enterprise_id=enterprise_id, year=year)
