"""Every page names the ParkOS icon, so browsers stop asking for a missing /favicon.ico."""

import pytest

pytestmark = pytest.mark.django_db


def test_pages_link_the_icon_and_it_is_served(client):
    page = client.get("/accounts/login/").content.decode()
    assert 'rel="icon" href="/static/favicon.ico"' in page
    assert 'href="/static/parkos/favicon.svg" type="image/svg+xml"' in page
    for url, kind in (
        ("/static/favicon.ico", b"\x00\x00\x01\x00"),
        ("/static/parkos/favicon.svg", b"<svg"),
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        assert (
            b"".join(response.streaming_content if response.streaming else [response.content])[
                : len(kind)
            ]
            == kind
        )


def test_the_root_icon_address_leads_to_the_icon(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 301
    assert response["Location"] == "/static/favicon.ico"
