"""Three weekly rounds of the re-opening ledger (复工台账) for the flagship and its branches:
two closed, the current one open. Most enterprises filed; some figures do not add up (a
headcount far from the register, a jump in staff, thin protective supplies, a missing
declaration), a few filed a correction, and some with active leases are missing.
The demo `tenant` has not filed the open round yet; `tenant2` has."""

from datetime import datetime, time, timedelta

from django.utils import timezone

from parkos.demo.context import DemoContext
from parkos.filings import services
from parkos.parks.models import Lease

ROUNDS = 3
FILED_SHARE = [0.9, 0.92, 0.6]  # of the expected enterprises, oldest round first


def _expected(park_ids, start, end) -> list:
    return list(
        Lease.objects.filter(enterprise__park_id__in=park_ids, start__lte=end, end__gte=start)
        .order_by("enterprise__credit_code")
        .values_list("enterprise", flat=True)
        .distinct()
    )


def _figures(rng, headcount: int, returned_share: float) -> dict:
    total = max(1, round(headcount * rng.uniform(0.95, 1.03)))
    returned = min(total, round(total * returned_share))
    return {
        "total_staff": total,
        "returned_staff": returned,
        "risk_area_staff": min(returned, rng.choice([0, 0, 0, 1, 2, 3])),
        "observation_staff": min(returned, rng.choice([0, 0, 1, 2])),
        "supplies_days": rng.randint(10, 45),
        "compliance_declared": True,
    }


def _odd(rng, figures: dict, headcount: int) -> dict:
    """Bend one figure the way real returns go wrong."""
    kind = rng.choice(["jump", "register", "supplies", "declaration", "drop"])
    if kind == "jump":
        figures["total_staff"] = round(figures["total_staff"] * rng.uniform(1.5, 2.0)) + 3
    elif kind == "register":
        figures["total_staff"] = max(1, round(headcount * rng.uniform(0.3, 0.55)))
    elif kind == "supplies":
        figures["supplies_days"] = rng.randint(1, 5)
    elif kind == "declaration":
        figures["compliance_declared"] = False
    else:
        figures["returned_staff"] = round(figures["returned_staff"] * 0.3)
    figures["returned_staff"] = min(figures["returned_staff"], figures["total_staff"])
    figures["risk_area_staff"] = min(figures["risk_area_staff"], figures["total_staff"])
    figures["observation_staff"] = min(figures["observation_staff"], figures["total_staff"])
    return figures


def load(context: DemoContext) -> None:
    rng = context.rng_for("filings")
    operator = context.users["operator"]
    flagship = context.parks["pujiang"]
    park_ids = [park.id for park in context.parks.values()]
    enterprises = {e.id: e for e in context.enterprises}
    tenants = context.extra.get("tenant_enterprises", {})
    tenant_id = tenants["tenant"].id if "tenant" in tenants else None
    tenant2_id = tenants["tenant2"].id if "tenant2" in tenants else None
    this_monday = context.today - timedelta(days=context.today.weekday())
    zone = timezone.get_current_timezone()
    rounds = []
    paces: dict = {}
    for index in range(ROUNDS):
        start = this_monday - timedelta(weeks=ROUNDS - 1 - index)
        end = start + timedelta(days=6)
        week = start.isocalendar()
        filing_round = services.round_open(
            actor=operator,
            park=flagship,
            title=f"{week.year}年第{week.week}周复工台账",
            period_start=start,
            period_end=end,
            due_on=end,
            change_threshold=30,
            min_supplies_days=7,
            include_branches=True,
        )
        for enterprise_id in _expected(park_ids, start, end):
            enterprise = enterprises[enterprise_id]
            is_open = index == ROUNDS - 1
            if enterprise_id == tenant_id and is_open:
                continue
            if enterprise_id != tenant2_id and rng.random() > FILED_SHARE[index]:
                continue
            # Each enterprise brings its staff back at its own pace, a little more each week.
            pace = paces.setdefault(enterprise_id, rng.uniform(0.5, 0.7))
            figures = _figures(rng, enterprise.headcount, min(1.0, pace * (1 + 0.1 * index)))
            if rng.random() < 0.08:
                figures = _odd(rng, figures, enterprise.headcount)
            day = start + timedelta(days=rng.randint(0, 3))
            filed_at = datetime.combine(day, time(rng.randint(8, 18), rng.randint(0, 59)), zone)
            if is_open and filed_at > timezone.now():
                filed_at = timezone.now() - timedelta(minutes=rng.randint(5, 600))
            services.submission_file(
                actor=operator,
                filing_round=filing_round,
                enterprise=enterprise,
                filed_at=filed_at,
                **figures,
            )
            if rng.random() < 0.04:
                # A correction a few hours later: the first version stays in the history.
                corrected = dict(figures, returned_staff=max(0, figures["returned_staff"] - 1))
                services.submission_file(
                    actor=operator,
                    filing_round=filing_round,
                    enterprise=enterprise,
                    filed_at=filed_at + timedelta(hours=rng.randint(1, 6)),
                    **corrected,
                )
        rounds.append(filing_round)
    for filing_round in rounds[:-1]:
        services.round_close(actor=operator, filing_round=filing_round)
    context.extra["filing_rounds"] = rounds
