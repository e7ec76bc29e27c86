"""The life of an alarm, declared once: raised active, acknowledged by an operator, cleared by
an operator or by the system (a rule's auto-clear, another app through services/external.py).
A repeat while it is open only counts; after clearing, the next raise is a new alarm."""

from django.utils.translation import gettext_lazy as _

from parkos.core.workflow import Transition, Workflow
from parkos.iot import events, permissions
from parkos.iot.models import AlarmStatus as S


def _operates(actor, alarm) -> bool:
    return permissions.can_operate(actor, alarm.park_id)


ALARM = Workflow(
    name="iot.alarm",
    event=events.alarm_transition_record,
    transitions=[
        Transition(
            "acknowledge",
            sources=(S.ACTIVE,),
            target=S.ACKNOWLEDGED,
            label=_("Acknowledge"),
            allowed=_operates,
            stamp="acknowledged_at",
        ),
        Transition(
            "clear",
            sources=(S.ACTIVE, S.ACKNOWLEDGED),
            target=S.CLEARED,
            label=_("Clear"),
            allowed=_operates,
            stamp="cleared_at",
        ),
    ],
)
