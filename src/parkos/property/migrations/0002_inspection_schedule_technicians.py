"""Schedules name several technicians, who take the rounds in turn."""

import django.db.models.deletion
from django.db import migrations, models


def copy_technician(apps, schema_editor):
    schedules = apps.get_model("property", "InspectionSchedule")
    through = schedules.technicians.through
    through.objects.bulk_create(
        [
            through(inspectionschedule_id=pk, technician_id=technician_id)
            for pk, technician_id in schedules.objects.values_list("id", "technician_id")
        ]
    )


def keep_first_technician(apps, schema_editor):
    schedules = apps.get_model("property", "InspectionSchedule")
    for schedule in schedules.objects.all():
        first = schedule.technicians.order_by("user__username").first()
        if first is None:
            schedule.delete()
        else:
            schedule.technician = first
            schedule.save(update_fields=["technician"])


class Migration(migrations.Migration):
    dependencies = [
        ("property", "0001_initial"),
    ]

    operations = [
        migrations.AlterField(
            model_name="inspectionschedule",
            name="technician",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="+",
                to="property.technician",
            ),
        ),
        migrations.AddField(
            model_name="inspectionschedule",
            name="technicians",
            field=models.ManyToManyField(
                related_name="inspection_schedules",
                to="property.technician",
                verbose_name="technicians",
            ),
        ),
        migrations.RunPython(copy_technician, keep_first_technician),
        migrations.RemoveField(model_name="inspectionschedule", name="technician"),
        migrations.AlterModelOptions(
            name="inspectionschedule",
            options={
                "ordering": ["template__name", "id"],
                "verbose_name": "inspection schedule",
                "verbose_name_plural": "inspection schedules",
            },
        ),
        migrations.AlterField(
            model_name="inspectionschedule",
            name="active",
            field=models.BooleanField(default=True, verbose_name="active"),
        ),
        migrations.AlterField(
            model_name="inspectionschedule",
            name="building",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to="parks.building",
                verbose_name="building",
            ),
        ),
        migrations.AlterField(
            model_name="inspectionschedule",
            name="template",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.CASCADE,
                related_name="schedules",
                to="property.inspectiontemplate",
                verbose_name="inspection template",
            ),
        ),
        migrations.AlterField(
            model_name="inspectiontemplate",
            name="company",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.CASCADE,
                related_name="inspection_templates",
                to="property.propertycompany",
                verbose_name="property company",
            ),
        ),
    ]
