"""Public profiles: opt-in, each part private unless shown, avatars checked by content."""

import io

from flask import render_template_string

from marketplace.community.follows import follow
from marketplace.community.profiles import save_profile
from marketplace.community.registry import ProfileSection


def test_a_private_profile_is_404_to_others_but_visible_to_its_person(client, make_user, login):
    user = make_user(name="Piet Privé")
    save_profile(user, {"handle": "piet", "public": False})
    assert client.get("/people/piet").status_code == 404
    login(user)
    page = client.get("/people/piet")
    assert page.status_code == 200 and "Piet Privé" in page.get_data(as_text=True)
    assert client.get("/people/niemand").status_code == 404


def test_the_settings_page_saves_handle_bio_and_choices(client, make_user, login, png):
    user = login(make_user(name="Anna Actief"))
    assert client.get("/account/public-profile").status_code == 200
    form = {
        "handle": "Anna-A",
        "public": "y",
        "municipality": "Utrecht",
        "bio": "Ik help <script>alert(1)</script> graag **mee**.",
        "shown_sections": ["follows"],
        "avatar": (io.BytesIO(png()), "me.png"),
    }
    response = client.post("/account/public-profile", data=form, content_type="multipart/form-data")
    assert response.status_code == 302 and response.headers["Location"].endswith("/people/anna-a")
    client.post("/account/logout")
    page = client.get("/people/anna-a").get_data(as_text=True)
    assert "Anna Actief" in page and "<strong>mee</strong>" in page and "alert(" not in page
    avatar = client.get("/people/anna-a/avatar")
    assert avatar.status_code == 200 and avatar.mimetype == "image/png"
    assert user.id


def test_handles_are_unique_and_checked(client, make_user, login, public_person):
    public_person("bezet")
    login(make_user())
    taken = client.post("/account/public-profile", data={"handle": "bezet"})
    assert taken.status_code == 422
    assert client.post("/account/public-profile", data={"handle": "a b"}).status_code == 422


def test_an_avatar_must_be_an_image(client, make_user, login):
    login(make_user())
    form = {"handle": "nepfoto", "avatar": (io.BytesIO(b"GIF89a not really"), "x.png")}
    response = client.post("/account/public-profile", data=form, content_type="multipart/form-data")
    assert response.status_code == 422


def test_what_someone_follows_shows_only_when_they_choose(
    client, make_user, make_initiative, public_person
):
    initiative = make_initiative(name="Buurttuin Oost")
    shy = public_person("verlegen", shown=())
    open_ = public_person("open", shown=("follows",))
    follow(shy, "initiative", initiative.id)
    follow(open_, "initiative", initiative.id)
    assert "Buurttuin Oost" not in client.get("/people/verlegen").get_data(as_text=True)
    assert "Buurttuin Oost" in client.get("/people/open").get_data(as_text=True)


def test_registered_sections_in_order_only_when_shown(app, client, public_person, monkeypatch):
    def section(key, text):
        return ProfileSection(
            key, lambda: key.title(), "community/test_section.html", lambda _id: {"t": text}
        )

    monkeypatch.setattr(app.jinja_loader, "get_source", _with_test_template(app.jinja_loader))
    monkeypatch.setitem(
        app.extensions,
        "community_profile_sections",
        (section("hours", "12 uur"), section("reviews", "3 reviews")),
    )
    public_person("secties", shown=("reviews", "hours"))
    public_person("weinig", shown=("reviews",))
    page = client.get("/people/secties").get_data(as_text=True)
    assert page.index("12 uur") < page.index("3 reviews")
    page = client.get("/people/weinig").get_data(as_text=True)
    assert "12 uur" not in page and "3 reviews" in page
    assert render_template_string("ok") == "ok"


def _with_test_template(loader):
    original = loader.get_source

    def get_source(environment, name):
        if name == "community/test_section.html":
            return "<p>{{ context.t }} van {{ person.name }}</p>", None, lambda: True
        return original(environment, name)

    return get_source
