"""The life of a crowd warning, declared once: raised active by an evaluation (a forecast or a
live count passing a threshold), changed while active, cleared by the system when the risk
passes. Only the system moves it; people see it and its IOC alarm."""

from django.utils.translation import pgettext_lazy

from parkos.core.workflow import Transition, Workflow
from parkos.crowd import events
from parkos.crowd.models import WarningStatus as S

WARNING = Workflow(
    name="crowd.warning",
    event=events.warning_transition_record,
    transitions=[
        Transition(
            "clear",
            sources=(S.ACTIVE,),
            target=S.CLEARED,
            label=pgettext_lazy("crowd warning", "Clear"),
            # Nobody clears a warning by hand: the next evaluation would raise it again.
            allowed=lambda actor, warning: False,
            stamp="cleared_at",
        ),
    ],
)
