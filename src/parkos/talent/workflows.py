"""The life cycles of the talent app, declared once: positions, booths and applications."""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from parkos.core.errors import ValidationFailed
from parkos.core.workflow import Transition, Workflow
from parkos.talent import events, permissions
from parkos.talent.errors import TalentError
from parkos.talent.models import ApplicationStatus as A
from parkos.talent.models import BoothStatus as B
from parkos.talent.models import ParkPolicy
from parkos.talent.models import PositionStatus as P


def _review_not_required(position) -> None:
    policy = ParkPolicy.objects.filter(park_id=position.park_id).first()
    if policy is not None and policy.review_positions:
        raise ValidationFailed.for_field(
            "action",
            _("This park reviews positions before they are published: submit it for review."),
            code=TalentError.ILLEGAL_TRANSITION,
        )


def _hr_or_operator(actor, position) -> bool:
    return permissions.can_post_for(actor, position) or permissions.can_review_position(
        actor, position
    )


POSITION = Workflow(
    name="talent.position",
    event=events.position_event,
    transitions=[
        Transition(
            "publish",
            sources=(P.DRAFT,),
            target=P.PUBLISHED,
            label=gettext_lazy("Publish"),
            allowed=permissions.can_post_for,
            stamp="published_at",
            guard=_review_not_required,
        ),
        Transition(
            "submit",
            sources=(P.DRAFT,),
            target=P.PENDING,
            label=gettext_lazy("Submit for review"),
            allowed=permissions.can_post_for,
        ),
        Transition(
            "approve",
            sources=(P.PENDING,),
            target=P.PUBLISHED,
            label=pgettext_lazy("position", "Approve and publish"),
            allowed=permissions.can_review_position,
            stamp="published_at",
        ),
        Transition(
            "reject",
            sources=(P.PENDING,),
            target=P.REJECTED,
            label=pgettext_lazy("position", "Send back"),
            allowed=permissions.can_review_position,
        ),
        Transition(
            "revise",
            sources=(P.REJECTED, P.CLOSED),
            target=P.DRAFT,
            label=gettext_lazy("Back to draft"),
            allowed=permissions.can_post_for,
        ),
        Transition(
            "close",
            sources=(P.PUBLISHED, P.PENDING),
            target=P.CLOSED,
            label=pgettext_lazy("position", "Close"),
            allowed=_hr_or_operator,
            stamp="closed_at",
        ),
    ],
)

BOOTH = Workflow(
    name="talent.booth",
    event=events.booth_event,
    transitions=[
        Transition(
            "approve",
            sources=(B.REQUESTED,),
            target=B.APPROVED,
            label=pgettext_lazy("booth", "Approve"),
            allowed=permissions.can_decide_booth,
            stamp="decided_at",
        ),
        Transition(
            "reject",
            sources=(B.REQUESTED,),
            target=B.REJECTED,
            label=pgettext_lazy("booth", "Decline"),
            allowed=permissions.can_decide_booth,
            stamp="decided_at",
        ),
        Transition(
            "withdraw",
            sources=(B.REQUESTED, B.APPROVED),
            target=B.WITHDRAWN,
            label=pgettext_lazy("booth", "Withdraw"),
            allowed=permissions.can_withdraw_booth,
        ),
    ],
)

OPEN = (A.APPLIED, A.SCREENED, A.INTERVIEW, A.INTENT, A.OFFER)

APPLICATION = Workflow(
    name="talent.application",
    event=events.application_event,
    transitions=[
        Transition(
            # A new application (state "" before it is saved): the apply service decides who.
            "apply",
            sources=("",),
            target=A.APPLIED,
            label=gettext_lazy("Apply"),
        ),
        Transition(
            "screen",
            sources=(A.APPLIED,),
            target=A.SCREENED,
            label=gettext_lazy("Screen in"),
            allowed=permissions.can_work_pipeline,
            stamp="screened_at",
        ),
        Transition(
            "interview",
            sources=(A.SCREENED, A.INTERVIEW),
            target=A.INTERVIEW,
            label=gettext_lazy("Schedule an interview"),
            allowed=permissions.can_work_pipeline,
        ),
        Transition(
            "intent",
            sources=(A.INTERVIEW,),
            target=A.INTENT,
            label=gettext_lazy("Preliminary intent reached"),
            allowed=permissions.can_work_pipeline,
            stamp="intent_at",
        ),
        Transition(
            "offer",
            sources=(A.INTENT,),
            target=A.OFFER,
            label=gettext_lazy("Make an offer"),
            allowed=permissions.can_work_pipeline,
            stamp="offered_at",
        ),
        Transition(
            "hire",
            sources=(A.OFFER,),
            target=A.HIRED,
            label=gettext_lazy("Hired"),
            allowed=permissions.can_work_pipeline,
            stamp="hired_at",
        ),
        Transition(
            "reject",
            sources=OPEN,
            target=A.REJECTED,
            label=pgettext_lazy("application", "Do not take forward"),
            allowed=permissions.can_work_pipeline,
            stamp="closed_at",
        ),
        Transition(
            "withdraw",
            sources=OPEN,
            target=A.WITHDRAWN,
            label=pgettext_lazy("application", "Withdraw"),
            allowed=permissions.is_candidate_of,
            stamp="closed_at",
        ),
        Transition(
            # Only the duplicate-merging service fires this (check=False); nobody has the button.
            "merge",
            sources=(*OPEN, A.REJECTED, A.WITHDRAWN, A.HIRED),
            target=A.MERGED,
            label=gettext_lazy("Merge duplicate"),
            allowed=lambda actor, application: False,
            stamp="closed_at",
        ),
    ],
)
