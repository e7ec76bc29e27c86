"""Writes on the monthly cross-zone assessment: weights, computing and closing a month."""

from datetime import date
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from parkos.core.audit import audit_record
from parkos.core.errors import Conflict, ValidationFailed
from parkos.property import permissions, scoring
from parkos.property.errors import PropertyError
from parkos.property.models import MonthClose, MonthlyScore, PropertyCompany, ScoreWeights, Verdict

INDICATORS = ("safety", "service", "satisfaction", "inspection")


def weights_for(park) -> ScoreWeights:
    return ScoreWeights.objects.filter(park=park).first() or ScoreWeights(park=park)


@transaction.atomic
def score_weights_set(*, actor, park, **values) -> ScoreWeights:
    permissions.require_operator(actor, park.id)
    cleaned = {}
    for name in INDICATORS:
        try:
            value = Decimal(str(values.get(name)))
        except (InvalidOperation, ValueError):
            raise ValidationFailed.for_field(name, _("Enter a number.")) from None
        if not value.is_finite() or value < 0 or value > 100:
            raise ValidationFailed.for_field(name, _("Enter a weight from 0 to 100."))
        cleaned[name] = value.quantize(Decimal("0.01"))
    if sum(cleaned.values()) != 100:
        raise ValidationFailed.for_field(
            "__all__",
            _("The weights must add up to 100 (now %(sum)s).")
            % {"sum": format(sum(cleaned.values()).normalize(), "f")},
        )
    weights = ScoreWeights.objects.select_for_update(of=("self",)).filter(
        park=park
    ).first() or ScoreWeights(park=park)
    before = {name: getattr(weights, name) for name in INDICATORS}
    for name, value in cleaned.items():
        setattr(weights, name, value)
    weights.save()
    audit_record(
        actor=actor,
        action="property.weights_set",
        instance=weights,
        changes={n: [str(before[n]), str(cleaned[n])] for n in INDICATORS},
        park_id=park.id,
    )
    return weights


def _first_day(month: date) -> date:
    return month.replace(day=1)


def month_is_closed(park, month: date) -> bool:
    return MonthClose.objects.filter(park=park, month=_first_day(month)).exists()


def month_compute(*, actor, park, month: date, audit: bool = True) -> list[MonthlyScore]:
    """Score every company of `park` for `month` and rank them. `actor` None is the
    scheduled job."""
    if actor is not None:
        permissions.require_operator(actor, park.id)
    month = _first_day(month)
    with transaction.atomic():
        if (
            MonthClose.objects.select_for_update(of=("self",))
            .filter(park=park, month=month)
            .exists()
        ):
            raise Conflict(
                _("This month is closed: its scores are frozen."), code=PropertyError.MONTH_CLOSED
            )
        weights_row = weights_for(park)
        weights = {name: getattr(weights_row, name) for name in INDICATORS}
        rows = []
        for company in PropertyCompany.objects.filter(park=park).order_by("name"):
            ind = scoring.indicators(company, month)
            subs = scoring.sub_scores(ind)
            rows.append((company, ind, subs, scoring.weighted_total(subs, weights)))
        rows.sort(key=lambda r: (-r[3], r[0].name))
        now = timezone.now()
        saved = []
        for rank, (company, ind, subs, total) in enumerate(rows, start=1):
            verdict = Verdict.NONE
            if len(rows) > 1:
                verdict = (
                    Verdict.AWARD if rank == 1 else Verdict.WARNING if rank == len(rows) else ""
                )
            score, _created = MonthlyScore.objects.update_or_create(
                company=company,
                month=month,
                defaults={
                    "indicators": ind,
                    "weights": {k: str(v) for k, v in weights.items()},
                    **subs,
                    "total": total,
                    "rank": rank,
                    "verdict": verdict,
                    "computed_at": now,
                },
            )
            saved.append(score)
        if audit and saved:
            audit_record(
                actor=actor,
                action="property.month_compute",
                instance=saved[0],
                changes={
                    "month": month.isoformat(),
                    "totals": {str(s.company_id): str(s.total) for s in saved},
                },
                park_id=park.id,
            )
    return saved


@transaction.atomic
def month_close(*, actor, park, month: date) -> MonthClose:
    permissions.require_operator(actor, park.id)
    month = _first_day(month)
    if month >= timezone.localdate().replace(day=1):
        raise ValidationFailed.for_field("month", _("Only a past month can be closed."))
    if month_is_closed(park, month):
        raise Conflict(_("This month is closed already."), code=PropertyError.MONTH_CLOSED)
    if not MonthlyScore.objects.filter(company__park=park, month=month).exists():
        month_compute(actor=actor, park=park, month=month)
    closing = MonthClose.objects.create(
        park=park, month=month, closed_by=actor, closed_at=timezone.now()
    )
    audit_record(
        actor=actor,
        action="property.month_close",
        instance=closing,
        changes={"month": month.isoformat()},
        park_id=park.id,
    )
    return closing
