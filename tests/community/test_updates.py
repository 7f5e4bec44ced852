"""Updates: owners post (API and form, photos checked by content), the page, the Atom feed; no
script survives anywhere an update shows."""

import io

from marketplace.community import updates
from marketplace.community.feed import feed_page
from marketplace.community.follows import follow

SCRIPT = "Hallo <script>alert('x')</script> **buren** <img src=x onerror=alert(1)>"


def post_update(client, headers, initiative_id, **body):
    body = {"title": "Nieuws", "body": "Wij zijn begonnen.", **body}
    return client.post(f"/api/v1/initiatives/{initiative_id}/updates", json=body, headers=headers)


def test_owners_post_and_everybody_reads(client, make_user, make_initiative, auth_headers):
    owner = make_user()
    initiative = make_initiative(owner=owner)
    response = post_update(client, auth_headers(owner), initiative.id, body="Eerste **steen**")
    assert response.status_code == 201
    created = response.get_json()
    assert created["title"] == "Nieuws" and "<strong>steen</strong>" in created["body_html"]
    listed = client.get(f"/api/v1/initiatives/{initiative.id}/updates").get_json()
    assert [u["id"] for u in listed] == [created["id"]]
    page = client.get(f"/initiatives/{initiative.slug}").get_data(as_text=True)
    assert f'id="update-{created["id"]}"' in page and "<strong>steen</strong>" in page


def test_only_owners_post_and_only_on_published_initiatives(
    client, make_user, make_initiative, auth_headers
):
    owner, stranger = make_user(), make_user()
    initiative = make_initiative(owner=owner)
    draft = make_initiative(owner=owner, status="draft")
    assert post_update(client, auth_headers(stranger), initiative.id).status_code == 403
    assert post_update(client, auth_headers(owner), draft.id).status_code == 404
    assert post_update(client, auth_headers(owner), 99999999).status_code == 404
    assert client.get(f"/api/v1/initiatives/{draft.id}/updates").status_code == 404
    assert post_update(client, auth_headers(owner), initiative.id, title="").status_code == 422
    assert post_update(client, {}, initiative.id).status_code == 401
    assert updates.updates_of(initiative.id) == []


def test_a_link_only_to_an_accepted_report_of_the_initiative(
    client, make_user, make_initiative, auth_headers
):
    owner = make_user()
    initiative = make_initiative(owner=owner)
    refused = post_update(client, auth_headers(owner), initiative.id, outcome_report_id=12345)
    assert refused.status_code == 422
    with_event = post_update(client, auth_headers(owner), initiative.id, event_id=7)
    assert with_event.status_code == 201 and with_event.get_json()["event_id"] == 7


def test_script_is_sanitised_on_page_feed_and_atom(
    client, make_user, make_initiative, auth_headers, login
):
    owner, reader = make_user(), make_user()
    initiative = make_initiative(owner=owner)
    posted = post_update(
        client, auth_headers(owner), initiative.id, title=f"Nieuws {SCRIPT}", body=SCRIPT
    )
    assert posted.status_code == 201
    follow(reader, "initiative", initiative.id)
    page = client.get(f"/initiatives/{initiative.slug}").get_data(as_text=True)
    atom = client.get(f"/initiatives/{initiative.slug}/updates.atom")
    api = client.get(f"/api/v1/initiatives/{initiative.id}/updates").get_json()
    feed_json = client.get("/api/v1/feed", headers=auth_headers(reader)).get_json()
    login(reader)
    feed_html = client.get("/feed").get_data(as_text=True)
    assert atom.status_code == 200 and atom.mimetype == "application/atom+xml"
    for text in (page, atom.get_data(as_text=True), feed_html):
        assert "<script>" not in text and "onerror" not in text and "alert(" not in text
    for html in (feed_json["items"][0]["summary_html"], api[0]["body_html"]):
        assert "<script" not in html and "alert(" not in html and "<strong>buren</strong>" in html
    assert "&lt;strong&gt;buren&lt;/strong&gt;" in atom.get_data(as_text=True)
    for answer in (posted.get_data(as_text=True), str(api), str(feed_json)):  # title and source
        assert "<script" not in answer and "onerror" not in answer and "alert(" not in answer


def test_the_initiative_page_links_its_atom_feed(client, make_initiative):
    initiative = make_initiative()
    page = client.get(f"/initiatives/{initiative.slug}").get_data(as_text=True)
    assert 'rel="alternate" type="application/atom+xml"' in page
    assert f"/initiatives/{initiative.slug}/updates.atom" in page
    draft = make_initiative(status="draft")
    assert client.get(f"/initiatives/{draft.slug}/updates.atom").status_code == 404


def test_the_form_takes_up_to_four_photos_checked_by_content(
    client, make_user, make_initiative, login, png
):
    owner = login(make_user())
    initiative = make_initiative(owner=owner)
    url = f"/initiatives/{initiative.slug}/updates/new"
    assert client.get(url).status_code == 200
    fake = {"title": "Foto", "photos": [(io.BytesIO(b"<?php echo 1;"), "x.png")]}
    assert client.post(url, data=fake, content_type="multipart/form-data").status_code == 422
    five = [(io.BytesIO(png()), f"{n}.png") for n in range(5)]
    too_many = {"title": "Foto", "photos": five}
    assert client.post(url, data=too_many, content_type="multipart/form-data").status_code == 422
    assert updates.updates_of(initiative.id) == []
    two = {"title": "Foto", "body": "Kijk", "photos": [(io.BytesIO(png()), "a.png")] * 1}
    assert client.post(url, data=two, content_type="multipart/form-data").status_code == 302
    (posted,) = updates.updates_of(initiative.id)
    assert [p.content_type for p in posted.photos] == ["image/png"]
    photo = client.get(f"/updates/{posted.id}/photos/1")
    assert photo.status_code == 200 and photo.mimetype == "image/png"
    assert client.get(f"/updates/{posted.id}/photos/2").status_code == 404


def test_strangers_get_no_form(client, make_user, make_initiative, login):
    initiative = make_initiative()
    login(make_user())
    assert client.get(f"/initiatives/{initiative.slug}/updates/new").status_code == 403


def test_feed_pages_with_a_cursor(make_user, make_initiative):
    owner, reader = make_user(), make_user()
    initiative = make_initiative(owner=owner)
    for n in range(5):
        updates.post_update(initiative, owner, {"title": f"Bericht {n}"})
    follow(reader, "initiative", initiative.id)
    first = feed_page(reader, limit=3)
    assert [i.title for i in first.items] == ["Bericht 4", "Bericht 3", "Bericht 2"]
    second = feed_page(reader, first.next_before, limit=3)
    assert [i.title for i in second.items] == ["Bericht 1", "Bericht 0"]
    assert second.next_before is None
