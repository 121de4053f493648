"""The home page is rendered once per language for visitors, and never cached for a person."""

import pytest
from flask import template_rendered

from tests.support.http import sign_in


@pytest.fixture
def renders(app):
    rendered: list[str] = []

    def record(sender, template, context, **extra):
        rendered.append(template.name)

    template_rendered.connect(record, app)
    yield rendered
    template_rendered.disconnect(record, app)


def test_visitors_get_the_home_page_rendered_once_per_language(client, renders):
    first = client.get("/en/").get_data(as_text=True)
    second = client.get("/en/").get_data(as_text=True)
    assert first == second
    assert renders.count("pages/home.html") == 1
    korean = client.get("/ko/").get_data(as_text=True)
    assert '<html lang="ko">' in korean and korean != first
    assert renders.count("pages/home.html") == 2


def test_signed_in_people_always_get_their_own_page(client, resident, renders):
    client.get("/en/")  # a visitor's page is cached...
    sign_in(client, resident.email)
    html = client.get("/en/").get_data(as_text=True)
    # ...but a signed-in person gets a page rendered for them, with their own menu.
    assert renders.count("pages/home.html") == 2
    assert "/en/account/" in html and "/en/register" not in html


def test_a_page_with_a_message_or_a_query_is_not_cached(client, resident, renders):
    client.get("/en/")
    sign_in(client, resident.email)
    client.post("/en/logout", data={"csrf_token": _token(client)})
    signed_out = client.get("/en/").get_data(as_text=True)
    assert "You are signed out." in signed_out  # the flash, not the cached page
    client.get("/en/?utm_source=newsletter")
    assert renders.count("pages/home.html") == 3


def _token(client):
    from tests.support.http import csrf_token

    return csrf_token(client, "/en/account/")
