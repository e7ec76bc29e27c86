"""Scoping as a gate (models/querysets.py): every property model says what an actor may see,
and someone from another park, or nobody signed in, sees none of it."""

from datetime import timedelta

import pytest
from django.apps import apps
from django.contrib.auth.models import AnonymousUser
from django.utils import timezone

from factories import EnterpriseFactory, ParkFactory, member
from parkos.accounts.models import Role
from parkos.property import services
from parkos.property.models import TenantProfile
from property.factories import FindingFactory, InspectionScheduleFactory, SurveyFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def everything(place):
    """At least one row of every property model."""
    from parkos.property.models import SLAPolicy, Team

    Team.objects.create(company=place.company, name="暖通组")
    SLAPolicy.objects.create(
        company=place.company, priority="normal", response_minutes=30, resolution_minutes=240
    )
    services.ticket_create(actor=place.tenant, unit=place.unit, description="空调漏水")
    ticket = services.ticket_create(
        actor=place.tenant, unit=place.unit, description="空调漏水", category="hvac"
    )
    services.ticket_dispatch(actor=place.dispatcher, ticket=ticket, category="electrical")
    InspectionScheduleFactory(template__company=place.company, technicians=[place.hvac_near])
    services.rounds_generate()
    FindingFactory(spot_check__company=place.company)
    survey = SurveyFactory(park=place.park)
    services.survey_answer(
        actor=place.tenant, survey=survey, enterprise=place.enterprise, answers={"q1": 4}
    )
    month = (timezone.localdate().replace(day=1) - timedelta(days=1)).replace(day=1)
    services.month_compute(actor=place.operator, park=place.park, month=month)
    services.month_close(actor=place.operator, park=place.park, month=month)
    services.score_weights_set(
        actor=place.operator, park=place.park, safety=25, service=35, satisfaction=25, inspection=15
    )
    TenantProfile.objects.create(enterprise=place.enterprise, consent=True)
    return place


def _models():
    return list(apps.get_app_config("property").get_models())


def test_every_property_model_is_scoped(everything):
    stranger = member(Role.ENTERPRISE_ADMIN, enterprise=EnterpriseFactory(park=ParkFactory()))
    empty = []
    for model in _models():
        assert hasattr(model.objects, "visible_to"), model.__name__
        if model._default_manager.count() == 0:
            empty.append(model.__name__)
            continue
        assert (everything.operator and model.objects.visible_to(everything.operator).exists()) or (
            model.__name__ in ("TenantProfile",)
        ), model.__name__
        assert not model.objects.visible_to(stranger).exists(), model.__name__
        assert not model.objects.visible_to(AnonymousUser()).exists(), model.__name__
    # Rows this world has no reason to make: a classifier, a photo, a corrected prediction.
    assert set(empty) <= {"DispatchModel", "TicketPhoto", "CategoryCorrection"}, empty


def test_a_tenant_sees_its_own_profile_and_the_desk_only_a_consented_one(place):
    TenantProfile.objects.create(enterprise=place.enterprise, consent=False)
    assert TenantProfile.objects.visible_to(place.tenant).count() == 1
    assert not TenantProfile.objects.visible_to(place.other_tenant).exists()
    assert not TenantProfile.objects.visible_to(place.dispatcher).exists()
    TenantProfile.objects.update(consent=True)
    assert TenantProfile.objects.visible_to(place.dispatcher).count() == 1
