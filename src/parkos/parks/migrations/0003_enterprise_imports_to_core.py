"""Enterprise imports move to the core import kernel's jobs: each past upload becomes an
ImportJob of kind "parks.enterprises" with its rejected rows as row errors, then the old
table goes."""

from django.db import migrations

STATUS = {"queued": "failed", "running": "failed", "done": "done", "failed": "failed"}


def forwards(apps, schema_editor):
    EnterpriseImport = apps.get_model("parks", "EnterpriseImport")
    ImportJob = apps.get_model("core", "ImportJob")
    ImportRowError = apps.get_model("core", "ImportRowError")
    for old in EnterpriseImport.objects.all().iterator():
        job = ImportJob.objects.create(
            id=old.id,
            kind="parks.enterprises",
            created_by_id=old.created_by_id,
            park_id=old.park_id,
            file_name=old.file_name,
            content=old.content,
            # A job left unfinished by the old runner will not be resumed by the new one.
            status=STATUS.get(old.status, "failed"),
            total_rows=old.total_rows,
            processed_rows=old.processed_rows,
            created_count=old.created_count,
            updated_count=old.updated_count,
            error_count=len(old.rejected or []),
            error=old.error,
            finished_at=old.finished_at,
        )
        ImportJob.objects.filter(pk=job.pk).update(created_at=old.created_at)
        ImportRowError.objects.bulk_create(
            ImportRowError(
                job=job,
                row=int(entry.get("row") or 0),
                column=field,
                title=str(entry.get("name", ""))[:200],
                message=str(message),
            )
            for entry in old.rejected or []
            for field, messages in (entry.get("errors") or {}).items()
            for message in messages
        )


class Migration(migrations.Migration):
    dependencies = [
        ("parks", "0002_enterprise_search_text"),
        ("core", "0002_import_jobs"),
    ]

    operations = [
        migrations.RunPython(forwards, migrations.RunPython.noop),
        migrations.DeleteModel(name="EnterpriseImport"),
    ]
