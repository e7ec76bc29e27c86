"""Notes the dispatcher-wait step wrote in the writer's language become codes, worded for
each reader (TicketEvent.note_text). The texts are the two languages this version ships."""

from django.db import migrations

WRITTEN = {
    "The category is uncertain.": "uncertain_category",
    "类别判断把握不足。": "uncertain_category",
    "No technician has this skill.": "no_skilled_technician",
    "没有具备该技能的技师。": "no_skilled_technician",
}


def notes_to_codes(apps, schema_editor):
    TicketEvent = apps.get_model("property", "TicketEvent")
    events = TicketEvent.objects.filter(kind="awaiting_dispatcher", note__in=list(WRITTEN))
    for event in events.iterator():
        event.data = {**(event.data or {}), "why": WRITTEN[event.note]}
        event.note = ""
        event.save(update_fields=["data", "note"])


class Migration(migrations.Migration):
    dependencies = [("property", "0004_ticket_source_known")]

    operations = [migrations.RunPython(notes_to_codes, migrations.RunPython.noop)]
