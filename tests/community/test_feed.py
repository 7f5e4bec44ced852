"""The feed's scope: followed initiatives, themes, municipalities, people, organisations, and the
initiatives within the chosen radius; registered sources merged newest first."""

from datetime import timedelta
from decimal import Decimal

from sqlalchemy import select

from marketplace.community import preferences, updates
from marketplace.community.feed import feed_page, scope_for
from marketplace.community.follows import follow
from marketplace.community.registry import FeedItem
from marketplace.extensions import db
from marketplace.initiatives.models import Theme
from marketplace.timeutil import utcnow


def titles(user) -> list[str]:
    return [item.title for item in feed_page(user).items]


def post(initiative, title):
    return updates.post_update(initiative, initiative.owners[0], {"title": title})


def test_followed_themes_and_municipalities_bring_their_initiatives(make_user, make_initiative):
    reader = make_user()
    energy = make_initiative(theme=Theme.ENERGY, municipality="Delft")
    zwolle = make_initiative(theme=Theme.CARE, municipality="Zwolle")
    other = make_initiative(theme=Theme.CARE, municipality="Delft")
    post(energy, "Zonnepanelen")
    post(zwolle, "Zorg in Zwolle")
    post(other, "Niet voor jou")
    assert titles(reader) == []
    follow(reader, "theme", "energy")
    follow(reader, "municipality", "Zwolle")
    assert sorted(titles(reader)) == ["Zonnepanelen", "Zorg in Zwolle"]


def test_the_radius_around_a_postcode(make_user, make_initiative):
    reader = make_user()
    near = make_initiative(latitude=Decimal("52.0907"), longitude=Decimal("5.1214"))
    far = make_initiative(latitude=Decimal("53.2194"), longitude=Decimal("6.5665"))
    post(near, "Dichtbij")
    post(far, "Ver weg")
    settings = preferences.settings_of(reader)
    settings.latitude, settings.longitude, settings.radius_km = (
        Decimal("52.0800"),
        Decimal("5.1300"),
        5,
    )
    db.session.add(settings)
    db.session.commit()
    assert titles(reader) == ["Dichtbij"]
    settings.radius_km = 200
    db.session.commit()
    assert sorted(titles(reader)) == ["Dichtbij", "Ver weg"]


def test_feed_settings_place_the_postcode(client, make_user, login, pdok):
    user = login(make_user())
    form = {"postcode": "3511 AB", "radius_km": "10", "digest": "weekly"}
    assert client.post("/feed/settings", data=form).status_code == 302
    saved = preferences.settings_of(user)
    assert saved.latitude is not None and saved.radius_km == 10 and saved.digest == "weekly"
    bad = client.post("/feed/settings", data={**form, "radius_km": "7"})
    assert bad.status_code == 422
    assert client.post("/feed/settings", data={**form, "postcode": "xx"}).status_code == 422


def test_people_and_organisations_reach_the_registered_sources(
    app, make_user, make_initiative, public_person, monkeypatch
):
    reader = make_user()
    anna = public_person("anna-feed")
    follow(reader, "person", anna.id)
    seen = {}

    def events(scope):
        seen["people"] = list(db.session.scalars(scope.person_ids))
        seen["organisations"] = list(db.session.scalars(scope.organisation_ids))
        when = utcnow() - timedelta(minutes=5)
        return [FeedItem("event", 1, "Buurtcafé", "/events/1", when, "<p>Kom</p>")]

    monkeypatch.setitem(app.extensions, "community_feed_sources", (events,))
    initiative = make_initiative()
    follow(reader, "initiative", initiative.id)
    post(initiative, "Nieuwer")
    assert [(i.kind, i.title) for i in feed_page(reader).items] == [
        ("update", "Nieuwer"),
        ("event", "Buurtcafé"),
    ]
    assert seen == {"people": [anna.id], "organisations": []}


def test_the_scope_is_a_select_not_a_list(make_user):
    scope = scope_for(make_user())
    assert hasattr(scope.initiative_ids, "subquery") and scope.before is None
    assert list(db.session.scalars(select(scope.initiative_ids.subquery()))) == []


def test_the_feed_page_and_api_need_a_log_in(client):
    assert client.get("/feed").status_code == 302
    assert client.get("/api/v1/feed").status_code == 401


def test_the_feed_api_pages(client, make_user, make_initiative, auth_headers):
    reader = make_user()
    initiative = make_initiative()
    follow(reader, "initiative", initiative.id)
    for n in range(3):
        post(initiative, f"Bericht {n}")
    headers = auth_headers(reader)
    first = client.get("/api/v1/feed?limit=2", headers=headers).get_json()
    assert [i["title"] for i in first["items"]] == ["Bericht 2", "Bericht 1"]
    second = client.get(
        "/api/v1/feed", query_string={"limit": 2, "before": first["next_before"]}, headers=headers
    ).get_json()
    assert [i["title"] for i in second["items"]] == ["Bericht 0"] and second["next_before"] is None
    assert client.get("/api/v1/feed?before=gisteren", headers=headers).status_code == 422


def test_a_followed_person_brings_the_updates_they_write(make_user, make_initiative, public_person):
    reader = make_user()
    writer = public_person("schrijver")
    initiative = make_initiative(owner=writer)
    updates.post_update(initiative, writer, {"title": "Van de schrijver"})
    assert titles(reader) == []
    follow(reader, "person", writer.id)
    assert titles(reader) == ["Van de schrijver"]
