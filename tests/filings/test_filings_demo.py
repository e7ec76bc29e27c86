import time

import pytest

from parkos.demo.loader import demo_load
from parkos.filings import dashboard
from parkos.filings.models import FilingRound, RoundStatus, Submission, SubmissionRevision


@pytest.mark.django_db
def test_demo_holds_three_rounds_with_flags_and_an_open_one_for_the_tenant():
    started = time.monotonic()
    context = demo_load(
        steps=["parkos.demo.parks", "parkos.demo.accounts", "parkos.demo.filings"],
        report=lambda *_: None,
    )
    assert time.monotonic() - started < 60
    rounds = list(FilingRound.objects.order_by("period_start"))
    assert [r.status for r in rounds] == [RoundStatus.CLOSED, RoundStatus.CLOSED, RoundStatus.OPEN]
    for filing_round in rounds:
        assert Submission.objects.filter(round=filing_round, flag_count__gt=0).exists()
    assert SubmissionRevision.objects.filter(version=2).exists()
    tenant = context.extra["tenant_enterprises"]["tenant"]
    tenant2 = context.extra["tenant_enterprises"]["tenant2"]
    assert not Submission.objects.filter(round=rounds[-1], enterprise=tenant).exists()
    assert Submission.objects.filter(round=rounds[-1], enterprise=tenant2).exists()
    data = dashboard.round_dashboard(actor=context.users["operator"], filing_round=rounds[-1])
    assert 0 < data["overall"].rate < 100
    assert data["missing_count"] > 0
    assert len(data["trend"]) == 3
