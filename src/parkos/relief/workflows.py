"""The life of a relief programme, declared once: a draft is published (applications open)
and a draft or a published programme is closed, by the operators of its park (a network-wide
operator for a network-wide programme). An application's own life is its approval case's."""

from django.utils.translation import pgettext_lazy

from parkos.core.workflow import Transition, Workflow
from parkos.relief import permissions
from parkos.relief.events import programme_transition_recorded
from parkos.relief.models import ProgrammeStatus


def is_programme_operator(actor, programme) -> bool:
    return permissions.can_manage_park(actor, programme.park_id)


PROGRAMME_WORKFLOW = Workflow(
    name="relief programme",
    state_field="status",
    event=programme_transition_recorded,
    transitions=[
        Transition(
            "publish",
            sources=(ProgrammeStatus.DRAFT,),
            target=ProgrammeStatus.PUBLISHED,
            label=pgettext_lazy("relief programme", "Publish"),
            allowed=is_programme_operator,
            stamp="published_at",
        ),
        Transition(
            "close",
            sources=(ProgrammeStatus.DRAFT, ProgrammeStatus.PUBLISHED),
            target=ProgrammeStatus.CLOSED,
            label=pgettext_lazy("relief programme", "Close"),
            allowed=is_programme_operator,
        ),
    ],
)
