"""Factories for the re-opening ledger: rounds, and submissions filed through the service
(so flags and versions are what a real filing leaves)."""

from datetime import timedelta

import factory
from django.utils import timezone

from factories import ParkFactory
from parkos.filings.models import FilingRound
from parkos.filings.services import submission_file

GOOD_FIGURES = {
    "total_staff": 100,
    "returned_staff": 60,
    "risk_area_staff": 2,
    "observation_staff": 1,
    "supplies_days": 14,
    "compliance_declared": True,
}


class FilingRoundFactory(factory.django.DjangoModelFactory):
    """An open round over the last seven days, due today."""

    class Meta:
        model = FilingRound

    park = factory.SubFactory(ParkFactory)
    title = factory.Sequence(lambda n: f"第{n}周")
    period_start = factory.LazyFunction(lambda: timezone.localdate() - timedelta(days=6))
    period_end = factory.LazyFunction(timezone.localdate)
    due_on = factory.LazyFunction(timezone.localdate)


def filed(actor, filing_round, enterprise, **changes):
    """The enterprise's submission in the round, filed by `actor` with plausible figures."""
    return submission_file(
        actor=actor,
        filing_round=filing_round,
        enterprise=enterprise,
        **{**GOOD_FIGURES, **changes},
    ).submission
