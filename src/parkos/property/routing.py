"""Choosing the technician for a ticket, with the reasons (as codes, worded when shown).

Candidates are the company's active technicians with the category's skill. Among them, one
on shift now beats one who is not, one covering the ticket's zone beats one who does not;
then the fewest open tickets, then the nearest base building. Each choice carries the
reasons a dispatcher would give."""

import math
from dataclasses import dataclass

from django.db.models import Count, Exists, OuterRef
from django.utils import timezone

from parkos.property import texts
from parkos.property.models import LOAD_STATUSES, Shift, Technician, Ticket


@dataclass
class Candidate:
    technician_id: object
    username: str
    shift_end: object | None
    covers_zone: bool
    load: int
    distance_m: float | None
    same_building: bool
    category: str = ""
    technician: Technician | None = None

    @property
    def reasons(self) -> list[dict]:
        # Built on demand: only the chosen candidate's reasons are ever kept.
        return _reasons(self, self.category)

    def sort_key(self):
        return (
            self.shift_end is None,
            not self.covers_zone,
            self.load,
            0 if self.same_building else 1,
            self.distance_m if self.distance_m is not None else 1e9,
            self.username,
        )


def _distance_m(a, b) -> float | None:
    """Metres between two (latitude, longitude) pairs; None when either is unknown."""
    if a is None or b is None or None in (*a, *b):
        return None
    a_lat, a_lng, b_lat, b_lng = (float(v) for v in (*a, *b))
    lat = math.radians((a_lat + b_lat) / 2)
    dx = math.radians(b_lng - a_lng) * math.cos(lat)
    dy = math.radians(b_lat - a_lat)
    return 6_371_000 * math.hypot(dx, dy)


def candidates(*, company, category: str, building=None, zone_id=None, now=None) -> list[Candidate]:
    """Every technician of `company` with the skill, best first. Plain rows, not model
    instances: this runs for every new ticket over a company's whole staff."""
    now = now or timezone.now()
    covering = Technician.zones.through.objects.filter(
        technician_id=OuterRef("pk"), zone_id=zone_id
    )
    rows = [
        row
        for row in Technician.objects.filter(company=company, active=True)
        .annotate(covers=Exists(covering))
        .values_list(
            "id",
            "skills",
            "user__username",
            "base_building_id",
            "base_building__latitude",
            "base_building__longitude",
            "covers",
        )
        if category in (row[1] or ())
    ]
    if not rows:
        return []
    ids = [row[0] for row in rows]
    shift_ends: dict = {}
    for tech_id, end in Shift.objects.filter(
        technician_id__in=ids, start__lte=now, end__gt=now
    ).values_list("technician_id", "end"):
        shift_ends[tech_id] = max(end, shift_ends.get(tech_id, end))
    loads = dict(
        Ticket.objects.filter(assignee_id__in=ids, status__in=LOAD_STATUSES)
        .values("assignee_id")
        .annotate(n=Count("id"))
        .values_list("assignee_id", "n")
    )
    target = (building.latitude, building.longitude) if building is not None else None
    result = []
    for tech_id, _skills, username, base_id, lat, lng, covers in rows:
        same = building is not None and base_id == building.id
        cand = Candidate(
            technician_id=tech_id,
            username=username,
            shift_end=shift_ends.get(tech_id),
            covers_zone=covers or not zone_id,
            load=loads.get(tech_id, 0),
            distance_m=None if same or base_id is None else _distance_m((lat, lng), target),
            same_building=same,
            category=category,
        )
        result.append(cand)
    result.sort(key=Candidate.sort_key)
    return result


def _reasons(cand: Candidate, category: str) -> list[dict]:
    found = [texts.skill(category)]
    if cand.shift_end is not None:
        found.append(texts.on_shift(cand.shift_end))
    else:
        found.append(texts.off_shift())
    if not cand.covers_zone:
        found.append(texts.outside_zones())
    found.append(texts.open_tickets(cand.load))
    if cand.same_building:
        found.append(texts.same_building())
    elif cand.distance_m is not None:
        found.append(texts.distance(cand.distance_m))
    return found


def choose(*, company, category: str, building=None, zone_id=None, now=None) -> Candidate | None:
    ranked = candidates(
        company=company, category=category, building=building, zone_id=zone_id, now=now
    )
    return ranked[0] if ranked else None


def with_technician(candidate: Candidate) -> Candidate:
    candidate.technician = Technician.objects.select_related("user").get(pk=candidate.technician_id)
    return candidate
