from celery import shared_task


@shared_task(name="core.run_import")
def run_import(job_id: str) -> None:
    """One queued import job: every importer's file runs through the same task."""
    from parkos.core.imports import import_job_run

    import_job_run(job_id=job_id)
