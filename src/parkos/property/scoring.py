"""The monthly score of a property company: four indicators of 0–100 and their weighted
sum. A pure function of what is stored about the month, so recomputing gives the same
result. The formulas are shown to users on the ranking page (FORMULAS)."""

from datetime import date, datetime, time
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Avg
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from parkos.property.models import (
    Category,
    Finding,
    InspectionRound,
    Priority,
    RoundStatus,
    SurveyResponse,
    Ticket,
    TicketStatus,
)

FINDING_POINTS = {"low": 2, "medium": 5, "high": 10, "critical": 20}
INCIDENT_POINTS = 10
INCIDENT_CATEGORIES = (Category.SECURITY, Category.FIRE_SAFETY)
RESPONSE_SCALE_MIN = 240
RESOLUTION_SCALE_H = 72
NO_ANSWERS = 80

FORMULAS = [
    (
        _("Safety"),
        _(
            "100 − 10 per urgent security or fire incident − spot-check findings "
            "(low 2, medium 5, high 10, critical 20), not below 0."
        ),
    ),
    (
        _("Service"),
        _(
            "40 × share of tickets within SLA + 20 × (1 − average response minutes / 240) "
            "+ 20 × (1 − average resolution hours / 72) + 20 × (1 − reopen rate); "
            "each part not below 0; a month without tickets scores 100."
        ),
    ),
    (
        _("Satisfaction"),
        _(
            "20 × the mean of the tenants' average rating and the survey's "
            "average rating (1–5); a month with neither scores 80."
        ),
    ),
    (
        _("Inspections"),
        _(
            "50 × share of patrol rounds completed + 50 × share of checklist "
            "items passed; a month without rounds scores 100."
        ),
    ),
    (
        pgettext_lazy("assessment", "Total"),
        _("The weighted mean of the four with the operator's weights, 2 decimals."),
    ),
]


def month_bounds(month: date) -> tuple[datetime, datetime]:
    tz = timezone.get_current_timezone()
    start = month.replace(day=1)
    end = date(start.year + (start.month == 12), start.month % 12 + 1, 1)
    return (
        timezone.make_aware(datetime.combine(start, time(0)), tz),
        timezone.make_aware(datetime.combine(end, time(0)), tz),
    )


def _d(value: float) -> Decimal:
    return Decimal(str(value)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def _clamp(value: float) -> float:
    return max(0.0, min(1.0, value))


def indicators(company, month: date) -> dict:
    start, end = month_bounds(month)
    tickets = list(
        Ticket.objects.filter(company=company, created_at__gte=start, created_at__lt=end)
        .exclude(status=TicketStatus.CANCELLED)
        .values(
            "created_at",
            "accepted_at",
            "resolved_at",
            "response_due",
            "resolution_due",
            "reopen_count",
            "rating",
            "category",
            "priority",
        )
    )
    due = [
        t
        for t in tickets
        if t["resolved_at"] or (t["resolution_due"] and t["resolution_due"] < end)
    ]
    met = [
        t
        for t in due
        if t["resolved_at"]
        and t["resolution_due"]
        and t["resolved_at"] <= t["resolution_due"]
        and (t["accepted_at"] or t["resolved_at"]) <= t["response_due"]
    ]
    responses = [
        (t["accepted_at"] - t["created_at"]).total_seconds() / 60
        for t in tickets
        if t["accepted_at"]
    ]
    resolutions = [
        (t["resolved_at"] - t["created_at"]).total_seconds() / 3600
        for t in tickets
        if t["resolved_at"]
    ]
    resolved = [t for t in tickets if t["resolved_at"]]
    ratings = [t["rating"] for t in tickets if t["rating"]]
    incidents = sum(
        1
        for t in tickets
        if t["category"] in INCIDENT_CATEGORIES and t["priority"] == Priority.URGENT
    )
    findings = list(
        Finding.objects.filter(
            spot_check__company=company,
            spot_check__checked_on__gte=start.date(),
            spot_check__checked_on__lt=end.date(),
        ).values_list("severity", flat=True)
    )
    survey = SurveyResponse.objects.filter(
        company=company, survey__closes_on__gte=start.date(), survey__closes_on__lt=end.date()
    ).aggregate(avg=Avg("average_rating"))["avg"]
    rounds = list(
        InspectionRound.objects.filter(
            company=company, due_date__gte=start.date(), due_date__lt=end.date()
        ).values_list("status", "items_total", "items_failed")
    )
    done = [r for r in rounds if r[0] == RoundStatus.DONE]
    items = sum(r[1] for r in done)
    return {
        "tickets": len(tickets),
        "sla_due": len(due),
        "sla_met": len(met),
        "avg_response_min": round(sum(responses) / len(responses), 1) if responses else None,
        "avg_resolution_h": round(sum(resolutions) / len(resolutions), 2) if resolutions else None,
        "reopened": sum(1 for t in resolved if t["reopen_count"]),
        "resolved": len(resolved),
        "ratings": len(ratings),
        "avg_rating": round(sum(ratings) / len(ratings), 2) if ratings else None,
        "survey_rating": round(float(survey), 2) if survey is not None else None,
        "incidents": incidents,
        "findings": {s: findings.count(s) for s in FINDING_POINTS if findings.count(s)},
        "rounds": len(rounds),
        "rounds_done": len(done),
        "items": items,
        "items_failed": sum(r[2] for r in done),
    }


def sub_scores(ind: dict) -> dict[str, Decimal]:
    safety = (
        100
        - INCIDENT_POINTS * ind["incidents"]
        - sum(FINDING_POINTS[s] * n for s, n in ind["findings"].items())
    )
    if ind["tickets"]:
        compliance = ind["sla_met"] / ind["sla_due"] if ind["sla_due"] else 1.0
        response = _clamp(1 - (ind["avg_response_min"] or 0) / RESPONSE_SCALE_MIN)
        resolution = _clamp(1 - (ind["avg_resolution_h"] or 0) / RESOLUTION_SCALE_H)
        reopen = ind["reopened"] / ind["resolved"] if ind["resolved"] else 0.0
        service = 40 * compliance + 20 * response + 20 * resolution + 20 * (1 - reopen)
    else:
        service = 100.0
    rated = [v for v in (ind["avg_rating"], ind["survey_rating"]) if v is not None]
    satisfaction = 20 * sum(rated) / len(rated) if rated else NO_ANSWERS
    if ind["rounds"]:
        passed = 1 - ind["items_failed"] / ind["items"] if ind["items"] else 1.0
        inspection = 50 * ind["rounds_done"] / ind["rounds"] + 50 * passed
    else:
        inspection = 100.0
    return {
        "safety": _d(max(0.0, safety)),
        "service": _d(service),
        "satisfaction": _d(satisfaction),
        "inspection": _d(inspection),
    }


def weighted_total(scores: dict[str, Decimal], weights: dict[str, Decimal]) -> Decimal:
    total_weight = sum(weights.values())
    if not total_weight:
        return Decimal("0.00")
    value = sum(scores[k] * weights[k] for k in scores) / total_weight
    return value.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
