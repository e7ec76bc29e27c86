"""Scheduled jobs of property management (Celery beat in production; the management
commands of the same names run them by hand)."""

from celery import shared_task
from django.utils import timezone


@shared_task(name="property.retrain")
def property_retrain() -> dict:
    from parkos.property.services import retrain_all

    return retrain_all()


@shared_task(name="property.check_sla")
def property_check_sla() -> int:
    from parkos.property.services import sla_check

    return sla_check()


@shared_task(name="property.generate_rounds")
def property_generate_rounds() -> int:
    from parkos.property.services import rounds_generate

    return rounds_generate()


@shared_task(name="property.rescore_current_month")
def property_rescore_current_month(park_id: str | None = None) -> int:
    """Refresh the running month's ranking after a rating or a reopening, so the operator
    sees it move; a closed month is left alone. The hourly schedule names no park: then every
    park with property companies."""
    from parkos.property.models import PropertyCompany
    from parkos.property.services import month_compute
    from parkos.property.services.assessment import month_is_closed

    companies = PropertyCompany.objects.select_related("park")
    if park_id is not None:
        companies = companies.filter(park_id=park_id)
    month = timezone.localdate().replace(day=1)
    parks = {company.park for company in companies}
    scored = 0
    for park in sorted(parks, key=lambda p: p.code):
        if not month_is_closed(park, month):
            scored += len(month_compute(actor=None, park=park, month=month, audit=False))
    return scored


@shared_task(name="property.score_month")
def property_score_month(month: str = "") -> int:
    """Score last month (or `month`, YYYY-MM) for every park with property companies;
    closed months are left as they are."""
    from parkos.property.models import PropertyCompany
    from parkos.property.months import parse_month, previous_month
    from parkos.property.services import month_compute
    from parkos.property.services.assessment import month_is_closed

    target = parse_month(month) if month else previous_month(timezone.localdate())
    if target is None:
        raise ValueError(month)
    scored = 0
    parks = {c.park for c in PropertyCompany.objects.select_related("park")}
    for park in sorted(parks, key=lambda p: p.code):
        if not month_is_closed(park, target):
            scored += len(month_compute(actor=None, park=park, month=target))
    return scored
