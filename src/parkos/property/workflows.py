"""The life cycles of property management, declared once (core.workflow): a ticket from raised
to confirmed, a patrol round from pending to done or missed, a spot-check finding from open to
closed. Services fire these; pages and the API ask them which actions a person may take now."""

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from parkos.accounts.selectors import Role
from parkos.core.workflow import Transition, Workflow
from parkos.property import events, permissions
from parkos.property.models import FindingStatus, RoundStatus, TicketStatus

S = TicketStatus


def _desk(actor, ticket) -> bool:
    return permissions.can_desk(actor, ticket.company_id)


def _assignee(actor, ticket) -> bool:
    return permissions.is_assignee(actor, ticket)


def _tenant(actor, ticket) -> bool:
    return permissions.is_tenant_of(actor, ticket)


def _desk_or_tenant(actor, ticket) -> bool:
    return _desk(actor, ticket) or _tenant(actor, ticket)


TICKET = Workflow(
    name="property.ticket",
    transitions=[
        # A dispatched or accepted ticket may be given to someone else.
        Transition(
            "dispatch",
            sources=(S.NEW, S.REOPENED, S.DISPATCHED, S.ACCEPTED),
            target=S.DISPATCHED,
            label=_("Dispatch"),
            allowed=_desk,
            stamp="dispatched_at",
        ),
        Transition(
            "accept",
            sources=(S.DISPATCHED,),
            target=S.ACCEPTED,
            label=_("Accept"),
            allowed=_assignee,
            stamp="accepted_at",
        ),
        Transition(
            "arrive",
            sources=(S.ACCEPTED,),
            target=S.ON_SITE,
            label=_("Arrived on site"),
            allowed=_assignee,
            stamp="arrived_at",
        ),
        Transition(
            "resolve",
            sources=(S.ON_SITE,),
            target=S.RESOLVED,
            label=_("Resolved"),
            allowed=_assignee,
            stamp="resolved_at",
        ),
        Transition(
            "confirm",
            sources=(S.RESOLVED,),
            target=S.CONFIRMED,
            label=_("Confirm and rate"),
            allowed=_tenant,
            stamp="closed_at",
        ),
        Transition(
            "reopen",
            sources=(S.RESOLVED,),
            target=S.REOPENED,
            label=_("Reopen"),
            allowed=_tenant,
        ),
        # Not while the technician is on site: the work is under way.
        Transition(
            "cancel",
            sources=(S.NEW, S.DISPATCHED, S.ACCEPTED, S.REOPENED),
            target=S.CANCELLED,
            label=_("Cancel the ticket"),
            allowed=_desk_or_tenant,
            stamp="closed_at",
        ),
    ],
    event=events.ticket_transition_recorded,
)


def _walker(actor, rnd) -> bool:
    return rnd.technician.user_id == getattr(actor, "pk", None)


def _nobody(actor, obj) -> bool:
    # Fired by the daily job for everyone at once, never by a person.
    return False


ROUND = Workflow(
    name="property.round",
    transitions=[
        # A round walked late (after it was marked missed) is still recorded.
        Transition(
            "submit",
            sources=(RoundStatus.PENDING, RoundStatus.MISSED),
            target=RoundStatus.DONE,
            label=_("Submit round"),
            allowed=_walker,
            stamp="completed_at",
        ),
        Transition(
            "miss",
            sources=(RoundStatus.PENDING,),
            target=RoundStatus.MISSED,
            label=_("Missed"),
            allowed=_nobody,
        ),
    ],
)


def _company_staff(actor, finding) -> bool:
    company = finding.spot_check.company
    return str(company.id) in permissions.company_ids(
        actor, Role.PROPERTY_MANAGER, Role.DISPATCHER
    ) or _operator(actor, finding)


def _operator(actor, finding) -> bool:
    company = finding.spot_check.company
    return permissions.is_operator(actor) and permissions.can_manage_park(actor, company.park_id)


F = FindingStatus
FINDING = Workflow(
    name="property.finding",
    transitions=[
        # The company reports the rectification; only the park operator closes a finding.
        Transition(
            "rectify",
            sources=(F.OPEN, F.RECTIFIED),
            target=F.RECTIFIED,
            label=pgettext_lazy("finding status", "Rectified"),
            allowed=_company_staff,
        ),
        Transition(
            "reopen",
            sources=(F.OPEN, F.RECTIFIED),
            target=F.OPEN,
            label=pgettext_lazy("finding status", "Open"),
            allowed=_company_staff,
        ),
        Transition(
            "close",
            sources=(F.OPEN, F.RECTIFIED),
            target=F.CLOSED,
            label=pgettext_lazy("finding status", "Closed"),
            allowed=_operator,
            stamp="closed_at",
        ),
    ],
    event=events.finding_follow_up_recorded,
)
# The follow-up form names the status the finding is to have.
FINDING_ACTION_FOR_STATUS = {F.RECTIFIED: "rectify", F.OPEN: "reopen", F.CLOSED: "close"}
