"""The property demo: three companies, forty technicians, the journey's technician on shift
in the tenant's zone, tickets, rounds, surveys, trained models and monthly scores."""

import pytest
from django.utils import timezone

from parkos.demo.loader import demo_load

pytestmark = pytest.mark.django_db


def test_property_demo_is_complete_and_ready_for_the_journey(monkeypatch):
    import parkos.demo.property as property_demo
    from parkos.property import routing, selectors
    from parkos.property.models import (
        DispatchModel,
        InspectionRound,
        MonthClose,
        MonthlyScore,
        PropertyCompany,
        Survey,
        Technician,
        Ticket,
    )

    monkeypatch.setattr(property_demo, "HISTORY_DAYS", 60)
    context = demo_load(
        steps=["parkos.demo.parks", "parkos.demo.accounts", "parkos.demo.property"],
        report=lambda line: None,
    )
    companies = list(PropertyCompany.objects.select_related("zone").order_by("zone__name"))
    assert [c.zone.name for c in companies] == ["A区", "B区", "C区"]
    assert Technician.objects.count() == 40
    assert DispatchModel.objects.count() == 3
    assert Ticket.objects.count() > 500 and Ticket.objects.filter(rating__isnull=False).exists()
    assert InspectionRound.objects.filter(status="done").exists() and Survey.objects.exists()
    assert MonthlyScore.objects.filter(month=timezone.localdate().replace(day=1)).count() == 3
    assert MonthClose.objects.exists()

    tenant = context.extra["tenant_enterprises"]["tenant"]
    company = selectors.enterprise_company(enterprise_id=tenant.id)
    technician = Technician.objects.get(user__username="technician")
    assert technician.company == company and "hvac" in technician.skills
    unit = selectors.tenant_units(actor=context.users["tenant"])[0]
    chosen = routing.choose(
        company=company, category="hvac", building=unit.floor.building, zone_id=company.zone_id
    )
    assert chosen.technician_id == technician.id and chosen.shift_end is not None


def test_the_demo_stores_reasons_as_codes():
    import inspect

    from parkos.demo import property as demo

    assert 'f"{category} skill"' not in inspect.getsource(demo)
    assert "texts.skill(category)" in inspect.getsource(demo)
