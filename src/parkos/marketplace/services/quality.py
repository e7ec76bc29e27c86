"""The provider score: fair, standardised, and hard to game with a handful of reviews.

    score = 100 × (0.40·R + 0.30·S + 0.20·(1 − C) + 0.10·T)

- R, rating: the Bayesian average of the provider's stars, (k·m + Σstars) / (k + n) with
  k = 10 pseudo-reviews at m = the lower of the network mean and 4 stars (an unknown
  provider is taken as average or worse), mapped from 1–5 to 0–1. A provider with two
  five-star reviews sits near m, below one with thirty reviews averaging 4.6.
- S, SLA compliance: the share of its enquiries answered within the product's response
  terms and of its orders delivered within the delivery terms, smoothed the same way
  toward the network's share (k = 10).
- C, complaint rate: complaints per delivered order, smoothed toward the network's rate.
- T, response time: 1 for a median first response within 2 hours, falling linearly to 0 at
  72 hours; 0.5 with no enquiries yet.
A provider scoring under FLAG_THRESHOLD is flagged to the operator."""

from dataclasses import dataclass
from decimal import Decimal
from statistics import median

from django.db import transaction
from django.db.models import Count, Q, Sum
from django.utils import timezone

from parkos.core.audit import audit_record
from parkos.marketplace.models import (
    Complaint,
    Order,
    Provider,
    ProviderScore,
    ProviderStatus,
    Review,
)

PRIOR_WEIGHT = 10
PRIOR_STARS = 4.0
FLAG_THRESHOLD = Decimal("60")
WEIGHTS = {
    "rating": Decimal("0.40"),
    "sla": Decimal("0.30"),
    "complaints": Decimal("0.20"),
    "response": Decimal("0.10"),
}


@dataclass
class Counts:
    star_sum: int = 0
    reviews: int = 0
    sla_met: int = 0
    sla_total: int = 0
    complaints: int = 0
    delivered: int = 0
    response_hours: list | None = None


def _smoothed(hits: float, total: int, prior: float) -> float:
    return (PRIOR_WEIGHT * prior + hits) / (PRIOR_WEIGHT + total)


def _collect() -> dict:
    counts: dict = {}
    for row in Review.objects.values("provider_id").annotate(s=Sum("stars"), n=Count("id")):
        c = counts.setdefault(row["provider_id"], Counts(response_hours=[]))
        c.star_sum, c.reviews = row["s"], row["n"]
    for row in Complaint.objects.values("provider_id").annotate(n=Count("id")):
        counts.setdefault(row["provider_id"], Counts(response_hours=[])).complaints = row["n"]
    orders = Order.objects.values(
        "provider_id",
        "enquired_at",
        "quoted_at",
        "closed_at",
        "ordered_at",
        "delivered_at",
        "product__sla_response_hours",
        "product__sla_delivery_days",
    ).filter(Q(enquired_at__isnull=False) | Q(ordered_at__isnull=False))
    for row in orders.iterator(chunk_size=2000):
        c = counts.setdefault(row["provider_id"], Counts(response_hours=[]))
        if row["enquired_at"]:
            answered = row["quoted_at"] or row["closed_at"]
            if answered:
                hours = (answered - row["enquired_at"]).total_seconds() / 3600
                c.response_hours.append(hours)
                c.sla_total += 1
                c.sla_met += hours <= row["product__sla_response_hours"]
        if row["ordered_at"] and row["delivered_at"]:
            c.delivered += 1
            days = (row["delivered_at"] - row["ordered_at"]).total_seconds() / 86400
            c.sla_total += 1
            c.sla_met += days <= row["product__sla_delivery_days"]
    return counts


def _response_score(hours: list) -> float:
    if not hours:
        return 0.5
    middle = median(hours)
    return max(0.0, min(1.0, 1 - (middle - 2) / 70))


def provider_scores_recompute(*, actor=None) -> int:
    """Recompute every verified provider's score; run by the scheduled job."""
    counts = _collect()
    totals = Counts()
    for c in counts.values():
        totals.star_sum += c.star_sum
        totals.reviews += c.reviews
        totals.sla_met += c.sla_met
        totals.sla_total += c.sla_total
        totals.complaints += c.complaints
        totals.delivered += c.delivered
    mean_stars = (
        min(totals.star_sum / totals.reviews, PRIOR_STARS) if totals.reviews else PRIOR_STARS
    )
    mean_sla = totals.sla_met / totals.sla_total if totals.sla_total else 0.9
    mean_complaints = totals.complaints / totals.delivered if totals.delivered else 0.05
    at = timezone.now()
    changed = 0
    with transaction.atomic():
        for provider in Provider.objects.select_for_update().filter(status=ProviderStatus.VERIFIED):
            c = counts.get(provider.id, Counts(response_hours=[]))
            stars = _smoothed(c.star_sum, c.reviews, mean_stars)
            rating = (stars - 1) / 4
            sla = _smoothed(c.sla_met, c.sla_total, mean_sla)
            complaint_rate = min(1.0, _smoothed(c.complaints, c.delivered, mean_complaints))
            response = _response_score(c.response_hours)
            value = 100 * (
                float(WEIGHTS["rating"]) * rating
                + float(WEIGHTS["sla"]) * sla
                + float(WEIGHTS["complaints"]) * (1 - complaint_rate)
                + float(WEIGHTS["response"]) * response
            )
            score = Decimal(str(round(value, 2)))
            flagged = score < FLAG_THRESHOLD
            ProviderScore.objects.create(
                provider=provider,
                computed_at=at,
                score=score,
                rating=Decimal(str(round(stars, 2))),
                sla_compliance=Decimal(str(round(sla, 4))),
                complaint_rate=Decimal(str(round(complaint_rate, 4))),
                response_hours=Decimal(str(round(median(c.response_hours), 2)))
                if c.response_hours
                else None,
                review_count=c.reviews,
                order_count=c.delivered,
                flagged=flagged,
            )
            if provider.score != score or provider.flagged != flagged:
                audit_record(
                    actor=actor,
                    action="provider.score",
                    instance=provider,
                    changes={
                        "score": [
                            None if provider.score is None else str(provider.score),
                            str(score),
                        ],
                        "flagged": flagged,
                    },
                )
                provider.score = score
                provider.flagged = flagged
                provider.save(update_fields=["score", "flagged"])
                changed += 1
    return changed
