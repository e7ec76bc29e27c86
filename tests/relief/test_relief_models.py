"""What each rent-relief model shows an actor (core scoping): the park's staff see its
programmes, applications, adjustments and arrears flags; an enterprise its published
programmes and its own applications; another tenant and nobody signed in nothing. A
programme's moves are its park's operators' alone."""

from datetime import date

import pytest
from django.contrib.auth.models import AnonymousUser

from factories import EnterpriseFactory, ParkFactory, Role, member
from parkos.approvals.selectors import case_for_subject
from parkos.approvals.services import case_approve
from parkos.relief import services
from parkos.relief.models import ArrearsFlag, ReliefApplication, ReliefProgramme, RentAdjustment

pytestmark = pytest.mark.django_db


@pytest.fixture
def stranger():
    park = ParkFactory()
    return member(Role.ENTERPRISE_ADMIN, enterprise=EnterpriseFactory(park=park), park=park)


@pytest.fixture
def approved(programme, lease, tenant, reviewer, operator):
    application = services.application_submit(
        actor=tenant, programme=programme, lease=lease, declared_revenue="1000000"
    )
    case = case_for_subject(
        actor=tenant, subject_type=services.SUBJECT, subject_id=str(application.id)
    )
    case = case_approve(actor=reviewer, case=case)
    case_approve(actor=operator, case=case)
    return application


def _sees(model, actor) -> bool:
    return model.objects.visible_to(actor).exists()


@pytest.mark.parametrize("model", [ReliefProgramme, ReliefApplication, RentAdjustment])
def test_the_park_and_the_enterprise_see_their_relief_others_nothing(
    approved, model, tenant, reviewer, operator, stranger
):
    for actor in (tenant, reviewer, operator):
        assert _sees(model, actor), (model.__name__, actor)
    for actor in (stranger, AnonymousUser(), None):
        assert not _sees(model, actor), (model.__name__, actor)


def test_arrears_are_the_park_staffs_knowledge(enterprise, tenant, reviewer, operator, stranger):
    services.arrears_flag(actor=operator, enterprise=enterprise, note="两个月未缴")
    assert _sees(ArrearsFlag, reviewer) and _sees(ArrearsFlag, operator)
    for actor in (tenant, stranger, AnonymousUser()):
        assert not _sees(ArrearsFlag, actor)


def test_a_draft_is_the_staffs_and_only_operators_move_a_programme(
    operator, reviewer, tenant, park
):
    draft = services.programme_create(
        actor=operator,
        name="草稿减租",
        park=park,
        period_start=date(2026, 2, 1),
        period_end=date(2026, 4, 30),
        kind="months",
        months="1",
    )
    assert ReliefProgramme.objects.visible_to(reviewer).filter(pk=draft.pk).exists()
    assert not ReliefProgramme.objects.visible_to(tenant).filter(pk=draft.pk).exists()
    assert list(ReliefProgramme.objects.actionable_by(operator, "publish")) == [draft]
    assert not ReliefProgramme.objects.actionable_by(reviewer, "publish").exists()
    park_operator = member(Role.OPERATOR_ADMIN, park=ParkFactory())
    assert not ReliefProgramme.objects.actionable_by(park_operator, "publish").exists()
