import pytest

from factories import EnterpriseFactory, ParkFactory, Role, member
from parkos.approvals import registry
from parkos.approvals.services import case_open, process_ensure

SUBJECT = "tests.thing"


class HookLog:
    def __init__(self):
        self.calls = []

    def hook(self, name):
        def record(*, case, actor):
            self.calls.append((name, case.id, actor.pk if actor else None))

        return record


@pytest.fixture
def hooks():
    log = HookLog()
    registry.register_subject(
        SUBJECT,
        on_approved=log.hook("approved"),
        on_rejected=log.hook("rejected"),
        on_withdrawn=log.hook("withdrawn"),
        describe=lambda subject_id: f"Thing {subject_id}",
    )
    return log


@pytest.fixture
def park():
    return ParkFactory()


@pytest.fixture
def enterprise(park):
    return EnterpriseFactory(park=park)


@pytest.fixture
def applicant(enterprise):
    return member(Role.ENTERPRISE_ADMIN, enterprise=enterprise, park=enterprise.park)


@pytest.fixture
def reviewer(park):
    return member(Role.REVIEWER, park=park)


@pytest.fixture
def finance():
    return member(Role.OPERATOR_ADMIN)


@pytest.fixture
def process(db):
    return process_ensure(
        code="two-steps",
        name="Two steps",
        allow_batch=True,
        steps=[
            {"name": "Park review", "role": Role.REVIEWER, "scope": "park", "deadline_days": 3},
            {
                "name": "Finance",
                "role": Role.OPERATOR_ADMIN,
                "scope": "network",
                "deadline_days": 5,
            },
        ],
    )


@pytest.fixture
def open_case(hooks, process, applicant, enterprise):
    counter = iter(range(10_000))

    def make(**kwargs):
        return case_open(
            actor=kwargs.pop("actor", applicant),
            process_code=kwargs.pop("process_code", process.code),
            subject_type=SUBJECT,
            subject_id=kwargs.pop("subject_id", f"s-{next(counter)}"),
            title=kwargs.pop("title", "Application"),
            enterprise=kwargs.pop("enterprise", enterprise),
            **kwargs,
        )

    return make
