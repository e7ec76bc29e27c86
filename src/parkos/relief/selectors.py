"""Reads of rent relief, each scoped to the acting user (see permissions.py)."""

from collections import defaultdict
from decimal import Decimal
from uuid import UUID

from django.core.exceptions import PermissionDenied
from django.db.models import Count, QuerySet, Sum
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from parkos.approvals.selectors import cases_for_subjects
from parkos.core.selectors import get_or_404
from parkos.relief import permissions
from parkos.relief.models import (
    ApplicationStatus,
    ArrearsFlag,
    ReliefApplication,
    ReliefProgramme,
    RentAdjustment,
)

SUBJECT = "relief.application"


def programme_list(*, actor) -> QuerySet[ReliefProgramme]:
    return (
        ReliefProgramme.objects.visible_to(actor)
        .select_related("park")
        .order_by("-period_start", "name")
    )


def programme_get(*, actor, programme_id) -> ReliefProgramme:
    return get_or_404(
        programme_list(actor=actor),
        pgettext("relief programme", "Unknown programme."),
        pk=programme_id,
    )


def programme_get_to_manage(*, actor, programme_id) -> ReliefProgramme:
    """A programme whose moves (publish, close) `actor` makes: one they cannot see is not
    found, one they see but do not run is refused (403) before anything else is looked at."""
    programme = programme_get(actor=actor, programme_id=programme_id)
    if not ReliefProgramme.objects.actionable_by(actor, "manage").filter(pk=programme.pk).exists():
        raise PermissionDenied
    return programme


def application_list(*, actor, programme_id=None, status: str | None = None):
    applications = (
        ReliefApplication.objects.visible_to(actor)
        .select_related("programme", "enterprise", "park", "lease__unit__floor__building")
        .order_by("-created_at", "id")
    )
    if programme_id:
        applications = applications.filter(programme_id=programme_id)
    if status:
        applications = applications.filter(status=status)
    return applications


def application_get(*, actor, application_id) -> ReliefApplication:
    return get_or_404(
        application_list(actor=actor), _("No such relief application."), pk=application_id
    )


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
    adjustments = RentAdjustment.objects.visible_to(actor).select_related(
        "lease__unit", "enterprise", "park"
    )
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


def describe_applications(subject_ids: list[str]) -> dict[str, str]:
    """What each application is, in words, for the approvals inbox and case page (one query
    for a page of cases). The engine has already decided who may read the case."""
    found = {}
    applications = ReliefApplication.objects.select_related("enterprise", "lease__unit").filter(
        pk__in=[i for i in subject_ids if _is_uuid(i)]
    )
    for application in applications:
        found[str(application.id)] = _(
            "Rent relief ¥%(amount)s · %(enterprise)s · unit %(unit)s"
        ) % {
            "amount": f"{application.amount:,.2f}",
            "enterprise": application.enterprise.name,
            "unit": application.lease.unit,
        }
    return found


def describe_application(subject_id: str) -> str:
    return describe_applications([subject_id]).get(str(subject_id), "")


def _is_uuid(value: str) -> bool:
    try:
        UUID(str(value))
    except ValueError:
        return False
    return True
