import pytest

from factories import EnterpriseFactory, ParkFactory, Role, member
from parkos.talent.services import candidate_register
from talent.factories import PositionFactory


@pytest.fixture
def park():
    return ParkFactory(code="hz-hitech", name="杭州高新软件园", city="杭州")


@pytest.fixture
def enterprise(park):
    return EnterpriseFactory(park=park, name="杭州数澜科技有限公司")


@pytest.fixture
def other_enterprise(park):
    return EnterpriseFactory(park=park, name="杭州云栖网络有限公司")


@pytest.fixture
def hr(enterprise):
    return member(Role.ENTERPRISE_ADMIN, enterprise=enterprise, park=enterprise.park)


@pytest.fixture
def hr_member(enterprise):
    return member(Role.ENTERPRISE_MEMBER, enterprise=enterprise, park=enterprise.park)


@pytest.fixture
def other_hr(other_enterprise):
    return member(Role.ENTERPRISE_ADMIN, enterprise=other_enterprise, park=other_enterprise.park)


@pytest.fixture
def operator(park):
    return member(Role.OPERATOR_ADMIN, park=park)


@pytest.fixture
def reviewer():
    return member(Role.REVIEWER)


@pytest.fixture
def candidate():
    return candidate_register(
        username="lihua", password="talent-pw-123", name="李华", phone="13812345678"
    )


@pytest.fixture
def position(enterprise):
    return PositionFactory(enterprise=enterprise, city="杭州")


@pytest.fixture
def api(client):
    """`api(user, "post", "/api/talent/applications", json=...)`: a call with the user's token."""
    from parkos.accounts.services import token_create

    tokens = {}

    def call(user, method, path, json=None, **extra):
        headers = {}
        if user is not None:
            if user.pk not in tokens:
                tokens[user.pk] = token_create(user=user)[1]
            headers["HTTP_AUTHORIZATION"] = f"Bearer {tokens[user.pk]}"
        sender = getattr(client, method)
        if json is not None:
            return sender(path, data=json, content_type="application/json", **headers, **extra)
        return sender(path, **headers, **extra)

    return call
