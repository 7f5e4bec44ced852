"""Anonymous public pages are cached per language and URL, and fresh again as soon as what they
show changes (the versions bumped by the named signals), never served to logged-in visitors."""

import re
from datetime import date

import pytest
from flask import g
from flask_wtf.csrf import validate_csrf

from marketplace import pagecache
from marketplace.accounts.services import create_api_token
from marketplace.extensions import db
from marketplace.initiatives.models import Initiative
from marketplace.pagecache import TOKEN_PLACEHOLDER, bump
from tests.gifts import paid_gift


@pytest.fixture(autouse=True)
def page_cache(in_process_cache):
    return in_process_cache


def rename_behind_the_services_back(initiative, name):
    db.session.get(Initiative, initiative.id).name = name
    db.session.commit()


def test_a_cached_page_is_served_until_what_it_shows_changes(client, make_initiative):
    initiative = make_initiative(name="Repair Café Oost")
    assert "Repair Café Oost" in client.get("/initiatives").text
    rename_behind_the_services_back(initiative, "Repair Café West")
    assert "Repair Café Oost" in client.get("/initiatives").text  # still the cached page
    bump(["initiatives"])
    assert "Repair Café West" in client.get("/initiatives").text


def test_a_gift_refreshes_its_initiatives_page_at_once(client, make_initiative):
    initiative = make_initiative(funding_goal_cents=100_000)
    url = f"/initiatives/{initiative.slug}"
    assert 'data-testid="raised">€ 0,00' in client.get(url).text.replace("\xa0", " ")
    paid_gift(initiative, 25_00, date(2026, 1, 5))  # contribution_changed → figures → bump
    assert 'data-testid="raised">€ 25,00' in client.get(url).text.replace("\xa0", " ")


def test_each_visitor_gets_their_own_form_token(app):
    """A cached page with a form holds a placeholder; each visitor's copy gets their own token."""
    body = f'<form><input name="csrf_token" value="{TOKEN_PLACEHOLDER}"></form>'
    tokens = []
    for _visitor in range(2):
        with app.test_request_context("/initiatives/x"):
            g.pop("csrf_token", None)  # the test's app context outlives each request
            response = pagecache._serve("text/html", body, "etag")
            assert response.headers["Cache-Control"] == "private, no-cache"
            assert "ETag" not in response.headers
            token = re.search(r'value="([^"]+)"', response.get_data(as_text=True)).group(1)
            assert token != TOKEN_PLACEHOLDER
            validate_csrf(token)  # a real token of this visitor's session
            tokens.append(token)
    assert tokens[0] != tokens[1]


def test_pages_without_forms_can_be_cached_by_a_proxy(client, make_initiative):
    make_initiative()
    first = client.get("/exchange/")
    assert first.headers["Cache-Control"] == "public, max-age=60"
    again = client.get("/exchange/", headers={"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304
    bump(["exchange"])
    assert (
        client.get("/exchange/", headers={"If-None-Match": first.headers["ETag"]}).status_code
        == 200
    )


def test_languages_are_cached_apart(client, make_initiative):
    make_initiative()
    assert "Initiatieven" in client.get("/initiatives").text
    assert "Initiatives" in client.get("/initiatives?lang=en").text
    assert "Initiatieven" in client.get("/initiatives").text


def test_logged_in_visitors_always_get_a_fresh_page(client, make_initiative, make_user, login):
    initiative = make_initiative(name="Buurtmoestuin")
    client.get("/initiatives")
    rename_behind_the_services_back(initiative, "Buurtboomgaard")
    login(make_user())
    assert "Buurtboomgaard" in client.get("/initiatives").text
    assert "Cache-Control" not in client.get("/initiatives").headers or (
        "public" not in client.get("/initiatives").headers["Cache-Control"]
    )


def test_the_social_return_answer_is_cached_until_a_gift_changes_it(client, make_initiative):
    initiative = make_initiative()
    url = f"/api/v1/initiatives/{initiative.id}/social-return"
    first = client.get(url)
    assert first.status_code == 200 and first.mimetype == "application/json"
    assert first.headers["Cache-Control"] == "public, max-age=60"
    assert client.get(url).json == first.json
    paid_gift(initiative, 40_00, date(2026, 1, 5))  # contribution_changed → figures → bump
    assert client.get(url).json["inputs"] != first.json["inputs"]


def test_answers_asked_with_a_token_are_not_cached(client, make_initiative, make_user):
    initiative = make_initiative()
    token = create_api_token(make_user(), "test")[1]
    url = f"/api/v1/initiatives/{initiative.id}/social-return"
    answer = client.get(url, headers={"Authorization": f"Bearer {token}"})
    assert answer.status_code == 200
    assert "public" not in answer.headers.get("Cache-Control", "")
