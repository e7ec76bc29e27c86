"""Early warnings (services/warnings.py): worded in the reader's language, saying when the
count is a bound of the interval, and mirrored by an IOC alarm that follows their figures."""

from django.utils import translation

from crowd.factories import upper_bound_warning
from parkos.crowd.services.warnings import Risk, warning_apply
from parkos.iot.models import Alarm


def test_a_warning_on_the_upper_bound_says_so_in_the_readers_language(crowd, make_area):
    area = make_area(crowd.park, capacity=12_000, warning=10_000, critical=14_000)
    warning = upper_bound_warning(area)
    alarm = Alarm.objects.get(pk=warning.alarm_id)
    with translation.override("zh-hans"):
        text = warning.message_text
        assert "可能达 10,187 人次" in text and "80% 区间上限" in text and "预计 8,163" in text
        assert "预计 " + "10,187" not in text
        assert alarm.message_text == text
        assert alarm.title_text == "中心广场：客流可能超过预警阈值"
    with translation.override("en"):
        text = warning.message_text
        assert "may reach 10,187 people" in text and "upper end of the interval (80%)" in text
        assert alarm.message_text == text


def test_the_alarm_follows_the_warning_when_only_its_figures_move(crowd, make_area):
    """QA saw an alarm quote capacity 5,600 and threshold 4,760 while its warning and the
    area said 4,523: the thresholds had moved after the alarm was raised."""
    area = make_area(crowd.park, capacity=12_000, warning=10_000, critical=14_000)
    warning = upper_bound_warning(area)
    alarm = Alarm.objects.get(pk=warning.alarm_id)
    raised_events = alarm.events.count()
    area.warning_threshold = 9_500
    area.save(update_fields=["warning_threshold"])
    moved = Risk(
        level="warning",
        expected_at=warning.expected_at,
        expected_count=10_187,
        threshold=9_500,
        lead_hours=2,
        bound="upper_80",
        point_count=8_163,
    )
    warning_apply(area=area, kind="forecast", risk=moved)
    alarm.refresh_from_db()
    with translation.override("zh-hans"):
        assert "9,500" in alarm.message_text and "10,000" not in alarm.message_text
    assert alarm.count == 1
    assert alarm.events.count() == raised_events
