"""Fixtures of technology transfer: a Shanghai park with a Kunshan branch, two enterprises,
two institutions, a broker and an operator."""

from types import SimpleNamespace

import pytest

from factories import EnterpriseFactory, ParkFactory, member
from parkos.accounts.models import Role
from parkos.techtransfer import matching
from techtransfer.factories import InstitutionFactory


@pytest.fixture(autouse=True)
def _fresh_index():
    # The index cache is per process; each test starts from its own database.
    matching._cache.clear()
    yield
    matching._cache.clear()


@pytest.fixture
def world(db):
    shanghai = ParkFactory(name="张江园区", city="上海")
    kunshan = ParkFactory(name="昆山分园", city="昆山", parent=shanghai)
    enterprise = EnterpriseFactory(park=kunshan, name="昆山锂能科技有限公司")
    other_enterprise = EnterpriseFactory(park=shanghai, name="上海另一家公司")
    institution = InstitutionFactory(name="上海交通大学技术转移中心", region="上海")
    other_institution = InstitutionFactory(name="浙江大学技术转移中心", region="杭州")
    return SimpleNamespace(
        shanghai=shanghai,
        kunshan=kunshan,
        enterprise=enterprise,
        other_enterprise=other_enterprise,
        institution=institution,
        other_institution=other_institution,
        tenant=member(Role.ENTERPRISE_ADMIN, enterprise=enterprise),
        other_tenant=member(Role.ENTERPRISE_ADMIN, enterprise=other_enterprise),
        researcher=member(Role.INSTITUTION, organization=institution),
        other_researcher=member(Role.INSTITUTION, organization=other_institution),
        broker=member(Role.BROKER, park=shanghai),
        operator=member(Role.OPERATOR_ADMIN, park=shanghai),
    )


@pytest.fixture
def api(client):
    """`api(user, "post", "/api/techtransfer/demands", json=...)` with the user's bearer token."""
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
