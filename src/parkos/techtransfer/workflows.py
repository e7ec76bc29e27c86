"""The life cycles of technology transfer, declared once."""

from django.utils.translation import gettext_lazy as _

from parkos.core.workflow import Transition, Workflow
from parkos.techtransfer import events, permissions
from parkos.techtransfer.models import AchievementStatus as A
from parkos.techtransfer.models import CallStatus as C
from parkos.techtransfer.models import DealStage as D
from parkos.techtransfer.models import MatchStatus as M
from parkos.techtransfer.models import ProposalStatus as P

ACHIEVEMENT = Workflow(
    name="techtransfer.achievement",
    event=events.achievement_event,
    transitions=[
        Transition(
            "submit",
            sources=(A.DRAFT, A.REJECTED),
            target=A.SUBMITTED,
            label=_("Submit for the operator's review"),
            allowed=permissions.may_edit_achievement,
            stamp="submitted_at",
        ),
        Transition(
            "approve",
            sources=(A.SUBMITTED,),
            target=A.PUBLISHED,
            label=_("Approve and publish"),
            allowed=permissions.may_review,
            stamp="published_at",
        ),
        Transition(
            "reject",
            sources=(A.SUBMITTED,),
            target=A.REJECTED,
            label=_("Return for changes"),
            allowed=permissions.may_review,
        ),
        Transition(
            "expire",
            sources=(A.PUBLISHED,),
            target=A.EXPIRED,
            label=_("Take down (expired)"),
            allowed=permissions.may_review,
        ),
        Transition(
            "renew",
            sources=(A.PUBLISHED, A.EXPIRED),
            target=A.PUBLISHED,
            label=_("Renew for a year"),
            allowed=permissions.may_edit_achievement,
        ),
        Transition(
            "withdraw",
            sources=(A.DRAFT, A.SUBMITTED, A.PUBLISHED, A.REJECTED, A.EXPIRED),
            target=A.WITHDRAWN,
            label=_("Withdraw"),
            allowed=permissions.may_edit_achievement,
        ),
    ],
)

CALL = Workflow(
    name="techtransfer.call",
    event=events.call_event,
    transitions=[
        Transition(
            "review",
            sources=(C.OPEN,),
            target=C.REVIEWING,
            label=_("Close and review proposals"),
            allowed=permissions.is_call_owner,
        ),
        Transition(
            "award",
            sources=(C.OPEN, C.REVIEWING),
            target=C.AWARDED,
            label=_("Award"),
            allowed=permissions.is_call_owner,
            stamp="awarded_at",
        ),
        Transition(
            "close",
            sources=(C.OPEN, C.REVIEWING),
            target=C.CLOSED,
            label=_("Close without award"),
            allowed=permissions.is_call_owner,
        ),
    ],
)

PROPOSAL = Workflow(
    name="techtransfer.proposal",
    event=events.proposal_event,
    transitions=[
        Transition(
            "shortlist",
            sources=(P.SUBMITTED,),
            target=P.SHORTLISTED,
            label=_("Shortlist"),
            allowed=permissions.is_proposal_owner_or_caller,
        ),
        Transition(
            "pick",
            sources=(P.SUBMITTED, P.SHORTLISTED),
            target=P.PICKED,
            label=_("Pick"),
            allowed=permissions.is_proposal_owner_or_caller,
        ),
        Transition(
            "set_aside",
            sources=(P.SUBMITTED, P.SHORTLISTED),
            target=P.NOT_SELECTED,
            label=_("Not selected"),
            allowed=permissions.is_proposal_owner_or_caller,
        ),
    ],
)

# Days a broker has for each stage before a reminder.
STAGE_DAYS = {D.MATCHED: 7, D.CONTACTED: 14, D.NDA_SIGNED: 21, D.NEGOTIATING: 45}

DEAL = Workflow(
    name="techtransfer.deal",
    state_field="stage",
    event=events.deal_event,
    transitions=[
        Transition(
            "contact",
            sources=(D.MATCHED,),
            target=D.CONTACTED,
            label=_("Both sides contacted"),
            allowed=permissions.may_move_deal,
            stamp="contacted_at",
        ),
        Transition(
            "sign_nda",
            sources=(D.CONTACTED,),
            target=D.NDA_SIGNED,
            label=_("NDA signed"),
            allowed=permissions.may_move_deal,
            stamp="nda_signed_at",
        ),
        Transition(
            "negotiate",
            sources=(D.CONTACTED, D.NDA_SIGNED),
            target=D.NEGOTIATING,
            label=_("Negotiating"),
            allowed=permissions.may_move_deal,
            stamp="negotiating_at",
        ),
        Transition(
            "contract",
            sources=(D.NEGOTIATING,),
            target=D.CONTRACTED,
            label=_("Contracted"),
            allowed=permissions.may_move_deal,
            stamp="contracted_at",
        ),
        Transition(
            "drop",
            sources=(D.MATCHED, D.CONTACTED, D.NDA_SIGNED, D.NEGOTIATING),
            target=D.DROPPED,
            label=_("Drop"),
            allowed=permissions.may_move_deal,
            stamp="dropped_at",
        ),
    ],
)


def _may_decline(actor, match) -> bool:
    return permissions.side_of(actor, match) is not None


def _may_take_up(actor, match) -> bool:
    return permissions.is_broker(actor) or permissions.is_operator(actor)


MATCH = Workflow(
    name="techtransfer.match",
    event=events.match_event,
    transitions=[
        Transition(
            "decline",
            sources=(M.SUGGESTED,),
            target=M.DECLINED,
            label=_("Decline"),
            allowed=_may_decline,
        ),
        Transition(
            "take_up",
            sources=(M.SUGGESTED,),
            target=M.IN_DEAL,
            label=_("Take up as a deal"),
            allowed=_may_take_up,
        ),
    ],
)
