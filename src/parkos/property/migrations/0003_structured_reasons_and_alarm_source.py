"""Existing tickets brought to what the code now stores:
- tickets the IoT app opened with the free source "iot" become alarm tickets;
- assignment reasons written as "<category code> skill" (the demo's) or as the dispatcher's
  choice become codes, worded in the reader's language; other stored text stays as written
  and is shown as it is;
- patrol findings keep only the failed item in their title (the prefix is worded when shown).
"""

import re

from django.db import migrations

LEGACY_SKILL = re.compile(r"^([a-z_]+) skill$")
DISPATCHER_TEXTS = {"chosen by the dispatcher", "调度员指定"}
FINDING_PREFIXES = ("Inspection finding: ", "巡检发现问题：")


def _coded(reasons, categories):
    if not isinstance(reasons, list):
        return reasons, False
    changed = False
    result = []
    for reason in reasons:
        if isinstance(reason, str):
            skill = LEGACY_SKILL.match(reason)
            if skill and skill.group(1) in categories:
                reason, changed = {"code": "skill", "category": skill.group(1)}, True
            elif reason in DISPATCHER_TEXTS:
                reason, changed = {"code": "dispatcher"}, True
        result.append(reason)
    return result, changed


def forward(apps, schema_editor):
    Ticket = apps.get_model("property", "Ticket")
    TicketEvent = apps.get_model("property", "TicketEvent")
    Ticket.objects.filter(source="iot").update(source="alarm")
    categories = {code for code, _label in Ticket._meta.get_field("category").choices}
    batch = []
    for ticket in Ticket.objects.exclude(assignment_reasons=[]).only("id", "assignment_reasons"):
        ticket.assignment_reasons, changed = _coded(ticket.assignment_reasons, categories)
        if changed:
            batch.append(ticket)
        if len(batch) >= 1000:
            Ticket.objects.bulk_update(batch, ["assignment_reasons"])
            batch = []
    Ticket.objects.bulk_update(batch, ["assignment_reasons"])
    batch = []
    for event in TicketEvent.objects.filter(kind="dispatch").only("id", "data"):
        data = event.data if isinstance(event.data, dict) else {}
        if not data.get("reasons"):
            continue
        data["reasons"], changed = _coded(data["reasons"], categories)
        if changed:
            event.data = data
            batch.append(event)
        if len(batch) >= 1000:
            TicketEvent.objects.bulk_update(batch, ["data"])
            batch = []
    TicketEvent.objects.bulk_update(batch, ["data"])
    for ticket in Ticket.objects.filter(source="inspection").only("id", "title"):
        for prefix in FINDING_PREFIXES:
            if ticket.title.startswith(prefix):
                ticket.title = ticket.title[len(prefix) :]
                ticket.save(update_fields=["title"])
                break


class Migration(migrations.Migration):
    dependencies = [("property", "0002_inspection_schedule_technicians")]

    operations = [migrations.RunPython(forward, migrations.RunPython.noop)]
