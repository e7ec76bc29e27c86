"""On PostgreSQL, readings live in a table partitioned by month of `ts`, with a BRIN index on
time; a default partition catches readings outside the prepared months. SQLite keeps the
plain table of 0001."""

from django.db import migrations

from parkos.iot.partitions import partitioned_telemetry_create, partitioned_telemetry_drop


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        partitioned_telemetry_create(schema_editor.connection)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        partitioned_telemetry_drop(schema_editor.connection)


class Migration(migrations.Migration):
    dependencies = [("iot", "0001_initial")]

    operations = [migrations.RunPython(forwards, backwards)]
