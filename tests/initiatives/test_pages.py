import io

from PIL import Image

from marketplace.extensions import db
from marketplace.initiatives.models import Initiative, InitiativeStatus


def form_data(**overrides):
    data = {
        "name": "Buurtmoestuin West",
        "theme": "community",
        "summary": "Samen tuinieren.",
        "description": "Wij **tuinieren** <script>alert('x')</script>",
        "municipality": "Leiden",
        "postcode": "2311 AB",
        "funding_goal": "1234.56",
        "legal_name": "Stichting Buurtmoestuin West",
        "rsin": "",
    }
    data.update(overrides)
    return data


def png_bytes() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (4, 4), "green").save(buffer, format="PNG")
    return buffer.getvalue()


def test_create_requires_login(client):
    response = client.get("/initiatives/new")
    assert response.status_code == 302
    assert "/account/login" in response.headers["Location"]


def test_owner_creates_draft_then_publishes(client, login, make_user):
    owner = login(make_user())
    response = client.post("/initiatives/new", data=form_data())
    assert response.status_code == 302
    initiative = db.session.scalar(db.select(Initiative))
    assert initiative.status == InitiativeStatus.DRAFT
    assert initiative.owners == [owner]
    assert initiative.funding_goal_cents == 123456
    assert "Buurtmoestuin West" not in client.get("/initiatives").text

    page = client.get(f"/initiatives/{initiative.slug}").text
    assert "<strong>tuinieren</strong>" in page
    assert "<script>alert" not in page
    assert "€\xa01.234,56" in page

    client.post(f"/initiatives/{initiative.slug}/publish")
    assert initiative.status == InitiativeStatus.PUBLISHED
    assert "Buurtmoestuin West" in client.get("/initiatives").text


def test_form_errors_are_shown_and_nothing_saved(client, login, make_user):
    login(make_user())
    response = client.post("/initiatives/new", data=form_data(postcode="12", funding_goal="1.2345"))
    assert response.status_code == 422
    assert "Nederlandse postcode" in response.text
    assert db.session.scalar(db.select(db.func.count()).select_from(Initiative)) == 0


def test_drafts_are_hidden_from_others(client, login, make_user, make_initiative):
    draft = make_initiative(status=InitiativeStatus.DRAFT)
    assert client.get(f"/initiatives/{draft.slug}").status_code == 404
    login(make_user())
    assert client.get(f"/initiatives/{draft.slug}").status_code == 404
    assert client.get(f"/initiatives/{draft.slug}/edit").status_code == 404


def test_only_owners_edit(client, login, make_user, make_initiative):
    initiative = make_initiative()
    login(make_user())
    assert client.get(f"/initiatives/{initiative.slug}/edit").status_code == 403
    response = client.post(f"/initiatives/{initiative.slug}/unpublish")
    assert response.status_code == 403
    assert initiative.status == InitiativeStatus.PUBLISHED


def test_co_owner_can_edit(client, login, make_user, make_initiative):
    owner = make_user()
    co_owner = make_user(email="co@example.org")
    initiative = make_initiative(owner=owner)
    login(owner)
    response = client.post(f"/initiatives/{initiative.slug}/owners", data={"email": co_owner.email})
    assert response.status_code == 302
    assert co_owner in initiative.owners
    unknown = client.post(
        f"/initiatives/{initiative.slug}/owners", data={"email": "nobody@example.org"}
    )
    assert unknown.status_code == 422


def test_photo_upload_checked_by_content(client, login, make_user, make_initiative):
    owner = make_user()
    initiative = make_initiative(owner=owner)
    login(owner)
    fake = (io.BytesIO(b"<?php echo 1; ?>"), "photo.png")
    response = client.post(
        f"/initiatives/{initiative.slug}/edit",
        data={**form_data(name=initiative.name), "photo": fake},
        content_type="multipart/form-data",
    )
    assert response.status_code == 422
    assert initiative.photo_filename is None
    real = (io.BytesIO(png_bytes()), "anything.jpg")
    response = client.post(
        f"/initiatives/{initiative.slug}/edit",
        data={**form_data(name=initiative.name), "photo": real},
        content_type="multipart/form-data",
    )
    assert response.status_code == 302
    photo = client.get(f"/initiatives/{initiative.slug}/photo")
    assert photo.status_code == 200
    assert photo.headers["Content-Type"] == "image/png"


def test_photo_over_5_mb_is_refused(client, login, make_user, make_initiative):
    owner = make_user()
    initiative = make_initiative(owner=owner)
    login(owner)
    big = (io.BytesIO(png_bytes() + b"\0" * (5 * 1024 * 1024)), "big.png")
    response = client.post(
        f"/initiatives/{initiative.slug}/edit",
        data={**form_data(name=initiative.name), "photo": big},
        content_type="multipart/form-data",
    )
    assert response.status_code == 422
    assert "5 MB" in response.text


def test_list_filters_and_pagination(client, make_initiative):
    for n in range(14):
        make_initiative(name=f"Sportclub {n}", theme="sport", municipality="Breda")
    make_initiative(name="Zonnedak", theme="energy", municipality="Groningen")
    first = client.get("/initiatives?theme=sport").text
    assert first.count('data-testid="initiative-card"') == 12
    second = client.get("/initiatives?theme=sport&page=2").text
    assert second.count('data-testid="initiative-card"') == 2
    assert "Zonnedak" in client.get("/initiatives?municipality=Groningen").text
    assert "Zonnedak" not in client.get("/initiatives?q=sportclub").text
