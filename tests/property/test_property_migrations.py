"""The data migrations that turned stored words into codes: old rows read as new ones."""

import importlib

import pytest
from django.apps import apps
from django.utils import translation

from parkos.property import services
from parkos.property.models import Ticket
from property.factories import alarm_ticket

pytestmark = pytest.mark.django_db


def test_the_data_migration_codes_old_reasons_and_alarm_sources(place):
    migration = importlib.import_module(
        "parkos.property.migrations.0003_structured_reasons_and_alarm_source"
    )
    coded, changed = migration._coded(
        ["hvac skill", "调度员指定", "值班至 20:00"], {"hvac", "cleaning"}
    )
    assert changed
    assert coded == [{"code": "skill", "category": "hvac"}, {"code": "dispatcher"}, "值班至 20:00"]
    ticket = alarm_ticket(place)
    Ticket.objects.filter(pk=ticket.pk).update(
        assignment_reasons=["hvac skill", "值班至 20:00"],
        source="inspection",
        title="巡检发现问题：冷冻水温度",
    )
    ticket.events.filter(kind="dispatch").update(data={"reasons": ["hvac skill"]})

    migration.forward(apps, None)
    ticket.refresh_from_db()
    assert ticket.assignment_reasons == [{"code": "skill", "category": "hvac"}, "值班至 20:00"]
    assert ticket.title == "冷冻水温度"
    assert ticket.events.get(kind="dispatch").data["reasons"] == [
        {"code": "skill", "category": "hvac"}
    ]


def test_the_data_migration_codes_old_dispatcher_wait_notes(place):

    migration = importlib.import_module("parkos.property.migrations.0005_system_notes_as_codes")
    ticket = services.ticket_create(
        actor=place.tenant, unit=place.unit, description="电梯困人", category="elevator"
    )
    waiting = ticket.events.get(kind="awaiting_dispatcher")
    waiting.note, waiting.data = "没有具备该技能的技师。", {}
    waiting.save()
    migration.notes_to_codes(apps, None)
    waiting.refresh_from_db()
    assert waiting.data == {"why": "no_skilled_technician"} and waiting.note == ""
    with translation.override("en"):
        assert waiting.note_text == "No technician has this skill."
