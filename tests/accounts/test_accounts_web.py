import os
import subprocess
import sys
import time

import pytest
from django.test import Client

from factories import PASSWORD, UserFactory, member
from parkos.accounts.models import ApiToken, Role

pytestmark = pytest.mark.django_db


def test_sign_in_and_out(client):
    user = UserFactory()
    page = client.get("/accounts/login/")
    assert "登录 ParkOS" in page.content.decode()
    response = client.post("/accounts/login/", {"username": user.username, "password": PASSWORD})
    assert response.status_code == 302
    assert client.get("/accounts/profile/").status_code == 200
    client.post("/accounts/logout/")
    assert client.get("/accounts/profile/").status_code == 302


def sign_in(client, username, password, address="10.0.0.1"):
    return client.post(
        "/accounts/login/", {"username": username, "password": password}, REMOTE_ADDR=address
    )


def test_wrong_password_then_paused_even_with_the_right_one(client, settings):
    settings.LOGIN_RATE = "3/5m"
    user = UserFactory()
    for _ in range(3):
        page = sign_in(client, user.username, "wrong")
        assert page.status_code == 200
        assert "用户名" in page.content.decode()
    page = sign_in(client, user.username, PASSWORD)
    assert "登录失败次数过多" in page.content.decode()
    assert "_auth_user_id" not in client.session


def test_throttle_counts_per_client_address_across_usernames(client, settings):
    settings.LOGIN_ADDRESS_RATE = "3/5m"
    for index in range(3):
        sign_in(client, f"guess{index}", "wrong")
    user = UserFactory()
    page = sign_in(client, user.username, PASSWORD)
    assert "登录失败次数过多" in page.content.decode()


def test_wrong_passwords_from_one_address_never_stop_the_owner_at_another(settings):
    settings.LOGIN_RATE = "3/5m"
    user = UserFactory()
    attacker, owner = Client(), Client()
    for _ in range(20):
        sign_in(attacker, user.username, "wrong", address="203.0.113.9")
    assert (
        "登录失败次数过多"
        in sign_in(attacker, user.username, PASSWORD, "203.0.113.9").content.decode()
    )
    response = sign_in(owner, user.username, PASSWORD, address="198.51.100.7")
    assert response.status_code == 302
    assert "_auth_user_id" in owner.session


def test_the_pause_ends_and_doubles_rather_than_locking(client, settings):
    # 2 free failures in a 2 s window: the first pause is 1 s, the next 2 s.
    settings.LOGIN_RATE = "2/2s"
    user = UserFactory()
    for _ in range(2):
        sign_in(client, user.username, "wrong")
    assert "登录失败次数过多" in sign_in(client, user.username, PASSWORD).content.decode()
    time.sleep(1.1)
    sign_in(client, user.username, "wrong")
    time.sleep(1.1)
    assert "登录失败次数过多" in sign_in(client, user.username, PASSWORD).content.decode()
    time.sleep(1.0)
    assert sign_in(client, user.username, PASSWORD).status_code == 302


def test_a_right_password_clears_the_count_for_that_address(client, settings):
    settings.LOGIN_RATE = "3/5m"
    user = UserFactory()
    for _ in range(2):
        sign_in(client, user.username, "wrong")
    assert sign_in(client, user.username, PASSWORD).status_code == 302
    client.post("/accounts/logout/")
    for _ in range(2):
        sign_in(client, user.username, "wrong")
    assert sign_in(client, user.username, PASSWORD).status_code == 302


def token_obtain(client, username, password, address):
    return client.post(
        "/api/auth/token",
        {"username": username, "password": password},
        content_type="application/json",
        REMOTE_ADDR=address,
    )


def test_api_token_wrong_passwords_elsewhere_leave_the_owner_a_token(client, settings):
    settings.LOGIN_RATE = "3/5m"
    user = UserFactory()
    for _ in range(3):
        assert token_obtain(client, user.username, "wrong", "203.0.113.9").status_code == 422
    for _ in range(5):
        assert token_obtain(client, user.username, "wrong", "203.0.113.9").status_code == 429
    blocked = token_obtain(client, user.username, PASSWORD, "203.0.113.9")
    assert blocked.status_code == 429
    assert blocked.json()["code"] == "rate_limited"
    response = token_obtain(client, user.username, PASSWORD, "198.51.100.7")
    assert response.status_code == 200
    assert response.json()["token"].startswith("pk_")


def test_password_change(client):
    user = UserFactory()
    client.login(username=user.username, password=PASSWORD)
    response = client.post(
        "/accounts/password/",
        {
            "old_password": PASSWORD,
            "new_password1": "a-much-longer-secret-42",
            "new_password2": "a-much-longer-secret-42",
        },
    )
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.check_password("a-much-longer-secret-42")


def test_language_is_chosen_per_user(client):
    user = UserFactory()
    client.login(username=user.username, password=PASSWORD)
    assert "退出登录" in client.get("/accounts/profile/").content.decode()
    client.post("/accounts/language/", {"language": "en", "next": "/accounts/profile/"})
    user.refresh_from_db()
    assert user.language == "en"
    assert "Log out" in client.get("/accounts/profile/").content.decode()
    assert "退出登录" not in client.get("/accounts/profile/").content.decode()
    client.post("/accounts/language/", {"language": "klingon", "next": "/"})
    user.refresh_from_db()
    assert user.language == "en"


def test_api_token_issue_and_revoke(client):
    user = member(Role.ENTERPRISE_MEMBER)
    client.login(username=user.username, password=PASSWORD)
    page = client.post("/accounts/profile/", {"name": "erp"}).content.decode()
    raw = page.split('data-testid="new-token">')[1].split("<")[0]
    outside = Client()
    assert outside.get("/api/auth/me", HTTP_AUTHORIZATION=f"Bearer {raw}").status_code == 200
    token = ApiToken.objects.get(user=user)
    assert token.key_hash != raw and raw not in token.key_hash
    client.post("/accounts/profile/", {"revoke": str(token.id)})
    assert outside.get("/api/auth/me", HTTP_AUTHORIZATION=f"Bearer {raw}").status_code == 401


def test_production_settings_pass_the_deploy_check(tmp_path):
    env = {
        "PATH": "/usr/bin:/bin",
        "PYTHONPATH": os.environ.get("PYTHONPATH", ""),
        "DJANGO_SETTINGS_MODULE": "parkos.config.settings",
        "SECRET_KEY": "Zq8#vR2!xW5$mP9&tL3*nB7^cF1@hJ4%dS6-k0Y+uE8~gT2=aN5;wQ9:pV4|rX7",
        "DEBUG": "false",
        "ALLOWED_HOSTS": "park.example.com",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'deploy.sqlite3'}",
        "STATIC_ROOT": str(tmp_path / "static"),
    }
    result = subprocess.run(
        [sys.executable, "-m", "parkos.cli", "check", "--deploy", "--fail-level", "WARNING"],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_profile_token_list_has_a_query_budget_and_forms_keep_input(
    client, django_assert_max_num_queries
):
    from parkos.accounts.services import token_create

    user = UserFactory()
    for index in range(20):
        token_create(user=user, name=f"t{index}")
    client.login(username=user.username, password=PASSWORD)
    with django_assert_max_num_queries(8):
        page = client.get("/accounts/profile/")
    assert page.content.decode().count("<code>") == 20
    created = client.post("/accounts/profile/", {"name": "  "}).content.decode()
    assert 'data-testid="new-token"' in created
    assert ApiToken.objects.filter(user=user, name="api").exists()
    refused = client.post("/accounts/profile/", {"revoke": "not-an-id"})
    assert refused.status_code == 200
    assert ApiToken.objects.filter(user=user, revoked_at__isnull=True).count() == 21


def test_an_unknown_language_is_refused_with_a_message(client):
    user = UserFactory()
    client.login(username=user.username, password=PASSWORD)
    response = client.post("/accounts/language/", {"language": "xx", "next": "/accounts/profile/"})
    assert response.status_code == 302 and response["Location"] == "/accounts/profile/"
    user.refresh_from_db()
    assert user.language == "zh-hans"
