from dataclasses import dataclass

import pytest

from factories import EnterpriseFactory, LeaseFactory, ParkFactory, UnitFactory, member
from parkos.accounts.models import Role


@dataclass
class Network:
    park: object
    branch: object
    other_park: object
    unit: object
    enterprise: object
    other_enterprise: object
    lease: object
    other_lease: object
    operator: object
    branch_operator: object
    tenant: object
    other_tenant: object
    technician: object


@pytest.fixture
def network(db):
    park = ParkFactory(code="flagship", name="浦江软件园")
    branch = ParkFactory(code="branch", name="昆山分园", parent=park, city="昆山")
    other_park = ParkFactory(code="elsewhere", name="别处园区")
    unit = UnitFactory(floor__building__park=park)
    enterprise = EnterpriseFactory(
        park=park, name="上海云图智能科技有限公司", name_en="Yuntu AI Co., Ltd.", industry="ai"
    )
    other_enterprise = EnterpriseFactory(park=park, name="上海芯海微电子有限公司", industry="ic")
    lease = LeaseFactory(unit=unit, enterprise=enterprise)
    other_lease = LeaseFactory(
        unit=UnitFactory(floor__building__park=park), enterprise=other_enterprise
    )
    return Network(
        park=park,
        branch=branch,
        other_park=other_park,
        unit=unit,
        enterprise=enterprise,
        other_enterprise=other_enterprise,
        lease=lease,
        other_lease=other_lease,
        operator=member(Role.OPERATOR_ADMIN, park=park),
        branch_operator=member(Role.OPERATOR_ADMIN, park=other_park),
        tenant=member(Role.ENTERPRISE_ADMIN, enterprise=enterprise),
        other_tenant=member(Role.ENTERPRISE_ADMIN, enterprise=other_enterprise),
        technician=member(Role.TECHNICIAN, park=park),
    )


@pytest.fixture
def api(client):
    """A JSON client that signs in as a given user through the token endpoint."""
    from factories import PASSWORD

    class Api:
        def __init__(self):
            self.headers = {}

        def login(self, user):
            response = client.post(
                "/api/auth/token",
                {"username": user.username, "password": PASSWORD},
                content_type="application/json",
            )
            assert response.status_code == 200, response.content
            self.headers = {"HTTP_AUTHORIZATION": f"Bearer {response.json()['token']}"}
            return self

        def anonymous(self):
            self.headers = {}
            return self

        def get(self, path, **params):
            return client.get(path, params, **self.headers)

        def post(self, path, data):
            return client.post(path, data, content_type="application/json", **self.headers)

        def patch(self, path, data):
            return client.patch(path, data, content_type="application/json", **self.headers)

    return Api()
