"""The ASGI entry point: ordinary requests through Django's WSGI handler on a thread pool,
event streams through its ASGI handler."""

import asyncio

import httpx
import pytest
from django.urls import reverse

from factories import PASSWORD, UserFactory
from parkos.config import asgi

pytestmark = pytest.mark.django_db(transaction=True)


def test_only_event_streams_take_the_asgi_handler():
    assert asgi._streams_events(reverse("iot:live"))
    assert not asgi._streams_events("/api/enterprises")
    assert not asgi._streams_events(reverse("accounts:login"))
    assert not asgi._streams_events("/no/such/page/")


def test_pages_and_the_api_answer_through_the_asgi_application():
    user = UserFactory()

    async def journey():
        transport = httpx.ASGITransport(app=asgi.application)
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
            login = await client.get("/accounts/login/")
            token = await client.post(
                "/api/auth/token", json={"username": user.username, "password": PASSWORD}
            )
            me = await client.get(
                "/api/auth/me", headers={"Authorization": f"Bearer {token.json()['token']}"}
            )
            missing = await client.get("/api/no-such-thing")
            return login, me, missing

    login, me, missing = asyncio.run(journey())
    assert login.status_code == 200
    assert "csrfmiddlewaretoken" in login.text
    assert me.status_code == 200
    assert me.json()["username"] == user.username
    assert missing.status_code == 404
    assert missing.json()["code"] == "not_found"
