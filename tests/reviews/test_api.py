"""Ratings: one per person per subject, the rules of who may rate what, verified participants,
replies, reports and hiding."""

from sqlalchemy import select

from marketplace.events import rsvps
from marketplace.extensions import db
from marketplace.reviews.models import ActionKind, ReviewAction
from marketplace.volunteering import hours, signups, tasks


def rate(client, headers, subject_type, subject_id, stars=4, text="Goed georganiseerd."):
    return client.post(
        "/api/v1/ratings",
        json={"subject_type": subject_type, "subject_id": subject_id, "stars": stars, "text": text},
        headers=headers,
    )


def test_second_rating_edits_the_first(client, auth_headers, make_user, initiative):
    headers = auth_headers(make_user())
    first = rate(client, headers, "initiative", initiative.id, stars=2)
    assert first.status_code == 201 and first.json["verified"] is False
    second = rate(client, headers, "initiative", initiative.id, stars=5, text="Beter nu")
    assert second.status_code == 200 and second.json["id"] == first.json["id"]
    listed = client.get(f"/api/v1/ratings?subject_type=initiative&subject_id={initiative.id}")
    assert [(r["stars"], r["text"]) for r in listed.json["items"]] == [(5, "Beter nu")]


def test_bad_ratings(client, auth_headers, make_user, owner, initiative, future_event):
    headers = auth_headers(make_user())
    for stars in (0, 6, -1):
        assert rate(client, headers, "initiative", initiative.id, stars=stars).status_code == 422
    assert rate(client, headers, "person", initiative.id).status_code == 422
    assert rate(client, headers, "initiative", 999999).status_code == 404
    assert rate(client, headers, "event", 999999).status_code == 404
    assert rate(client, auth_headers(owner), "initiative", initiative.id).status_code == 403
    assert rate(client, auth_headers(owner), "event", future_event.id).status_code == 403
    assert rate(client, headers, "event", future_event.id).status_code == 422
    assert rate(client, {}, "initiative", initiative.id).status_code == 401


def test_script_is_removed(client, auth_headers, make_user, initiative):
    text = "<script>alert(1)</script>Mooi <b>werk</b> &lt;script&gt;x&lt;/script&gt;"
    response = rate(client, auth_headers(make_user()), "initiative", initiative.id, text=text)
    assert response.json["text"] == "Mooi werk"
    page = client.get(f"/initiatives/{initiative.slug}")
    assert "<script>alert" not in page.get_data(as_text=True)


def test_checked_in_reviewers_are_verified(
    client, auth_headers, make_user, owner, initiative, past_event
):
    guest, other = make_user(), make_user()
    rsvp, _new = rsvps.rsvp_to_event(guest, past_event.id)
    rsvps.check_in(owner, rsvp.id)
    rsvps.rsvp_to_event(other, past_event.id)
    on_event = rate(client, auth_headers(guest), "event", past_event.id, stars=5)
    assert on_event.status_code == 201 and on_event.json["verified"] is True
    on_initiative = rate(client, auth_headers(guest), "initiative", initiative.id, stars=4)
    assert on_initiative.json["verified"] is True
    unverified = rate(client, auth_headers(other), "initiative", initiative.id, stars=1)
    assert unverified.json["verified"] is False
    summary = client.get(
        f"/api/v1/ratings/summary?subject_type=initiative&subject_id={initiative.id}"
    )
    assert summary.json["count"] == 2 and summary.json["average"] == "2.5"
    assert summary.json["verified_count"] == 1 and summary.json["verified_average"] == "4.0"
    assert summary.json["distribution"] == {"1": 1, "2": 0, "3": 0, "4": 1, "5": 0}


def test_owner_replies_once(client, auth_headers, make_user, owner, initiative):
    review = rate(client, auth_headers(make_user()), "initiative", initiative.id).json
    url = f"/api/v1/ratings/{review['id']}/reply"
    stranger = client.post(url, json={"text": "Ik ook"}, headers=auth_headers(make_user()))
    assert stranger.status_code == 403
    replied = client.post(url, json={"text": "Dank je!"}, headers=auth_headers(owner))
    assert replied.status_code == 200 and replied.json["reply"] == "Dank je!"
    again = client.post(url, json={"text": "Nogmaals"}, headers=auth_headers(owner))
    assert again.status_code == 422


def test_report_and_hide(client, auth_headers, make_user, admin, initiative, login):
    review = rate(client, auth_headers(make_user()), "initiative", initiative.id, stars=1).json
    reporter = make_user()
    reported = client.post(
        f"/api/v1/ratings/{review['id']}/report",
        json={"reason": "Beledigend"},
        headers=auth_headers(reporter),
    )
    assert reported.status_code == 200
    hide = f"/api/v1/ratings/{review['id']}/hide"
    assert (
        client.post(hide, json={"reason": "x"}, headers=auth_headers(reporter)).status_code == 403
    )
    assert client.post(hide, json={"reason": ""}, headers=auth_headers(admin)).status_code == 422
    assert (
        client.post(hide, json={"reason": "Scheldwoorden"}, headers=auth_headers(admin)).status_code
        == 204
    )
    listed = client.get(f"/api/v1/ratings?subject_type=initiative&subject_id={initiative.id}")
    assert listed.json["items"] == []
    assert client.get(f"/api/v1/ratings/{review['id']}").status_code == 404
    summary = client.get(
        f"/api/v1/ratings/summary?subject_type=initiative&subject_id={initiative.id}"
    )
    assert summary.json["count"] == 0 and summary.json["average"] is None
    actions = db.session.scalars(
        select(ReviewAction.action).where(ReviewAction.review_id == review["id"])
    ).all()
    assert actions == [ActionKind.REPORT, ActionKind.HIDE]
    login(admin)
    page = client.get("/admin/reviews")
    assert page.status_code == 200 and "Scheldwoorden" in page.get_data(as_text=True)


def test_volunteers_with_confirmed_hours_are_verified(
    client, auth_headers, make_user, owner, initiative
):
    volunteer, signed_up_only = make_user(), make_user()
    task = tasks.create_task(
        owner,
        {
            "initiative_id": initiative.id, "title": "Fietsen plakken", "description": "",
            "postcode": "3511 AB", "starts_at": None, "duration_minutes": 120, "capacity": 5,
        },
    )  # fmt: skip
    signup, _new = signups.sign_up(task.id, volunteer)
    signups.sign_up(task.id, signed_up_only)
    hours.confirm_hours(signup.id, owner, "1.5")
    verified = rate(client, auth_headers(volunteer), "initiative", initiative.id, stars=5)
    assert verified.status_code == 201 and verified.json["verified"] is True
    unconfirmed = rate(client, auth_headers(signed_up_only), "initiative", initiative.id)
    assert unconfirmed.json["verified"] is False
