from celery import shared_task

from parkos.parks.models import EnterpriseImport


@shared_task(name="parks.run_enterprise_import")
def run_enterprise_import(job_id: str) -> None:
    from django.utils import translation

    from parkos.parks.imports import import_run

    job = EnterpriseImport.objects.select_related("created_by").filter(pk=job_id).first()
    if job is None:
        return
    # The row report is read by the uploader, so it is written in their language.
    language = job.created_by.language if job.created_by else None
    with translation.override(language):
        import_run(job=job)
