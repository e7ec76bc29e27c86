"""Factories for the approvals engine: processes with their steps, and cases opened and
moved through the services (a case built row by row would have no timeline)."""

import factory

from factories import EnterpriseFactory, Role, member
from parkos.approvals.models import Process, Step
from parkos.approvals.services import case_open


class ProcessFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Process

    code = factory.Sequence(lambda n: f"process-{n}")
    name = factory.Sequence(lambda n: f"Process {n}")
    allow_batch = True


class StepFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Step

    process = factory.SubFactory(ProcessFactory)
    position = factory.Sequence(lambda n: n + 1)
    name = factory.Sequence(lambda n: f"Step {n}")
    role = Role.REVIEWER
    scope = "park"
    deadline_days = 3


def two_step_process(**kwargs) -> Process:
    """Park review, then network finance: the shape most of the engine's tests use."""
    process = ProcessFactory(**kwargs)
    StepFactory(process=process, position=1, name="Park review", role=Role.REVIEWER)
    StepFactory(
        process=process, position=2, name="Finance", role=Role.OPERATOR_ADMIN, scope="network"
    )
    return process


_subjects = iter(range(10**9))


def case_for(*, subject_type: str, process=None, applicant=None, enterprise=None, **kwargs):
    """A case opened by an enterprise admin through `case_open` (submitted unless
    `submit=False`), with its events and notifications as the engine writes them."""
    process = process or two_step_process()
    enterprise = enterprise or EnterpriseFactory()
    applicant = applicant or member(
        Role.ENTERPRISE_ADMIN, enterprise=enterprise, park=enterprise.park
    )
    return case_open(
        actor=applicant,
        process_code=process.code,
        subject_type=subject_type,
        subject_id=kwargs.pop("subject_id", f"f-{next(_subjects)}"),
        title=kwargs.pop("title", "Application"),
        enterprise=enterprise,
        **kwargs,
    )
