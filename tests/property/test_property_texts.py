"""Text property writes for people, stored as codes and worded for each reader
(property/texts.py): why a technician was chosen, why a ticket waits for a dispatcher, and the
words of property's own vocabulary."""

import pytest
from django.urls import reverse
from django.utils import translation

from parkos.property import services, texts
from parkos.property.models import Severity, TicketStatus

pytestmark = pytest.mark.django_db


def test_reasons_are_stored_as_codes_and_worded_for_each_reader(client, place, read_page):
    ticket = services.ticket_create(
        actor=place.tenant, unit=place.unit, description="空调漏水", category="hvac"
    )
    assert all(isinstance(r, dict) and r["code"] for r in ticket.assignment_reasons)
    assert ticket.assignment_reasons[0] == {"code": "skill", "category": "hvac"}
    url = reverse("property:ticket_detail", args=[ticket.id])
    zh = read_page(place.tenant, url, "zh-hans").content.decode()
    en = read_page(place.tenant, url, "en").content.decode()
    assert "具备空调暖通技能" in zh and "在办工单 0 张" in zh
    assert "HVAC skill" in en and "0 open tickets" in en and "技能" not in en


def test_reasons_stored_as_text_still_read_well():
    with translation.override("zh-hans"):
        assert texts.reasons_text(["cleaning skill", "旧的说明"]) == ["具备保洁技能", "旧的说明"]
    with translation.override("en"):
        assert texts.reason_text("cleaning skill") == "Cleaning skill"


def test_why_a_ticket_waits_for_a_dispatcher_is_worded_for_each_reader(client, place, read_page):
    """QA read 没有具备该技能的技师。 in the English history: the note was stored translated."""
    ticket = services.ticket_create(
        actor=place.tenant, unit=place.unit, description="电梯困人", category="elevator"
    )
    assert ticket.awaiting_dispatcher
    url = reverse("property:ticket_detail", args=[ticket.id])
    assert "没有具备该技能的技师。" in read_page(place.tenant, url, "zh-hans").content.decode()
    english = read_page(place.tenant, url, "en").content.decode()
    assert "No technician has this skill." in english and "技师" not in english
    with translation.override("en"):
        events = client.get(f"/api/property/tickets/{ticket.id}/events", HTTP_ACCEPT_LANGUAGE="en")
    assert "No technician has this skill." in [event["note"] for event in events.json()]


def test_medium_severity_reads_as_a_severity():
    with translation.override("zh-hans"):
        assert str(Severity.MEDIUM.label) == "中"


def test_property_words_are_not_taken_from_other_apps(client, place):
    with translation.override("zh-hans"):
        assert str(TicketStatus.ACCEPTED.label) == "已接单"
        from parkos.property.models import FindingStatus, TicketEvent

        assert str(FindingStatus.OPEN.label) == "未整改"
        assert str(FindingStatus.CLOSED.label) == "已关闭"
        assert TicketEvent(kind="created").label == "已提交"
