"""The API token cache: fewer queries per call, and revocation or deactivation still at once."""

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from factories import PASSWORD
from parkos.accounts.models import ApiToken

pytestmark = pytest.mark.django_db


@pytest.fixture
def cached_tokens(settings):
    settings.API_TOKEN_CACHE_SECONDS = 60
    cache.clear()
    yield
    cache.clear()


def issue(client, user):
    response = client.post(
        "/api/auth/token",
        {"username": user.username, "password": PASSWORD},
        content_type="application/json",
    )
    return {"HTTP_AUTHORIZATION": f"Bearer {response.json()['token']}"}


def queries_for(client, headers):
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/api/auth/me", **headers)
    return response, len(queries)


def test_a_cached_token_saves_its_lookup(client, network, cached_tokens):
    headers = issue(client, network.tenant)
    queries_for(client, headers)  # the first use also records when the token was last used
    cache.clear()
    first, cold = queries_for(client, headers)
    second, warm = queries_for(client, headers)
    assert first.json() == second.json()
    assert second.json()["username"] == network.tenant.username
    assert warm == cold - 1


def test_a_revoked_token_is_refused_at_once(client, network, cached_tokens):
    headers = issue(client, network.tenant)
    assert client.get("/api/auth/me", **headers).status_code == 200
    web = Client()
    web.force_login(network.tenant)
    token = ApiToken.objects.get(user=network.tenant)
    web.post("/accounts/profile/", {"revoke": str(token.pk)})
    assert ApiToken.objects.get(pk=token.pk).revoked_at is not None
    response = client.get("/api/auth/me", **headers)
    assert response.status_code == 401
    assert response.json()["code"] == "unauthenticated"


def test_deactivating_a_user_in_the_admin_refuses_the_token_at_once(client, network, cached_tokens):
    from django.contrib.admin.sites import site
    from django.test import RequestFactory

    from parkos.accounts.models import User

    headers = issue(client, network.tenant)
    assert client.get("/api/auth/me", **headers).status_code == 200
    admin = site._registry[User]
    request = RequestFactory().post("/")
    request.user = network.operator
    user = User.objects.get(pk=network.tenant.pk)
    user.is_active = False
    admin.save_model(request, user, None, change=True)
    assert client.get("/api/auth/me", **headers).status_code == 401


def test_a_language_change_reaches_the_api_at_once(client, network, cached_tokens):
    headers = issue(client, network.tenant)
    assert client.get("/api/auth/me", **headers).json()["language"] == "zh-hans"
    from parkos.accounts.services import user_set_language

    user_set_language(user=network.tenant, language="en")
    assert client.get("/api/auth/me", **headers).json()["language"] == "en"
