"""The top menu shows each role exactly the pages it may open: a link that leads to
"403 Forbidden" is a broken promise (QA found 运营中心, 客流 and 审计日志 shown to everyone)."""

import re

import pytest

from factories import PASSWORD, EnterpriseFactory, ParkFactory, member
from parkos.accounts.models import Role
from parkos.core.context_processors import MENU, menu_for

pytestmark = pytest.mark.django_db

NAV_LINK = re.compile(r'<li class="nav-item"><a class="nav-link[^"]*" href="([^"]+)"')


@pytest.fixture
def users(db):
    park = ParkFactory(code="flagship", name="浦江软件园")
    enterprise = EnterpriseFactory(park=park)
    return {
        "operator": member(Role.OPERATOR_ADMIN, park=park),
        "ioc": member(Role.IOC_OPERATOR, park=park),
        "reviewer": member(Role.REVIEWER, park=park),
        "tenant": member(Role.ENTERPRISE_ADMIN, enterprise=enterprise),
        "technician": member(Role.TECHNICIAN, park=park),
        "nobody": member(Role.CANDIDATE),
    }


def _menu_links(client, user) -> list[str]:
    assert client.login(username=user.username, password=PASSWORD)
    page = client.get("/enterprises/").content.decode()
    return NAV_LINK.findall(page)


@pytest.mark.parametrize("role", ["operator", "ioc", "reviewer", "tenant", "technician", "nobody"])
def test_every_menu_link_opens_and_every_hidden_one_is_refused(client, users, role):
    user = users[role]
    # Only the access decision is under test here; each page's content has its own tests.
    client.raise_request_exception = False
    shown = _menu_links(client, user)
    assert shown, "everyone signed in has a menu"
    every = [item["url"] for item in menu_for(users["operator"])]
    for url in every:
        status = client.get(url).status_code
        if url in shown:
            assert status != 403, f"{role} is shown {url} but refused"
        else:
            assert status == 403, f"{role} may open {url} but it is hidden"


def test_who_sees_the_operations_pages(client, users):
    by_role = {role: set(_menu_links(client, user)) for role, user in users.items()}
    for role in ("tenant", "technician", "nobody"):
        assert not {"/iot/", "/crowd/", "/audit/"} & by_role[role], role
    assert {"/iot/", "/crowd/"} <= by_role["ioc"] and "/audit/" not in by_role["ioc"]
    assert "/audit/" in by_role["reviewer"] and "/iot/" not in by_role["reviewer"]
    assert {"/iot/", "/crowd/", "/audit/"} <= by_role["operator"]


def test_the_menu_is_not_shown_before_sign_in(client):
    page = client.get("/accounts/login/").content.decode()
    assert NAV_LINK.findall(page) == []


def test_each_check_is_a_real_permission_function():
    from django.utils.module_loading import import_string

    for _, _, check in MENU:
        if check:
            assert callable(import_string(check))
