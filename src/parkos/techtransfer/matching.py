"""Demands ↔ achievements through the shared engine (core.matching), with the hard checks
that explain themselves. The engine ranks by text; the checks then adjust and explain."""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, Max
from django.utils.formats import number_format

from parkos.core.matching import MatchIndex
from parkos.techtransfer.models import (
    Achievement,
    AchievementStatus,
    Demand,
    DemandStatus,
)
from parkos.techtransfer.texts import MATCH_TEXTS

# A match this good, with every check passed, is "strong": both sides are told (once).
STRONG_SCORE = 0.30
# Each failed check costs this share of the score: a gap is negotiable, not a veto.
CHECK_PENALTY = 0.15
SAME_FIELD_BONUS = 1.10
CANDIDATES = 50


@dataclass
class MatchResult:
    achievement: Achievement
    demand: Demand
    score: float
    text_score: float
    reasons: list = field(default_factory=list)
    checks: list = field(default_factory=list)
    strong: bool = False


_cache: dict[str, tuple[tuple, MatchIndex]] = {}
_lock = threading.Lock()


def _cached_index(name: str, queryset, signature_fields=("updated_at",)) -> tuple[MatchIndex, dict]:
    stats = queryset.aggregate(count=Count("pk"), last=Max(signature_fields[0]))
    signature = (stats["count"], stats["last"])
    with _lock:
        cached = _cache.get(name)
        if cached and cached[0] == signature:
            return cached[1]
    rows = list(queryset.order_by("pk"))
    index = MatchIndex([row.match_text for row in rows], keys=[row.pk for row in rows])
    by_key = {row.pk: row for row in rows}
    with _lock:
        _cache[name] = (signature, (index, by_key))
    return index, by_key


def achievement_index() -> tuple[MatchIndex, dict]:
    return _cached_index(
        "achievements",
        Achievement.objects.filter(status=AchievementStatus.PUBLISHED).select_related(
            "institution"
        ),
    )


def demand_index() -> tuple[MatchIndex, dict]:
    return _cached_index(
        "demands",
        Demand.objects.filter(status=DemandStatus.OPEN).select_related("enterprise"),
        signature_fields=("created_at",),
    )


def _yuan(amount: Decimal) -> str:
    return number_format(amount.quantize(Decimal("1")), force_grouping=True)


def hard_checks(demand: Demand, achievement: Achievement) -> list[dict]:
    checks = []
    have, need = achievement.trl, demand.trl_required
    if have >= need:
        checks.append({"ok": True, "text": MATCH_TEXTS.make("trl_ok", have=have, need=need)})
    else:
        checks.append({"ok": False, "text": MATCH_TEXTS.make("trl_gap", have=have, need=need)})
    common = [m for m in achievement.modes if m in demand.modes]
    if common:
        checks.append({"ok": True, "text": MATCH_TEXTS.make("mode_ok", modes=common)})
    else:
        checks.append(
            {
                "ok": False,
                "text": MATCH_TEXTS.make(
                    "mode_none", offered=achievement.modes, accepted=demand.modes
                ),
            }
        )
    budget = _yuan(demand.budget)
    if achievement.price is None:
        checks.append({"ok": True, "text": MATCH_TEXTS.make("price_negotiable", budget=budget)})
    elif achievement.price <= demand.budget:
        checks.append(
            {
                "ok": True,
                "text": MATCH_TEXTS.make("price_ok", price=_yuan(achievement.price), budget=budget),
            }
        )
    else:
        checks.append(
            {
                "ok": False,
                "text": MATCH_TEXTS.make(
                    "price_over", price=_yuan(achievement.price), budget=budget
                ),
            }
        )
    deadline = demand.deadline.isoformat()
    if achievement.expires_on is None or achievement.expires_on >= demand.deadline:
        checks.append({"ok": True, "text": MATCH_TEXTS.make("deadline_ok", deadline=deadline)})
    else:
        checks.append(
            {
                "ok": False,
                "text": MATCH_TEXTS.make(
                    "deadline_missed", expires=achievement.expires_on.isoformat(), deadline=deadline
                ),
            }
        )
    return checks


def _result(demand: Demand, achievement: Achievement, hit) -> MatchResult:
    checks = hard_checks(demand, achievement)
    failed = sum(1 for c in checks if not c["ok"])
    score = hit.score * (1 - CHECK_PENALTY * failed)
    reasons = [MATCH_TEXTS.make("similarity", percent=round(hit.score * 100))]
    if hit.reason.terms:
        reasons.append(MATCH_TEXTS.make("terms", terms=hit.reason.terms[:6]))
    if hit.reason.phrases:
        reasons.append(MATCH_TEXTS.make("phrases", phrases=hit.reason.phrases[:4]))
    if achievement.field == demand.field:
        score = min(1.0, score * SAME_FIELD_BONUS)
        reasons.append(MATCH_TEXTS.make("same_field"))
    return MatchResult(
        achievement=achievement,
        demand=demand,
        score=score,
        text_score=hit.score,
        reasons=reasons,
        checks=checks,
        strong=failed == 0 and score >= STRONG_SCORE,
    )


def rank_achievements(demand: Demand, *, limit: int = 10) -> list[MatchResult]:
    index, by_key = achievement_index()
    hits = index.search(demand.match_text, limit=CANDIDATES)
    results = [_result(demand, by_key[hit.key], hit) for hit in hits if hit.score > 0]
    results.sort(key=lambda r: -r.score)
    return results[:limit]


def rank_demands(achievement: Achievement, *, limit: int = 10) -> list[MatchResult]:
    index, by_key = demand_index()
    hits = index.search(achievement.match_text, limit=CANDIDATES)
    results = [_result(by_key[hit.key], achievement, hit) for hit in hits if hit.score > 0]
    results.sort(key=lambda r: -r.score)
    return results[:limit]
