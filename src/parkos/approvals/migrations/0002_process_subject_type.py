from django.db import migrations, models


def subject_type_from_cases(apps, schema_editor):
    """A process whose cases are all of one kind of application was made for that kind."""
    Process = apps.get_model("approvals", "Process")
    Case = apps.get_model("approvals", "Case")
    for process in Process.objects.filter(subject_type=""):
        kinds = set(
            Case.objects.filter(process=process).values_list("subject_type", flat=True).distinct()
        )
        if len(kinds) == 1:
            process.subject_type = kinds.pop()
            process.save(update_fields=["subject_type"])


class Migration(migrations.Migration):
    dependencies = [
        ("approvals", "0001_engine"),
    ]

    operations = [
        migrations.AddField(
            model_name="process",
            name="subject_type",
            field=models.CharField(blank=True, max_length=64, verbose_name="kind of application"),
        ),
        migrations.RunPython(subject_type_from_cases, migrations.RunPython.noop),
    ]
