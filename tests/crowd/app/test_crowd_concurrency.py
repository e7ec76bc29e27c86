"""Two evaluations of one area at once leave one active warning and one IOC alarm."""

import threading
from datetime import timedelta

import pytest
from django.db import close_old_connections

from parkos.crowd.models import CrowdWarning, WarningEvent
from parkos.crowd.services import warning_apply
from parkos.crowd.services.counts import current_hour
from parkos.crowd.services.warnings import Risk
from parkos.iot.models import Alarm


@pytest.mark.django_db(transaction=True)
def test_simultaneous_evaluations_raise_one_warning(crowd, make_area, is_postgres):
    if not is_postgres:
        pytest.skip("row locks need PostgreSQL")
    area = make_area(crowd.park)
    risk = Risk(
        level="warning",
        expected_at=current_hour() + timedelta(hours=3),
        expected_count=1100,
        threshold=1000,
        lead_hours=3,
    )
    barrier = threading.Barrier(4)
    errors = []

    def evaluate():
        try:
            barrier.wait()
            warning_apply(area=area, kind="forecast", risk=risk)
        except Exception as error:
            errors.append(error)
        finally:
            close_old_connections()

    threads = [threading.Thread(target=evaluate) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert CrowdWarning.objects.filter(area=area, status="active").count() == 1
    assert Alarm.objects.filter(source="crowd").count() == 1
    assert WarningEvent.objects.filter(kind="raised").count() == 1
