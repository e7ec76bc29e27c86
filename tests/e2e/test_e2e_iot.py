"""The IOC operator's journey: the dashboard is open, a device reports 38 °C, the alarm
appears without a reload, the operator acknowledges it and sees the ticket it opened."""

import pytest

from factories import PASSWORD, FloorFactory, ParkFactory, member
from parkos.accounts.models import Role
from parkos.iot import services
from parkos.iot.catalogue import device_types_ensure
from parkos.iot.simulator import HttpTransport, SimulatedDevice

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def _property_company(park, zone):
    """A property company for the zone, so the alarm's ticket can be opened."""
    from parkos.property.models import PropertyCompany

    return PropertyCompany.objects.create(park=park, zone=zone, name="浦江物业")


@pytest.fixture
def room(transactional_db):
    park = ParkFactory(code="pujiang", name="浦江软件园")
    floor = FloorFactory(building__park=park, level=5)
    types_ = device_types_ensure()
    ioc = member(Role.IOC_OPERATOR, park=park)
    device = services.device_create(
        actor=ioc,
        park=park,
        device_type=types_["climate"],
        serial="TH-ROOM-501",
        name="5F数据机房温湿度",
        building=floor.building,
        floor=floor,
        map_x=30,
        map_y=40,
    )
    _, token = services.credential_issue(actor=ioc, device=device)
    services.rule_create(
        actor=ioc,
        park=park,
        kind="threshold",
        device_type=types_["climate"],
        name="室温过高",
        key="temperature",
        comparison="above",
        high=35,
        severity="critical",
        opens_ticket=True,
        ticket_category="hvac",
        ticket_priority="urgent",
    )
    company = _property_company(park, floor.building.zone)
    return ioc, device, token, company


def test_ioc_sees_the_alarm_live_and_acknowledges_it(page, live_server, room):
    ioc, device, token, company = room
    page.goto("/iot/")
    page.fill("#id_username", ioc.username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url("**/iot/")
    page.wait_for_function("document.getElementById('ioc-panel').dataset.live === '1'")
    assert page.locator("[data-testid=kpi-critical]").inner_text() == "0"

    simulated = SimulatedDevice(
        id=str(device.id), serial=device.serial, kind="climate", token=token
    )
    assert HttpTransport(live_server.url).send(simulated, {"temperature": 38.0}) == 200

    alarm_link = page.locator("[data-testid=alarm-list] a", has_text="室温过高")
    alarm_link.wait_for()
    assert page.locator("[data-testid=kpi-critical]").inner_text() == "1"
    assert page.evaluate("performance.getEntriesByType('navigation').length") == 1
    alarm_link.click()
    page.wait_for_url("**/iot/alarms/*/")
    page.click("[data-testid=acknowledge]")
    page.wait_for_url("**/iot/alarms/*/")
    assert page.locator("[data-testid=alarm-status]").inner_text() == "已确认"
    events = page.locator("[data-testid=alarm-events]").inner_text()
    assert "已确认" in events
    if company is not None:
        ticket = page.locator("[data-testid=alarm-ticket] a")
        assert ticket.count() == 1 and ticket.inner_text().strip()
