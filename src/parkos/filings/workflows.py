"""The life of a reporting round, declared once: it opens (created open by `round_open`)
and its park's operators close it; a closed round takes no more filings."""

from django.utils.translation import pgettext_lazy

from parkos.core.workflow import Transition, Workflow
from parkos.filings import permissions
from parkos.filings.events import round_transition_recorded
from parkos.filings.models import RoundStatus


def is_round_operator(actor, filing_round) -> bool:
    return permissions.can_manage_park(actor, filing_round.park_id)


ROUND_WORKFLOW = Workflow(
    name="filing round",
    state_field="status",
    event=round_transition_recorded,
    transitions=[
        Transition(
            "close",
            sources=(RoundStatus.OPEN,),
            target=RoundStatus.CLOSED,
            label=pgettext_lazy("reporting round action", "Close the round"),
            allowed=is_round_operator,
            stamp="closed_at",
        ),
    ],
)
