"""Following through the API and the buttons: subjects, duplicates, someone else's follow."""

import re

from marketplace.community import follows
from marketplace.community.models import SubjectType
from marketplace.organisations.services import create_organisation


def post_follow(client, headers, subject_type, subject_id, **extra):
    body = {"subject_type": subject_type, "subject_id": subject_id, **extra}
    return client.post("/api/v1/follows", json=body, headers=headers)


def test_follow_an_initiative_once_then_unfollow(client, make_user, make_initiative, auth_headers):
    user = make_user()
    headers = auth_headers(user)
    initiative = make_initiative()
    first = post_follow(client, headers, "initiative", initiative.id)
    assert first.status_code == 201
    body = first.get_json()
    assert body["subject_type"] == "initiative" and body["subject_id"] == initiative.id
    again = post_follow(client, headers, "initiative", initiative.id)
    assert again.status_code == 200 and again.get_json()["id"] == body["id"]
    mine = client.get("/api/v1/follows", headers=headers).get_json()
    assert [f["id"] for f in mine] == [body["id"]]
    assert follows.follower_count(SubjectType.INITIATIVE, initiative.id) == 1
    assert client.delete(f"/api/v1/follows/{body['id']}", headers=headers).status_code == 204
    assert client.get("/api/v1/follows", headers=headers).get_json() == []


def test_someone_elses_follow_is_not_found(client, make_user, make_initiative, auth_headers):
    owner, other = make_user(), make_user()
    follow = post_follow(client, auth_headers(owner), "initiative", make_initiative().id)
    follow_id = follow.get_json()["id"]
    response = client.delete(f"/api/v1/follows/{follow_id}", headers=auth_headers(other))
    assert response.status_code == 404
    assert client.delete("/api/v1/follows/99999999", headers=auth_headers(other)).status_code == 404
    assert len(client.get("/api/v1/follows", headers=auth_headers(owner)).get_json()) == 1


def test_unknown_and_draft_initiatives_are_not_found(
    client, make_user, make_initiative, auth_headers
):
    headers = auth_headers(make_user())
    draft = make_initiative(status="draft")
    assert post_follow(client, headers, "initiative", draft.id).status_code == 404
    assert post_follow(client, headers, "initiative", 99999999).status_code == 404
    assert post_follow(client, headers, "initiative", "abc").status_code == 404


def test_themes_and_municipalities_by_their_codes(client, make_user, make_initiative, auth_headers):
    headers = auth_headers(make_user())
    make_initiative(municipality="Zwolle")
    theme = post_follow(client, headers, "theme", "energy")
    assert theme.status_code == 201 and theme.get_json()["subject_id"] == "energy"
    place = post_follow(client, headers, "municipality", "zwolle")
    assert place.status_code == 201 and place.get_json()["subject_id"] == "Zwolle"
    assert post_follow(client, headers, "theme", "astrology").status_code == 422
    assert post_follow(client, headers, "municipality", "Nergenshuizen").status_code == 422
    assert post_follow(client, headers, "planet", "mars").status_code == 422
    assert client.post("/api/v1/follows", json={}, headers=headers).status_code == 422


def test_a_person_only_with_a_public_profile(client, make_user, public_person, auth_headers):
    headers = auth_headers(make_user())
    private = make_user()
    assert post_follow(client, headers, "person", private.id).status_code == 404
    anna = public_person("anna")
    response = post_follow(client, headers, "person", anna.id)
    assert response.status_code == 201 and response.get_json()["subject_id"] == anna.id
    assert post_follow(client, auth_headers(anna), "person", anna.id).status_code == 422


def test_an_organisation_follows_through_its_member(
    client, make_user, make_initiative, auth_headers
):
    staff, outsider = make_user(), make_user()
    org = create_organisation(staff, "Fonds Noord", "foundation")
    initiative = make_initiative()
    response = post_follow(
        client, auth_headers(staff), "initiative", initiative.id, organisation_id=org.id
    )
    assert response.status_code == 201 and response.get_json()["organisation_id"] == org.id
    assert [r.id for r in follows.initiatives_followed(org)] == [initiative.id]
    assert follows.initiatives_followed(staff) == []
    foreign = post_follow(
        client, auth_headers(outsider), "initiative", initiative.id, organisation_id=org.id
    )
    assert foreign.status_code == 404
    # the member may stop the organisation's follow; the outsider may not
    follow_id = response.get_json()["id"]
    assert (
        client.delete(f"/api/v1/follows/{follow_id}", headers=auth_headers(outsider)).status_code
        == 404
    )
    assert (
        client.delete(f"/api/v1/follows/{follow_id}", headers=auth_headers(staff)).status_code
        == 204
    )


def test_an_organisation_can_be_followed_and_has_a_public_page(
    client, make_user, login, auth_headers
):
    org = create_organisation(make_user(), "Fonds Zuid", "foundation")
    page = client.get(f"/organisations/{org.id}/profile")
    assert page.status_code == 200 and "Fonds Zuid" in page.get_data(as_text=True)
    assert 'data-testid="follower-count"' in page.get_data(as_text=True)
    fan = make_user()
    assert post_follow(client, auth_headers(fan), "organisation", org.id).status_code == 201
    login(fan)
    page = client.get(f"/organisations/{org.id}/profile").get_data(as_text=True)
    assert re.search(r'data-testid="follower-count">1 ', page)
    assert 'name="action" value="unfollow"' in page
    assert client.get("/organisations/99999999/profile").status_code == 404


def test_the_follow_button_on_the_initiative_page(client, make_user, make_initiative, login):
    login(make_user())
    initiative = make_initiative()
    page = client.get(f"/initiatives/{initiative.slug}").get_data(as_text=True)
    assert 'data-testid="follow"' in page
    form = {"subject_type": "initiative", "subject_id": initiative.id, "next": "/feed"}
    assert client.post("/follow", data=form).status_code == 302
    assert follows.follower_count(SubjectType.INITIATIVE, initiative.id) == 1
    client.post("/follow", data={**form, "action": "unfollow"})
    assert follows.follower_count(SubjectType.INITIATIVE, initiative.id) == 0


def test_the_api_needs_a_token(client):
    assert client.get("/api/v1/follows").status_code == 401
    assert client.post("/api/v1/follows", json={}).status_code in (401, 422)


def test_a_filtered_initiative_list_follows_its_theme(client, make_user, make_initiative, login):
    user = login(make_user())
    make_initiative(municipality="Zwolle")
    page = client.get("/initiatives?theme=energy&municipality=Zwolle").get_data(as_text=True)
    assert 'data-testid="follow-theme"' in page and 'data-testid="follow-municipality"' in page
    form = {"subject_type": "theme", "subject_id": "energy", "next": "/initiatives?theme=energy"}
    assert client.post("/follow", data=form).status_code == 302
    assert [f.subject_key for f in follows.follows_of(user)] == ["energy"]
