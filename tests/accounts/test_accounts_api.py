import time
from datetime import timedelta

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from factories import PASSWORD, UserFactory
from parkos.accounts.models import ApiToken, hash_token, token_cache_key
from parkos.accounts.services import token_create

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _token_cache_on(settings):
    # The cache is where a revoked or expired token could linger: keep it on for every test.
    settings.API_TOKEN_CACHE_SECONDS = 300


def bearer(raw):
    return Client(HTTP_AUTHORIZATION=f"Bearer {raw}")


def me(raw):
    return bearer(raw).get("/api/auth/me").status_code


def test_a_token_expires_after_the_configured_days(settings):
    settings.API_TOKEN_DAYS = 30
    user = UserFactory()
    response = Client().post(
        "/api/auth/token",
        {"username": user.username, "password": PASSWORD},
        content_type="application/json",
    )
    token = ApiToken.objects.get(user=user)
    lifetime = token.expires_at - token.created_at
    assert timedelta(days=30) - timedelta(seconds=5) < lifetime <= timedelta(days=30)
    assert me(response.json()["token"]) == 200

    settings.API_TOKEN_DAYS = 0
    _token, raw = token_create(user=user)
    assert me(raw) == 401


def test_an_expired_token_stops_working_at_once_though_it_was_cached():
    user = UserFactory()
    token, raw = token_create(user=user)
    ApiToken.objects.filter(pk=token.pk).update(expires_at=timezone.now() + timedelta(seconds=3))
    assert me(raw) == 200
    time.sleep(3.1)
    assert me(raw) == 401
    _other, other_raw = token_create(user=user)
    listed = [row["id"] for row in bearer(other_raw).get("/api/auth/tokens").json()]
    assert str(token.pk) not in listed


def test_a_password_change_revokes_every_token_at_once():
    user = UserFactory()
    _token, raw = token_create(user=user)
    assert me(raw) == 200
    browser = Client()
    browser.login(username=user.username, password=PASSWORD)
    response = browser.post(
        "/accounts/password/",
        {
            "old_password": PASSWORD,
            "new_password1": "a-much-longer-secret-42",
            "new_password2": "a-much-longer-secret-42",
        },
    )
    assert response.status_code == 302
    assert me(raw) == 401
    assert not ApiToken.objects.filter(user=user, revoked_at__isnull=True).exists()
    # The browser that changed the password stays signed in.
    assert browser.get("/accounts/profile/").status_code == 200


def test_deactivating_a_user_revokes_their_tokens_at_once():
    user = UserFactory()
    _token, raw = token_create(user=user)
    assert me(raw) == 200
    user.is_active = False
    user.save()
    assert ApiToken.objects.get(user=user).revoked_at is not None
    user.is_active = True
    user.save()
    assert me(raw) == 401


def test_saving_a_user_otherwise_keeps_their_tokens():
    user = UserFactory()
    _token, raw = token_create(user=user)
    user.display_name = "新名字"
    user.save()
    assert me(raw) == 200


def test_list_shows_only_the_callers_own_working_tokens(django_assert_max_num_queries):
    user, other = UserFactory(), UserFactory()
    for index in range(5):
        token_create(user=user, name=f"t{index}")
    revoked, _raw = token_create(user=user, name="old")
    revoked.revoked_at = timezone.now()
    revoked.save()
    token_create(user=other, name="theirs")
    _mine, raw = token_create(user=user, name="mine")
    client = bearer(raw)
    client.get("/api/auth/me")
    with django_assert_max_num_queries(3):
        body = client.get("/api/auth/tokens").json()
    assert sorted(row["name"] for row in body) == ["mine", "t0", "t1", "t2", "t3", "t4"]
    assert set(body[0]) == {"id", "name", "prefix", "created_at", "expires_at", "last_used_at"}
    assert all(row["expires_at"] for row in body)


def test_delete_revokes_the_callers_token_at_once_and_never_anothers():
    user, other = UserFactory(), UserFactory()
    doomed, doomed_raw = token_create(user=user, name="doomed")
    _keep, raw = token_create(user=user)
    theirs, theirs_raw = token_create(user=other)
    assert me(doomed_raw) == 200 and me(theirs_raw) == 200
    client = bearer(raw)
    assert client.delete(f"/api/auth/tokens/{theirs.pk}").status_code == 404
    assert me(theirs_raw) == 200
    assert client.delete(f"/api/auth/tokens/{doomed.pk}").status_code == 204
    assert me(doomed_raw) == 401
    assert client.delete(f"/api/auth/tokens/{doomed.pk}").status_code == 404
    assert "doomed" not in [row["name"] for row in client.get("/api/auth/tokens").json()]


def writes_of_last_use(raw, calls=5):
    with CaptureQueriesContext(connection) as queries:
        for _ in range(calls):
            assert me(raw) == 200
    return [q for q in queries if q["sql"].startswith("UPDATE") and "apitoken" in q["sql"]]


@pytest.mark.parametrize("cache_seconds", [0, 300])
def test_last_use_is_recorded_at_most_once_a_minute(settings, cache_seconds):
    settings.API_TOKEN_CACHE_SECONDS = cache_seconds
    user = UserFactory()
    token, raw = token_create(user=user)
    assert token.last_used_at is None
    assert len(writes_of_last_use(raw)) == 1
    token.refresh_from_db()
    first = token.last_used_at
    assert timezone.now() - first < timedelta(seconds=5)
    assert writes_of_last_use(raw) == []
    # A minute later, the next call writes again.
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=first - timedelta(minutes=2))
    entry = cache.get(token_cache_key(hash_token(raw)))
    if entry is not None:
        cache.set(token_cache_key(hash_token(raw)), (*entry[:3], first - timedelta(minutes=2)))
    assert len(writes_of_last_use(raw)) == 1
    token.refresh_from_db()
    assert token.last_used_at > first
