"""Initiatives are placed on the map from their postcode by PDOK Locatieserver (real HTTP to the
local fake); when the geocoder fails the place stays empty with a message and saving still works.
The map's search uses the same geocoder, with the shipped table only as offline fallback."""

import time
from decimal import Decimal

import pytest

from marketplace import geo
from marketplace.extensions import cache, db
from marketplace.initiatives.models import Initiative
from tests.initiatives.test_pages import form_data


def only_initiative() -> Initiative:
    return db.session.scalar(db.select(Initiative))


def test_geocode_asks_pdok_for_a_postcode_and_reads_its_centroid(app, pdok):
    pdok.add_postcode("2311AB", 52.1601, 4.4970, woonplaats="Leiden", provincie="Zuid-Holland")
    place = geo.geocode("2311 ab")
    assert place == geo.Place(
        name="2311 AB Leiden", province="Zuid-Holland", latitude=52.1601, longitude=4.497,
        postcode="2311 AB", municipality="Leiden", source="pdok",
    )  # fmt: skip
    asked = pdok.requests_for("GET", "/free$")[-1]
    assert asked.query["q"] == ["postcode:2311AB"] and asked.query["fq"] == ["type:postcode"]
    assert "centroide_ll" in asked.query["fl"][0]  # PDOK leaves it out unless asked
    assert geo.geocode("9999 ZZ") is None  # a postcode nobody has
    assert geo.geocode("Zwolle").name == "Zwolle"
    assert geo.geocode("Zwolle").latitude == 52.5168


def test_locate_falls_back_to_the_table_only_when_pdok_cannot_answer(app, pdok):
    pdok.add_postcode("3512XY", 52.30, 5.30)  # deliberately far from Utrecht's centroid
    assert geo.locate("3512 XY").source == "pdok"
    assert geo.locate("3512 XY").latitude == 52.30
    pdok.fail_next(status=503)
    with pytest.raises(geo.GeocoderUnavailable):
        geo.geocode("3512 XY")
    pdok.fail_next(status=500)
    offline = geo.locate("3512 XY")
    assert offline.source == "table" and offline.name == "Utrecht"
    assert geo.locate("0000 AA") is None  # PDOK answers: nothing there (no fallback then)


def test_a_slow_geocoder_is_given_up_on_within_its_timeout(app, pdok):
    app.config["GEOCODER_TIMEOUT"] = 0.5
    pdok.fail_next(delay_seconds=3)
    started = time.monotonic()
    place = geo.locate("Utrecht")
    assert time.monotonic() - started < 2
    assert place.source == "table"


def test_without_a_geocoder_url_only_the_table_is_used(app):
    assert app.config["GEOCODER_URL"] == ""
    with pytest.raises(geo.GeocoderUnavailable):
        geo.geocode("Utrecht")
    assert geo.locate("3511").name == "Utrecht"


def test_a_new_initiative_is_placed_from_its_postcode(client, login, make_user, pdok):
    pdok.add_postcode("2311AB", 52.1601, 4.4970, woonplaats="Leiden", provincie="Zuid-Holland")
    login(make_user())
    form = client.get("/initiatives/new").get_data(as_text=True)
    assert 'name="latitude"' not in form and 'name="longitude"' not in form
    # Typed coordinates are no longer read, whatever is posted.
    response = client.post("/initiatives/new", data=form_data(latitude="1", longitude="2"))
    assert response.status_code == 302
    initiative = only_initiative()
    assert (initiative.latitude, initiative.longitude) == (Decimal("52.160100"), Decimal("4.497"))
    assert initiative.province == "Zuid-Holland"  # filled in when left empty


def test_geocoder_down_saves_without_a_place_and_says_so(client, login, make_user, pdok):
    pdok.add_postcode("2311AB", 52.1601, 4.4970, woonplaats="Leiden")
    login(make_user())
    pdok.fail_next(status=503)
    response = client.post("/initiatives/new", data=form_data(), follow_redirects=True)
    assert response.status_code == 200
    initiative = only_initiative()
    assert initiative.name == "Buurtmoestuin West" and initiative.postcode == "2311 AB"
    assert initiative.latitude is None and initiative.longitude is None
    assert "2311 AB" in response.text and "flash-warning" in response.text
    edit = client.get(f"/initiatives/{initiative.slug}/edit").get_data(as_text=True)
    assert 'data-testid="not-on-map"' in edit

    # The next save, with the geocoder back, places it.
    again = client.post(f"/initiatives/{initiative.slug}/edit", data=form_data())
    assert again.status_code == 302
    db.session.refresh(initiative)
    assert initiative.latitude == Decimal("52.160100")


def test_unknown_postcode_saves_without_a_place(client, login, make_user, pdok):
    login(make_user())
    response = client.post("/initiatives/new", data=form_data(postcode="9999 ZZ"))
    assert response.status_code == 302
    assert only_initiative().latitude is None


def test_a_new_postcode_moves_the_initiative(client, login, make_user, pdok, make_initiative):
    owner = login(make_user())
    initiative = make_initiative(owner=owner, postcode="3511 AA", latitude=Decimal("52.0921"),
                                 longitude=Decimal("5.113"))  # fmt: skip
    pdok.add_postcode("8011AB", 52.5090, 6.0940, woonplaats="Zwolle")
    data = form_data(name=initiative.name, postcode="8011 AB", municipality="Zwolle")
    assert client.post(f"/initiatives/{initiative.slug}/edit", data=data).status_code == 302
    db.session.refresh(initiative)
    assert (initiative.latitude, initiative.longitude) == (Decimal("52.509"), Decimal("6.094"))
    # Another postcode while the geocoder is down: the old place is wrong, so it is cleared.
    pdok.fail_next(status=503)
    data["postcode"] = "9711 AA"
    assert client.post(f"/initiatives/{initiative.slug}/edit", data=data).status_code == 302
    db.session.refresh(initiative)
    assert initiative.latitude is None and initiative.postcode == "9711 AA"


def test_the_api_places_from_the_postcode_and_refuses_typed_coordinates(
    client, make_user, auth_headers, pdok
):
    headers = auth_headers(make_user())
    body = {"name": "Repair Café", "theme": "community", "municipality": "Utrecht",
            "postcode": "3511aa"}  # fmt: skip
    created = client.post("/api/v1/initiatives", json=body, headers=headers)
    assert created.status_code == 201
    assert created.get_json()["latitude"] == "52.092100"
    typed = client.post("/api/v1/initiatives", json={**body, "latitude": "1"}, headers=headers)
    assert typed.status_code == 422 and "latitude" in typed.get_json()["errors"]


def test_map_search_uses_the_geocoder_and_the_table_offline(client, make_initiative, pdok):
    make_initiative(name="Dichtbij", latitude="52.3000", longitude="5.3000")
    make_initiative(name="Centrum", latitude="52.0907", longitude="5.1214")
    pdok.add_postcode("3512XY", 52.30, 5.30)  # PDOK knows it is out of town
    page = client.get("/exchange/map?q=3512 XY&radius=5").get_data(as_text=True)
    assert "Dichtbij" in page and "Centrum" not in page
    assert 'data-testid="places-offline"' not in page

    pdok.fail_next(status=503)  # PDOK down: the town centre from the shipped table
    offline = client.get("/exchange/map?q=3512 XY&radius=5").get_data(as_text=True)
    assert "Centrum" in offline and "Dichtbij" not in offline
    assert 'data-testid="places-offline"' in offline


def test_an_offline_map_answer_is_not_kept_in_the_page_cache(app, client, make_initiative, pdok):
    cache.init_app(app, config={**app.config, "CACHE_TYPE": "SimpleCache"})
    cache.clear()
    try:
        make_initiative(name="Dichtbij", latitude="52.3000", longitude="5.3000")
        pdok.add_postcode("3512XY", 52.30, 5.30)
        pdok.fail_next(status=503)
        offline = client.get("/exchange/map?q=3512 XY&radius=5").get_data(as_text=True)
        assert 'data-testid="places-offline"' in offline and "Dichtbij" not in offline
        online = client.get("/exchange/map?q=3512 XY&radius=5").get_data(as_text=True)
        assert 'data-testid="places-offline"' not in online and "Dichtbij" in online
        asked = len(pdok.requests_for("GET", "/free$"))
        assert "Dichtbij" in client.get("/exchange/map?q=3512 XY&radius=5").get_data(as_text=True)
        assert len(pdok.requests_for("GET", "/free$")) == asked  # the good answer is cached
    finally:
        cache.clear()
        cache.init_app(app, config={**app.config, "CACHE_TYPE": "NullCache"})
