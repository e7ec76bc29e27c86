from celery import shared_task


@shared_task(name="approvals.flag_overdue")
def flag_overdue() -> int:
    from parkos.approvals.services import cases_flag_overdue

    return cases_flag_overdue()
