import time

import pytest

from parkos.approvals.models import Case, Status
from parkos.demo.loader import demo_load
from parkos.relief.models import RentAdjustment
from parkos.relief.selectors import relief_report


@pytest.mark.django_db
def test_demo_holds_cases_in_every_state():
    started = time.monotonic()
    context = demo_load(
        steps=["parkos.demo.parks", "parkos.demo.accounts", "parkos.demo.relief"],
        report=lambda *_: None,
    )
    assert time.monotonic() - started < 60
    states = set(Case.objects.values_list("status", flat=True))
    assert states == set(Status.values)
    assert Case.objects.filter(overdue=True).exists()
    assert RentAdjustment.objects.count() >= 6
    report = relief_report(actor=context.users["operator"])
    assert len(report) >= 2
    returned = Case.objects.get(status=Status.RETURNED)
    assert returned.applicant == context.users["tenant2"]
