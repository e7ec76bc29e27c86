"""Reads of rent relief, each scoped to the acting user (see permissions.py)."""

from collections import defaultdict
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db.models import Count, QuerySet, Sum
from django.http import Http404

from parkos.approvals.selectors import cases_for_subjects
from parkos.relief import permissions
from parkos.relief.models import (
    ApplicationStatus,
    ArrearsFlag,
    ReliefApplication,
    ReliefProgramme,
    RentAdjustment,
)

SUBJECT = "relief.application"


def _get(queryset: QuerySet, pk):
    try:
        return queryset.get(pk=pk)
    except (queryset.model.DoesNotExist, ValueError, ValidationError) as missing:
        raise Http404 from missing


def programme_list(*, actor) -> QuerySet[ReliefProgramme]:
    return (
        ReliefProgramme.objects.filter(permissions.programme_visibility(actor))
        .select_related("park")
        .order_by("-period_start", "name")
    )


def programme_get(*, actor, programme_id) -> ReliefProgramme:
    return _get(programme_list(actor=actor), programme_id)


def application_list(*, actor, programme_id=None, status: str | None = None):
    applications = (
        ReliefApplication.objects.filter(permissions.application_visibility(actor))
        .select_related("programme", "enterprise", "park", "lease__unit__floor__building")
        .order_by("-created_at", "id")
    )
    if programme_id:
        applications = applications.filter(programme_id=programme_id)
    if status:
        applications = applications.filter(status=status)
    return applications


def application_get(*, actor, application_id) -> ReliefApplication:
    return _get(application_list(actor=actor), application_id)


def applications_with_cases(*, actor, applications) -> list[ReliefApplication]:
    """Attach each application's approval case (or None) as `.case`, in one query."""
    applications = list(applications)
    cases = cases_for_subjects(
        actor=actor, subject_type=SUBJECT, subject_ids=[a.id for a in applications]
    )
    for application in applications:
        application.case = cases.get(str(application.id))
    return applications


def granted_to_enterprise(*, programme, enterprise_id, exclude_id=None) -> Decimal:
    """Relief of the enterprise's live applications under the programme, for its cap."""
    live = ReliefApplication.objects.filter(
        programme=programme,
        enterprise_id=enterprise_id,
        status__in=[ApplicationStatus.PENDING, ApplicationStatus.APPROVED],
    )
    if exclude_id:
        live = live.exclude(pk=exclude_id)
    return live.aggregate(total=Sum("amount"))["total"] or Decimal(0)


def has_arrears(*, enterprise_id) -> bool:
    return ArrearsFlag.objects.filter(enterprise_id=enterprise_id, active=True).exists()


def adjustment_list(*, actor, lease_id=None) -> QuerySet[RentAdjustment]:
    adjustments = RentAdjustment.objects.filter(
        application__in=ReliefApplication.objects.filter(permissions.application_visibility(actor))
    ).select_related("lease__unit", "enterprise", "park")
    if lease_id:
        adjustments = adjustments.filter(lease_id=lease_id)
    return adjustments


def relief_report(*, actor, programme_id=None) -> list[dict]:
    """Per park: enterprises relieved and total relief granted (approved applications)."""
    if not permissions.is_staff(actor):
        return []
    adjustments = adjustment_list(actor=actor)
    if programme_id:
        adjustments = adjustments.filter(application__programme_id=programme_id)
    rows = (
        adjustments.values("park_id", "park__name")
        .annotate(
            enterprises=Count("enterprise_id", distinct=True),
            total=Sum("amount"),
            adjustments=Count("id"),
        )
        .order_by("park__name")
    )
    pending = defaultdict(int)
    applications = application_list(actor=actor, programme_id=programme_id)
    for row in (
        applications.filter(status=ApplicationStatus.PENDING)
        .values("park_id")
        .annotate(count=Count("id"))
    ):
        pending[row["park_id"]] = row["count"]
    return [
        {
            "park_id": row["park_id"],
            "park": row["park__name"],
            "enterprises": row["enterprises"],
            "adjustments": row["adjustments"],
            "total": row["total"] or Decimal(0),
            "pending": pending.get(row["park_id"], 0),
        }
        for row in rows
    ]
