"""The events API: organising, reading, filters, RSVPs with a waiting list, check-in."""

from datetime import timedelta

from sqlalchemy import select

from marketplace.events.models import Rsvp
from marketplace.extensions import db
from marketplace.mail.models import MailMessage
from marketplace.organisations.models import MemberRole, Membership, Organisation
from marketplace.timeutil import utcnow
from tests.queries import count_queries

START = (utcnow() + timedelta(days=10)).replace(microsecond=0)


def body(**changes) -> dict:
    data = {
        "title": "Campus Utrecht",
        "kind": "campus",
        "starts_at": START.isoformat(),
        "ends_at": (START + timedelta(days=1, hours=3)).isoformat(),
        "postcode": "3511 AB",
        "capacity": 10,
    }
    data.update(changes)
    return data


def test_owner_organises_for_their_initiative(client, auth_headers, owner, initiative):
    response = client.post(
        "/api/v1/events", json=body(initiative_id=initiative.id), headers=auth_headers(owner)
    )
    assert response.status_code == 201, response.json
    event = response.json
    assert event["initiative_id"] == initiative.id
    assert event["going"] == 0 and event["waitlisted"] == 0
    assert event["place"] == "Utrecht" and event["latitude"] is not None
    again = client.get(f"/api/v1/events/{event['id']}")
    assert again.status_code == 200 and again.json["title"] == "Campus Utrecht"


def test_naive_times_are_amsterdam_time(client, auth_headers, owner, initiative):
    response = client.post(
        "/api/v1/events",
        json=body(
            initiative_id=initiative.id,
            starts_at="2030-07-01T20:00:00",
            ends_at="2030-07-01T22:00:00",
        ),
        headers=auth_headers(owner),
    )
    assert response.status_code == 201
    assert response.json["starts_at"].startswith("2030-07-01T18:00:00")


def test_organising_rules(client, auth_headers, make_user, admin, owner, initiative):
    stranger = make_user()
    headers = auth_headers(stranger)
    forbidden = client.post(
        "/api/v1/events", json=body(initiative_id=initiative.id), headers=headers
    )
    assert forbidden.status_code == 403
    assert client.post("/api/v1/events", json=body(), headers=headers).status_code == 403
    unknown = client.post("/api/v1/events", json=body(initiative_id=999999), headers=headers)
    assert unknown.status_code == 404
    unknown_org = client.post("/api/v1/events", json=body(organisation_id=99999), headers=headers)
    assert unknown_org.status_code == 404
    platform = client.post("/api/v1/events", json=body(), headers=auth_headers(admin))
    assert platform.status_code == 201
    assert platform.json["initiative_id"] is None and platform.json["organisation_id"] is None
    assert client.post("/api/v1/events", json=body()).status_code == 401


def test_organisation_members_organise(client, auth_headers, make_user):
    member, viewer = make_user(), make_user()
    org = Organisation(name="Fonds Oost", slug="fonds-oost")
    org.memberships += [
        Membership(user=member, role=MemberRole.MEMBER),
        Membership(user=viewer, role=MemberRole.VIEWER),
    ]
    db.session.add(org)
    db.session.commit()
    data = body(organisation_id=org.id)
    assert client.post("/api/v1/events", json=data, headers=auth_headers(member)).status_code == 201
    assert client.post("/api/v1/events", json=data, headers=auth_headers(viewer)).status_code == 403


def test_bad_fields_are_422(client, auth_headers, owner, initiative):
    headers = auth_headers(owner)
    bad = [
        body(initiative_id=initiative.id, ends_at=START.isoformat()),
        body(initiative_id=initiative.id, kind="party"),
        body(initiative_id=initiative.id, capacity=0),
        body(initiative_id=initiative.id, postcode=""),
        body(initiative_id=initiative.id, postcode="", online_url="javascript:alert(1)"),
        body(initiative_id=initiative.id, postcode="", online_url="ftp://example.org/x"),
        body(initiative_id=initiative.id, postcode="0000"),
        body(initiative_id=initiative.id, starts_at="0001-01-01T00:00:00+14:00"),
    ]
    for data in bad:
        response = client.post("/api/v1/events", json=data, headers=headers)
        assert response.status_code == 422, (data, response.json)
    online = body(initiative_id=initiative.id, postcode="", online_url="https://meet.example/x")
    assert client.post("/api/v1/events", json=online, headers=headers).status_code == 201


def test_filters(client, make_event):
    debate = make_event(kind="cafe_debate")
    make_event(kind="academy", postcode="9711")  # Groningen
    online = make_event(kind="meetup", postcode="", online_url="https://meet.example/a")
    later = make_event(
        kind="campus",
        starts_at=utcnow() + timedelta(days=60),
        ends_at=utcnow() + timedelta(days=60, hours=2),
    )

    def ids(query: str) -> set[int]:
        response = client.get(f"/api/v1/events?{query}")
        assert response.status_code == 200, response.json
        return {item["id"] for item in response.json["items"]}

    assert ids("kind=cafe_debate") == {debate.id}
    assert ids("near=3511&radius_km=10") == {debate.id, later.id}
    assert online.id not in ids("near=3511&radius_km=200")
    day = (utcnow() + timedelta(days=60)).date().isoformat()
    assert ids(f"from={day}&to={day}") == {later.id}
    assert client.get("/api/v1/events?near=0000").status_code == 422
    assert client.get("/api/v1/events?kind=party").status_code == 422
    assert client.get("/api/v1/events?from=0001-01-01&to=9999-12-31").status_code == 200


def test_rsvps_fill_then_waitlist_and_move_up(client, auth_headers, make_user, make_event):
    event = make_event(capacity=1)
    first, second = make_user(), make_user()
    one = client.post(f"/api/v1/events/{event.id}/rsvps", headers=auth_headers(first))
    assert one.status_code == 201 and one.json["status"] == "going"
    two = client.post(f"/api/v1/events/{event.id}/rsvps", headers=auth_headers(second))
    assert two.status_code == 201 and two.json["status"] == "waitlisted"
    again = client.post(f"/api/v1/events/{event.id}/rsvps", headers=auth_headers(first))
    assert again.status_code == 200 and again.json["id"] == one.json["id"]
    counts = client.get(f"/api/v1/events/{event.id}").json
    assert (counts["going"], counts["waitlisted"]) == (1, 1)

    tickets = db.session.scalars(select(MailMessage).where(MailMessage.to == first.email)).all()
    assert len(tickets) == 1 and one.json["code"] in tickets[0].text

    foreign = client.delete(f"/api/v1/rsvps/{one.json['id']}", headers=auth_headers(second))
    assert foreign.status_code == 404
    gone = client.delete(f"/api/v1/rsvps/{one.json['id']}", headers=auth_headers(first))
    assert gone.status_code == 204
    moved = db.session.get(Rsvp, two.json["id"])
    db.session.refresh(moved)
    assert moved.status.value == "going"
    mails = db.session.scalars(select(MailMessage).where(MailMessage.to == second.email)).all()
    assert len(mails) == 1 and moved.code in mails[0].text
    assert (
        client.post("/api/v1/events/999999/rsvps", headers=auth_headers(first)).status_code == 404
    )


def test_check_in_is_for_organisers(client, auth_headers, make_user, owner, make_event):
    event = make_event()
    guest = make_user()
    rsvp = client.post(f"/api/v1/events/{event.id}/rsvps", headers=auth_headers(guest)).json
    url = f"/api/v1/rsvps/{rsvp['id']}/check-in"
    assert client.post(url, headers=auth_headers(guest)).status_code == 404
    done = client.post(url, headers=auth_headers(owner))
    assert done.status_code == 200 and done.json["checked_in"] is True


def test_description_is_sanitised(client, make_event):
    event = make_event(description="<script>alert(1)</script>**Welkom**")
    answer = client.get(f"/api/v1/events/{event.id}").json
    assert "<script" not in answer["description_html"]
    assert "<strong>Welkom</strong>" in answer["description_html"]
    page = client.get(f"/events/{event.id}").get_data(as_text=True)
    assert "<script>alert" not in page


def test_the_event_list_asks_the_same_for_two_organisers_as_for_six(
    client, make_initiative, make_event
):
    for _ in range(2):
        initiative = make_initiative()
        make_event(organiser=initiative.owners[0], initiative_id=initiative.id)
    two = count_queries(client, "/api/v1/events")
    for _ in range(4):
        initiative = make_initiative()
        make_event(organiser=initiative.owners[0], initiative_id=initiative.id)
    assert count_queries(client, "/api/v1/events") == two
