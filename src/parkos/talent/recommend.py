"""Recommendations with their reasons in words: for a position, the candidates who fit best; for a
candidate, the positions. The score is explained, not learned: skills in common, expected salary
against the range, the city, the field and the level, and whether the person applied to the
enterprise before (the talent pool resurfaces for new positions). Each reason is a coded text
(core.texts), worded in the reader's language when shown:
"Python 与 数据分析 匹配；期望薪资在范围内；同城".

The candidate set is narrowed in the database (the same field, and the enterprise's past
applicants) and scored in Python over a few columns, so one recommendation reads a couple of
thousand short rows at most."""

from dataclasses import dataclass, field

from django.db.models import Q
from django.utils.translation import gettext as _

from parkos.core.texts import CodedTexts
from parkos.talent.identity import name_mask
from parkos.talent.models import Application, Candidate, Position
from parkos.talent.models.recruitment import LEVEL_ORDER

REASONS = CodedTexts("talent.reasons")
LIMIT = 10

WEIGHTS = {"skills": 40, "salary": 20, "city": 15, "field": 15, "level": 10, "pool": 5}


@REASONS.register("skills")
def _skills(spec):
    return _("%(skills)s match") % {"skills": _(" and ").join(spec["skills"])}


@REASONS.register("salary_in_range")
def _salary(spec):
    return _("expected salary within the range")


@REASONS.register("salary_below")
def _salary_below(spec):
    return _("expects less than the range")


@REASONS.register("same_city")
def _city(spec):
    return _("same city (%(city)s)") % {"city": spec["city"]}


@REASONS.register("same_field")
def _field(spec):
    from parkos.talent.models import Field

    return _("same field (%(field)s)") % {"field": Field(spec["field"]).label}


@REASONS.register("level")
def _level(spec):
    from parkos.talent.models import Level

    return _("level fits (%(level)s)") % {"level": Level(spec["level"]).label}


@REASONS.register("pool")
def _pool(spec):
    return _("applied to this enterprise before")


@dataclass
class Match:
    id: str
    title: str
    score: int
    reasons: list[dict] = field(default_factory=list)
    subtitle: str = ""

    @property
    def reasons_text(self) -> str:
        return _("; ").join(REASONS.render(r) for r in self.reasons)


def _lower(words) -> dict[str, str]:
    return {str(w).lower(): str(w) for w in words or ()}


def score(
    *, position: dict, candidate: dict, pool: bool = False, wanted: dict | None = None
) -> tuple[int, list[dict]]:
    """The fit of one candidate for one position (both as plain dicts of their columns).
    `wanted` is the position's skills by lower-case spelling, when the caller has it already."""
    points, reasons = 0, []
    if wanted is None:
        wanted = _lower(position["skills"])
    if wanted:
        have = _lower(candidate["skills"])
        common = [wanted[k] for k in wanted if k in have]
        if common:
            points += round(WEIGHTS["skills"] * len(common) / len(wanted))
            reasons.append(REASONS.make("skills", skills=common[:4]))
    expected = candidate["expected_salary"]
    if expected is not None:
        if position["salary_min"] <= expected <= position["salary_max"]:
            points += WEIGHTS["salary"]
            reasons.append(REASONS.make("salary_in_range"))
        elif expected < position["salary_min"]:
            points += WEIGHTS["salary"] // 2
            reasons.append(REASONS.make("salary_below"))
    city = position["city"]
    if city and (city == candidate["city"] or city in (candidate["expected_cities"] or ())):
        points += WEIGHTS["city"]
        reasons.append(REASONS.make("same_city", city=city))
    if position["field"] and position["field"] == candidate["field"]:
        points += WEIGHTS["field"]
        reasons.append(REASONS.make("same_field", field=position["field"]))
    if candidate["level"] and position["level"]:
        gap = abs(LEVEL_ORDER.get(candidate["level"], 99) - LEVEL_ORDER.get(position["level"], 0))
        if gap == 0:
            points += WEIGHTS["level"]
            reasons.append(REASONS.make("level", level=position["level"]))
        elif gap == 1:
            points += WEIGHTS["level"] // 2
    if pool:
        points += WEIGHTS["pool"]
        reasons.append(REASONS.make("pool"))
    return points, reasons


CANDIDATE_COLUMNS = (
    "id",
    "name",
    "skills",
    "expected_salary",
    "city",
    "expected_cities",
    "field",
    "level",
    "university",
)
POSITION_COLUMNS = (
    "id",
    "title",
    "skills",
    "salary_min",
    "salary_max",
    "city",
    "field",
    "level",
    "enterprise_id",
    "enterprise__name",
)


def candidates_for_position(*, position: Position, limit: int = LIMIT) -> list[Match]:
    """The best candidates for `position` who let themselves be recommended, or who applied to
    the enterprise before; names masked unless the person consented to share with it."""
    pos = {name: getattr(position, name) for name in POSITION_COLUMNS if "__" not in name}
    pool_ids = set(
        Application.objects.filter(enterprise_id=position.enterprise_id)
        .exclude(position_id=position.id)
        .values_list("candidate_id", flat=True)
    )
    applied = set(
        Application.objects.filter(position_id=position.id).values_list("candidate_id", flat=True)
    )
    consented = set(
        Candidate.objects.filter(
            consents__enterprise_id=position.enterprise_id, consents__withdrawn_at__isnull=True
        ).values_list("id", flat=True)
    )
    # The position's field, and the enterprise's talent pool whatever their field: a candidate
    # of another field gains at most the city, salary and level points, never a top place.
    near = Q(field=position.field) | Q(pk__in=pool_ids)
    rows = (
        Candidate.objects.active()
        .filter(near)
        .filter(Q(discoverable=True) | Q(pk__in=pool_ids))
        .values_list(*CANDIDATE_COLUMNS)
    )
    found = []
    for row in rows.iterator(chunk_size=5000):
        candidate = dict(zip(CANDIDATE_COLUMNS, row, strict=True))
        if candidate["id"] in applied:
            continue
        points, reasons = score(position=pos, candidate=candidate, pool=candidate["id"] in pool_ids)
        if points:
            found.append((points, candidate, reasons))
    found.sort(key=lambda item: (-item[0], str(item[1]["id"])))
    return [
        Match(
            id=str(c["id"]),
            title=c["name"] if c["id"] in consented else name_mask(c["name"]),
            score=points,
            reasons=reasons,
            subtitle=c["city"] or "",
        )
        for points, c, reasons in found[:limit]
    ]


def positions_for_candidate(*, candidate: Candidate, limit: int = LIMIT) -> list[Match]:
    """Open positions that fit the candidate best, those already applied to left out."""
    cand = {name: getattr(candidate, name) for name in CANDIDATE_COLUMNS}
    applied = set(
        Application.objects.filter(candidate=candidate).values_list("position_id", flat=True)
    )
    pool = set(
        Application.objects.filter(candidate=candidate).values_list("enterprise_id", flat=True)
    )
    if candidate.field:
        near = Q(field=candidate.field)
    else:
        cities = [c for c in [candidate.city, *(candidate.expected_cities or [])] if c]
        near = Q(city__in=cities) if cities else Q(pk__in=[])
    rows = Position.objects.open().filter(near).values_list(*POSITION_COLUMNS)
    found = []
    for row in rows.iterator(chunk_size=5000):
        pos = dict(zip(POSITION_COLUMNS, row, strict=True))
        if pos["id"] in applied:
            continue
        points, reasons = score(position=pos, candidate=cand, pool=pos["enterprise_id"] in pool)
        if points:
            found.append((points, pos, reasons))
    found.sort(key=lambda item: (-item[0], str(item[1]["id"])))
    return [
        Match(
            id=str(p["id"]),
            title=p["title"],
            score=points,
            reasons=reasons,
            subtitle=p["enterprise__name"],
        )
        for points, p, reasons in found[:limit]
    ]


def applicants_ranked(*, position: Position, applications: list) -> list:
    """The position's applicants, each with its fit and reasons, best first."""
    pos = {name: getattr(position, name) for name in POSITION_COLUMNS if "__" not in name}
    for application in applications:
        candidate = {name: getattr(application.candidate, name) for name in CANDIDATE_COLUMNS}
        application.fit, reasons = score(position=pos, candidate=candidate)
        application.reason_words = [REASONS.render(r) for r in reasons]
    return sorted(applications, key=lambda a: (-a.fit, a.applied_at))
