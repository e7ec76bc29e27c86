"""`parkos crowd-import FILE.csv`: hourly counts attached to counters by sensor name; gaps
stay gaps; a bad file is refused with a clear error and nothing is imported."""

import datetime as dt

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from parkos.core.errors import ValidationFailed
from parkos.crowd.models import Counter, HourlyCount
from parkos.crowd.services import counter_create, counts_import

GOOD = """timestamp,sensor,count
2026-03-02T08:00:00,north,120
2026-03-02T09:00:00,north,
2026-03-02T10:00:00,north,95
2026-03-02T08:00:00,south,40
2026-03-02T10:00:00,south,41.5
"""

BAD = {
    "unknown column": (
        "timestamp,sensor,count,weather\n2026-03-02T08:00:00,north,1,sun\n",
        "weather",
    ),
    "negative count": (
        "timestamp,sensor,count\n2026-03-02T07:00:00,north,1\n2026-03-02T08:00:00,north,-3\n",
        "count",
    ),
    "non-numeric count": (
        "timestamp,sensor,count\n2026-03-02T07:00:00,north,1\n2026-03-02T08:00:00,north,many\n",
        "count",
    ),
    "duplicate row": (
        "timestamp,sensor,count\n2026-03-02T08:00:00,north,1\n2026-03-02T08:00:00,north,2\n",
        "timestamp",
    ),
    "out of order": (
        "timestamp,sensor,count\n2026-03-02T09:00:00,north,1\n2026-03-02T08:00:00,north,2\n",
        "timestamp",
    ),
    "timezone mix": (
        "timestamp,sensor,count\n2026-03-02T08:00:00+08:00,north,1\n2026-03-02T09:00:00,north,2\n",
        "timestamp",
    ),
}


@pytest.fixture
def counters(crowd, make_area):
    area = make_area(crowd.park)
    return [
        counter_create(actor=None, park=crowd.park, name=name, area=area)
        for name in ("north", "south")
    ]


def _write(tmp_path, text: str):
    path = tmp_path / "counts.csv"
    path.write_text(text, encoding="utf-8")
    return path


def test_import_attaches_counts_by_sensor_and_keeps_gaps(crowd, counters, tmp_path):
    call_command("crowd_import", str(_write(tmp_path, GOOD)), park="pujiang")
    north = HourlyCount.objects.filter(counter=counters[0]).order_by("starts_at")
    assert [h.count for h in north] == [120.0, 95.0]
    assert [timezone.localtime(h.starts_at).hour for h in north] == [8, 10]
    assert timezone.localtime(north[0].starts_at).date() == dt.date(2026, 3, 2)
    assert not HourlyCount.objects.filter(counter=counters[0], count=0).exists()
    assert [h.count for h in HourlyCount.objects.filter(counter=counters[1])] == [40.0, 41.5]


def test_reimport_replaces_counted_hours(crowd, counters, tmp_path):
    counts_import(actor=None, park=crowd.park, source=_write(tmp_path, GOOD))
    counts_import(
        actor=None,
        park=crowd.park,
        source=_write(tmp_path, "timestamp,sensor,count\n2026-03-02T08:00:00,north,130\n"),
    )
    assert HourlyCount.objects.filter(counter=counters[0]).count() == 2
    assert HourlyCount.objects.filter(counter=counters[0], count=130).exists()


def test_unknown_sensor_is_refused_unless_counters_are_asked_for(crowd, counters, tmp_path):
    text = GOOD + "2026-03-02T08:00:00,east,7\n"
    with pytest.raises(ValidationFailed) as refused:
        counts_import(actor=None, park=crowd.park, source=_write(tmp_path, text))
    assert "east" in str(refused.value.message) and "sensor" in refused.value.fields
    assert not HourlyCount.objects.exists()

    report = counts_import(
        actor=None, park=crowd.park, source=_write(tmp_path, text), create_counters=True
    )
    assert report["counters_created"] == 1 and report["gaps"] == 1 and report["counts"] == 5
    assert Counter.objects.get(name="east").area is None


@pytest.mark.parametrize("case", sorted(BAD))
def test_bad_file_is_refused_whole_with_the_row_and_field(crowd, counters, tmp_path, case):
    text, field = BAD[case]
    # Most files start with a good row, so a half import would show.
    with pytest.raises(CommandError) as refused:
        call_command("crowd_import", str(_write(tmp_path, text)), park="pujiang")
    assert "nothing was imported" in str(refused.value)
    with pytest.raises(ValidationFailed) as failed:
        counts_import(actor=None, park=crowd.park, source=_write(tmp_path, text))
    assert field in failed.value.fields
    assert not HourlyCount.objects.exists()


def test_tenant_may_not_import(crowd, counters, tmp_path):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        counts_import(actor=crowd.tenant, park=crowd.park, source=_write(tmp_path, GOOD))
    with pytest.raises(PermissionDenied):
        counts_import(actor=crowd.ioc, park=crowd.park, source=_write(tmp_path, GOOD))
    assert not HourlyCount.objects.exists()
