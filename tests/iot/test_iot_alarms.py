"""The life of an alarm (alarm services): raised or repeated, acknowledged, cleared,
commented and assigned, with the ticket it opens and the operators it tells."""

import pytest
from django.utils import translation

from iot.factories import threshold_rule
from parkos.core.errors import Conflict
from parkos.iot import services
from parkos.iot.models import AlarmEvent, AlarmStatus


def kinds(alarm):
    return list(alarm.events.values_list("kind", flat=True))


@pytest.mark.django_db
class TestLife:
    def test_acknowledge_then_clear_records_who_and_when(self, make_device, site):
        make_device("smoke")
        alarm = services.alarm_raise(
            park=site.park, source="rule", dedupe_key="x", severity="critical", title="烟感报警"
        )
        services.alarm_acknowledge(actor=site.ioc, alarm=alarm, note="已派人")
        services.alarm_clear(actor=site.operator, alarm=alarm, note="误报")
        alarm.refresh_from_db()
        assert alarm.status == AlarmStatus.CLEARED
        assert alarm.acknowledged_by == site.ioc and alarm.acknowledged_at
        assert alarm.cleared_by == site.operator and alarm.cleared_at
        assert kinds(alarm)[-2:] == ["acknowledged", "cleared"]
        with pytest.raises(Conflict):
            services.alarm_acknowledge(actor=site.ioc, alarm=alarm)

    def test_a_new_alarm_after_clearing(self, site):
        first = services.alarm_raise(
            park=site.park, source="s", dedupe_key="k", severity="minor", title="a"
        )
        services.alarm_clear(actor=site.ioc, alarm=first)
        second = services.alarm_raise(
            park=site.park, source="s", dedupe_key="k", severity="minor", title="a"
        )
        assert second.pk != first.pk and second.count == 1

    def test_comments_and_assignee(self, site):
        alarm = services.alarm_raise(
            park=site.park, source="s", dedupe_key="k", severity="minor", title="a"
        )
        services.alarm_comment(actor=site.ioc, alarm=alarm, text="现场确认中")
        services.alarm_assign(actor=site.ioc, alarm=alarm, assignee=site.operator)
        alarm.refresh_from_db()
        assert alarm.assignee == site.operator
        assert AlarmEvent.objects.filter(alarm=alarm, kind="commented", note="现场确认中").exists()

    def test_outsiders_cannot_act(self, site):
        from django.core.exceptions import PermissionDenied

        alarm = services.alarm_raise(
            park=site.park, source="s", dedupe_key="k", severity="minor", title="a"
        )
        for user in (site.outsider_ioc, site.tenant, site.technician):
            with pytest.raises(PermissionDenied):
                services.alarm_acknowledge(actor=user, alarm=alarm)

    def test_on_duty_operators_are_notified_and_it_is_logged(
        self, site, django_capture_on_commit_callbacks
    ):
        with django_capture_on_commit_callbacks(execute=True):
            alarm = services.alarm_raise(
                park=site.park, source="s", dedupe_key="k", severity="major", title="机房高温"
            )
        notified = alarm.events.filter(kind="notified")
        assert [e.data["user"] for e in notified] == [str(site.ioc.pk)]
        try:
            from parkos.approvals.models import Notification
        except ImportError:
            return
        assert Notification.objects.filter(user=site.ioc, title__contains="机房高温").exists()


@pytest.mark.django_db
class TestExternalDoor:
    def test_one_open_alarm_per_source_and_key(self, site):
        first = services.alarm_raise_external(
            source="crowd",
            key="area-1",
            park=site.park,
            severity="warning",
            title="客流预警",
            message="80%",
        )
        again = services.alarm_raise_external(
            source="crowd",
            key="area-1",
            park=site.park,
            severity="warning",
            title="客流预警",
            message="95%",
        )
        assert again.pk == first.pk and again.count == 2 and again.message == "95%"
        cleared = services.alarm_clear_external(source="crowd", key="area-1", note="回落")
        assert cleared.status == "cleared"
        assert services.alarm_clear_external(source="crowd", key="area-1") is None


@pytest.mark.django_db
def test_alarm_ticket_has_the_alarm_source(site, make_device):
    from parkos.parks.models import Zone
    from parkos.property.models import PropertyCompany, Ticket, TicketSource

    zone = Zone.objects.create(park=site.park, name="A区")
    PropertyCompany.objects.create(park=site.park, zone=zone, name="园区物业")
    rule = threshold_rule(
        site,
        "smoke",
        "烟雾报警",
        "smoke",
        0.5,
        opens_ticket=True,
        ticket_category="fire_safety",
        ticket_priority="urgent",
    )
    device, _ = make_device("smoke")
    alarm = services.alarm_raise(
        park=site.park,
        source="rule",
        dedupe_key="k",
        severity="critical",
        title="烟感",
        message="smoke",
        device=device,
        rule=rule,
    )
    ticket = Ticket.objects.get(source_ref=str(alarm.id))
    assert ticket.source == TicketSource.ALARM == "alarm"


@pytest.mark.django_db
def test_text_stored_before_keeps_showing(site):
    alarm = services.alarm_raise(
        park=site.park,
        source="rule",
        dedupe_key="old",
        severity="minor",
        title="旧告警",
        message="pm25 为 88μg/m³，高于 75",
    )
    with translation.override("en"):
        assert alarm.message_text == "pm25 为 88μg/m³，高于 75"
        assert alarm.title_text == "旧告警"
