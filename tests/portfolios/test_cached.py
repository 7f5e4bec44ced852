"""A portfolio's answers are kept while nothing they show changes, and fresh again as soon as
something does: a gift to a held initiative, a new holding, a renamed initiative, new peer
groups, a follow, a monthly gift started. Never another funder's."""

from datetime import date

import pytest

from marketplace.community.follows import follow
from marketplace.donations.models import RecurringGift, RecurringStatus
from marketplace.exchange import quotes
from marketplace.extensions import db
from marketplace.initiatives.models import Theme
from marketplace.initiatives.services import update_initiative
from marketplace.portfolios import build
from tests.queries import count_queries


@pytest.fixture(autouse=True)
def page_cache(in_process_cache):
    return in_process_cache


@pytest.fixture
def holder(make_user, make_org, make_initiative, give, declare_input, accept_value):
    staff = make_user(name="Fatima")
    org = make_org(owner=staff)
    zorg = make_initiative(name="Zorg Oost", theme=Theme.CARE)
    give(staff, zorg, 300_00, date(2024, 1, 10), organisation=org)
    declare_input(zorg, 700_00, date(2024, 1, 5))
    accept_value(zorg, "2000.00", date(2024, 1, 1), date(2024, 3, 31))
    return {"staff": staff, "org": org, "zorg": zorg}


@pytest.fixture
def read(client, auth_headers, holder):
    headers = auth_headers(holder["staff"])
    url = f"/api/v1/organisations/{holder['org'].id}/portfolio?from=2024-01&to=2024-06"

    def do() -> dict:
        response = client.get(url, headers=headers)
        assert response.status_code == 200, response.json
        return response.json

    do.url, do.headers = url, headers
    return do


def builds(monkeypatch) -> list:
    """Count the portfolio builds behind the answers."""
    calls = []
    real = build.build_portfolio

    def counting(*args, **kwargs):
        calls.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(build, "build_portfolio", counting)
    return calls


def test_the_same_answer_is_built_once(client, read, monkeypatch):
    calls = builds(monkeypatch)
    first = read()
    assert read() == first
    assert len(calls) == 1
    # the token, the membership, held keys, versions, live facts: never the series
    assert count_queries(client, read.url, headers=read.headers) <= 8


def test_a_gift_to_a_held_initiative_shows_at_once(read, holder, give):
    assert read()["totals"]["given"] == "300.00"
    give(holder["staff"], holder["zorg"], 100_00, date(2024, 2, 10), organisation=holder["org"])
    assert read()["totals"]["given"] == "400.00"


def test_a_new_holding_shows_at_once(read, holder, give, make_initiative):
    read()
    zon = make_initiative(name="Zon West", theme=Theme.ENERGY)
    give(holder["staff"], zon, 50_00, date(2024, 3, 10), organisation=holder["org"])
    assert {h["initiative_name"] for h in read()["holdings"]} == {"Zorg Oost", "Zon West"}


def test_a_renamed_initiative_shows_at_once(read, holder):
    read()
    update_initiative(holder["zorg"], holder["zorg"].owners[0], {"name": "Zorg Oost-Noord"})
    assert read()["holdings"][0]["initiative_name"] == "Zorg Oost-Noord"


def test_new_peer_groups_show_at_once(read, holder, make_initiative, give, accept_value):
    assert read()["holdings"][0]["comparison"] is None
    for n in range(3):
        peer = make_initiative(name=f"Zorg {n}", theme=Theme.CARE)
        give(holder["staff"], peer, 300_00, date(2024, 1, 10))
        accept_value(peer, f"{1000 + 500 * n}.00", date(2024, 1, 1), date(2024, 3, 31))
    quotes.refresh_all()  # the exchange job: new peer groups, exchange_refreshed
    assert read()["holdings"][0]["comparison"] is not None


def test_follows_and_monthly_gifts_are_read_anew(read, holder, make_initiative):
    assert read()["watchlist"] == [] and not read()["holdings"][0]["monthly_running"]
    watched = make_initiative(name="Buurtkracht")
    follow(holder["staff"], "initiative", watched.id, holder["org"].id)
    assert [w["name"] for w in read()["watchlist"]] == ["Buurtkracht"]
    db.session.add(
        RecurringGift(
            user_id=holder["staff"].id,
            organisation_id=holder["org"].id,
            initiative_id=holder["zorg"].id,
            amount_cents=10_00,
            provider="simulator",
            status=RecurringStatus.ACTIVE,
        )
    )
    db.session.commit()
    assert read()["holdings"][0]["monthly_running"] is True


def test_two_funders_with_the_same_holdings_each_get_their_own(
    client, auth_headers, holder, make_user, make_org, give
):
    other_staff = make_user(name="Joost")
    other = make_org(owner=other_staff, name="Stichting Ander Fonds")
    give(other_staff, holder["zorg"], 300_00, date(2024, 1, 10), organisation=other)
    names = set()
    for staff, org in ((holder["staff"], holder["org"]), (other_staff, other)):
        url = f"/api/v1/organisations/{org.id}/portfolio?from=2024-01&to=2024-06"
        names.add(client.get(url, headers=auth_headers(staff)).json["funder"]["name"])
    assert names == {holder["org"].name, "Stichting Ander Fonds"}
    stranger = auth_headers(other_staff)
    url = f"/api/v1/organisations/{holder['org'].id}/portfolio?from=2024-01&to=2024-06"
    assert client.get(url, headers=stranger).status_code == 404


def test_the_page_keeps_its_figures_per_language_and_shows_follows_live(
    client, login, holder, make_initiative
):
    login(holder["staff"])
    url = f"/organisations/{holder['org'].id}/portfolio?from=2024-01&to=2024-06"
    dutch = client.get(url, headers={"Accept-Language": "nl"}).text
    assert "Zorg Oost" in dutch and "Toegerekende maatschappelijke waarde" in dutch
    english = client.get(url + "&lang=en", headers={"Accept-Language": "en"}).text
    assert "Attributed social value" in english
    watched = make_initiative(name="Buurtkracht")
    follow(holder["staff"], "initiative", watched.id, holder["org"].id)
    page = client.get(url, headers={"Accept-Language": "nl"}).text
    assert "Buurtkracht" in page and 'name="csrf_token"' in page
