"""The operator's view of a round: who should file (every enterprise with a lease active
during the round's period), who did, completion by park and zone, what is flagged, and the
trend over the park's rounds. Read-only; staff of the round's park only."""

from collections import defaultdict
from dataclasses import dataclass, field
from uuid import UUID

from django.utils.translation import gettext as _

from parkos.filings import flags, permissions, selectors
from parkos.filings.models import FilingRound, Submission
from parkos.parks import selectors as parks


@dataclass
class Expected:
    """An enterprise the round expects a filing from, where it sits."""

    enterprise_id: UUID
    park_id: UUID
    zone: str
    units: list[str] = field(default_factory=list)


@dataclass
class Completion:
    label: str
    expected: int = 0
    filed: int = 0

    @property
    def rate(self) -> float:
        return round(100 * self.filed / self.expected, 1) if self.expected else 0.0


def _percent(part: int, whole: int) -> float:
    return round(100 * part / whole, 1) if whole else 0.0


def _leases(actor, park_ids: list[UUID], start, end) -> list[dict]:
    return list(
        parks.lease_list(actor=actor)
        .filter(enterprise__park_id__in=park_ids, start__lte=end, end__gte=start)
        .values(
            "enterprise_id",
            "enterprise__park_id",
            "start",
            "end",
            "unit__number",
            "unit__floor__building__name",
            "unit__floor__building__zone__name",
        )
        .order_by("unit__floor__building__zone__name", "unit__floor__building__name")
    )


def _expected(leases: list[dict], filing_round: FilingRound) -> dict[UUID, Expected]:
    """Enterprises with a lease overlapping the round's period; the zone is that of the
    first such lease's building."""
    expected: dict[UUID, Expected] = {}
    for lease in leases:
        if lease["start"] > filing_round.period_end or lease["end"] < filing_round.period_start:
            continue
        entry = expected.get(lease["enterprise_id"])
        if entry is None:
            entry = expected[lease["enterprise_id"]] = Expected(
                enterprise_id=lease["enterprise_id"],
                park_id=lease["enterprise__park_id"],
                zone=lease["unit__floor__building__zone__name"] or _("No zone"),
            )
        entry.units.append(f"{lease['unit__floor__building__name']} {lease['unit__number']}")
    return expected


def round_dashboard(*, actor, filing_round: FilingRound) -> dict:
    permissions.require_staff_of(actor, filing_round)
    park_ids = selectors.covered_park_ids(actor=actor, filing_round=filing_round)
    park_names = dict(
        parks.park_list(actor=actor).filter(id__in=park_ids).values_list("id", "name")
    )
    history = list(
        selectors.round_list(actor=actor, park_id=filing_round.park_id).filter(
            period_start__lte=filing_round.period_start
        )
    )[:12][::-1]
    earliest = min(r.period_start for r in history)
    leases = _leases(actor, park_ids, earliest, filing_round.period_end)
    expected = _expected(leases, filing_round)

    submissions = list(selectors.submission_list(actor=actor, filing_round=filing_round))
    filed_ids = {s.enterprise_id for s in submissions}

    by_park = {pid: Completion(label=park_names.get(pid, "")) for pid in park_ids}
    by_zone: dict[tuple, Completion] = {}
    for entry in expected.values():
        zone_label = (
            f"{park_names.get(entry.park_id, '')} · {entry.zone}"
            if len(park_ids) > 1
            else entry.zone
        )
        zone = by_zone.setdefault((entry.park_id, entry.zone), Completion(label=zone_label))
        for bucket in (by_park[entry.park_id], zone):
            bucket.expected += 1
            bucket.filed += entry.enterprise_id in filed_ids

    missing_ids = [eid for eid in expected if eid not in filed_ids]
    missing_names = dict(
        parks.enterprise_list(actor=actor).filter(id__in=missing_ids).values_list("id", "name")
    )
    flagged = [
        {
            "enterprise": s.enterprise.name,
            "enterprise_id": s.enterprise_id,
            "park": s.enterprise.park.name,
            "zone": expected[s.enterprise_id].zone if s.enterprise_id in expected else "—",
            "submission": s,
            "reasons": selectors.flag_reasons(s.flags),
        }
        for s in submissions
        if s.flag_count
    ]
    flagged += [
        {
            "enterprise": missing_names.get(eid, ""),
            "enterprise_id": eid,
            "park": park_names.get(expected[eid].park_id, ""),
            "zone": expected[eid].zone,
            "submission": None,
            "reasons": selectors.flag_reasons([flags.missing_flag(expected[eid].units)]),
        }
        for eid in missing_ids
    ]
    # Figures that do not add up first: they need a call; the missing need a reminder.
    flagged.sort(key=lambda row: (row["submission"] is None, row["park"], row["enterprise"]))

    total = sum(s.total_staff for s in submissions)
    returned = sum(s.returned_staff for s in submissions)
    overall = Completion(
        label=_("All"), expected=len(expected), filed=len(filed_ids & set(expected))
    )
    return {
        "round": filing_round,
        "overall": overall,
        "filed_count": len(submissions),
        "filed_without_lease": len(filed_ids - set(expected)),
        "flagged_count": sum(1 for s in submissions if s.flag_count),
        "missing_count": len(missing_ids),
        "by_park": [by_park[pid] for pid in park_ids],
        "by_zone": sorted(by_zone.values(), key=lambda c: c.label),
        "flagged": flagged,
        "totals": {
            "total_staff": total,
            "returned_staff": returned,
            "risk_area_staff": sum(s.risk_area_staff for s in submissions),
            "observation_staff": sum(s.observation_staff for s in submissions),
            "return_rate": _percent(returned, total),
        },
        "trend": _trend(actor, history, leases),
        "submissions": submissions,
        "expected": expected,
        "park_names": park_names,
    }


def _trend(actor, history: list[FilingRound], leases: list[dict]) -> list[dict]:
    """Completion, return rate and flags of the park's rounds up to this one, oldest first."""
    figures = (
        Submission.objects.visible_to(actor)
        .filter(round__in=history)
        .values("round_id", "enterprise_id", "total_staff", "returned_staff", "flag_count")
    )
    per_round = defaultdict(list)
    for row in figures:
        per_round[row["round_id"]].append(row)
    points = []
    for past in history:
        rows = per_round[past.id]
        expected = _expected(leases, past)
        filed = {row["enterprise_id"] for row in rows}
        total = sum(row["total_staff"] for row in rows)
        returned = sum(row["returned_staff"] for row in rows)
        points.append(
            {
                "round": past.title,
                "completion": _percent(len(filed & set(expected)), len(expected)),
                "return_rate": _percent(returned, total),
                "flagged": sum(1 for row in rows if row["flag_count"]),
            }
        )
    return points
