"""Live counts: IOC telemetry rolled up per hour into a counter's counts, and a warning
raised when the live count passes a threshold now, cleared when it falls back."""

from datetime import timedelta

import pytest

from parkos.crowd.models import CrowdWarning, HourlyCount, WarningStatus
from parkos.crowd.services import counter_create, counts_rollup
from parkos.crowd.services.counts import current_hour
from parkos.iot.models import Alarm, AlarmStatus, Telemetry


@pytest.fixture
def gate(crowd, make_area):
    from parkos.iot.catalogue import device_types_ensure
    from parkos.iot.services import device_create

    types = device_types_ensure()
    device = device_create(
        actor=crowd.ioc,
        park=crowd.park,
        device_type=types["people"],
        serial="PC-1",
        name="南门计数器",
    )
    area = make_area(crowd.park, name="南门", kind="gate", capacity=300, warning=250, critical=300)
    counter = counter_create(
        actor=None,
        park=crowd.park,
        name="南门计数器",
        area=area,
        device_id=device.id,
        telemetry_key="in",
    )
    return area, counter, device


def _readings(device, start, values, key="in"):
    Telemetry.objects.bulk_create(
        Telemetry(device_id=device.id, key=key, ts=start + timedelta(minutes=5 * i), value=value)
        for i, value in enumerate(values)
    )


def test_rollup_sums_each_complete_hour_and_leaves_silent_hours_as_gaps(gate):
    _area, counter, device = gate
    now = current_hour() + timedelta(minutes=30)
    _readings(device, current_hour() - timedelta(hours=3), [10] * 12)
    _readings(device, current_hour() - timedelta(hours=1), [5] * 12)
    _readings(device, current_hour(), [1, 2, 3])
    counts_rollup(now=now)
    rows = {row.starts_at: row.count for row in HourlyCount.objects.filter(counter=counter)}
    assert rows == {
        current_hour() - timedelta(hours=3): 120.0,
        current_hour() - timedelta(hours=1): 60.0,
    }
    assert not CrowdWarning.objects.exists()


def test_live_count_over_the_threshold_raises_and_clears(gate):
    area, _counter, device = gate
    now = current_hour() + timedelta(minutes=40)
    _readings(device, current_hour() - timedelta(hours=1), [10] * 12)
    _readings(device, current_hour(), [30] * 9)  # 270 so far this hour
    counts_rollup(now=now)
    warning = CrowdWarning.objects.get(area=area, status=WarningStatus.ACTIVE)
    assert warning.kind == "live" and warning.level == "warning" and warning.expected_count == 270
    alarm = Alarm.objects.get(pk=warning.alarm_id)
    assert alarm.status == AlarmStatus.ACTIVE and "南门" in alarm.title

    # The next hour is quiet: the risk has passed.
    later = now + timedelta(hours=1)
    Telemetry.objects.filter(device_id=device.id, ts__gte=current_hour()).update(value=1)
    counts_rollup(now=later)
    warning.refresh_from_db()
    alarm.refresh_from_db()
    assert warning.status == WarningStatus.CLEARED
    assert alarm.status == AlarmStatus.CLEARED


def test_rollup_command(gate):
    from io import StringIO

    from django.core.management import call_command

    _area, counter, device = gate
    _readings(device, current_hour() - timedelta(hours=2), [4] * 12)
    out = StringIO()
    call_command("crowd_rollup", hours=3, stdout=out)
    assert "1 hourly counts written" in out.getvalue()
    assert HourlyCount.objects.get(counter=counter).count == 48.0
