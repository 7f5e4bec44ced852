"""Event pages: the list with filters, RSVP and cancel, the ticket, check-in by code, the form."""

from datetime import timedelta

from marketplace.events import rsvps
from marketplace.timeutil import utcnow


def test_list_filters_and_map(client, make_event):
    debate = make_event(title="Debat over warmte", kind="cafe_debate")
    make_event(title="Academy Groningen", kind="academy", postcode="9711")
    page = client.get("/events?kind=cafe_debate").get_data(as_text=True)
    assert "Debat over warmte" in page and "Academy Groningen" not in page
    assert 'id="events-map"' in page
    near = client.get("/events?near=3511&radius=10").get_data(as_text=True)
    assert "Debat over warmte" in near and "Academy Groningen" not in near
    assert client.get("/events?near=0000&from=x&radius=abc").status_code == 200
    assert f"/events/{debate.id}" in page


def test_rsvp_ticket_cancel_and_check_in_by_code(client, login, make_user, owner, make_event):
    event = make_event(capacity=1)
    guest = login(make_user())
    assert client.post(f"/events/{event.id}/rsvp").status_code == 302
    rsvp = rsvps.rsvp_of(guest, event.id)
    page = client.get(f"/events/{event.id}").get_data(as_text=True)
    assert rsvp.code in page and 'data-testid="attendees"' not in page
    client.post("/account/logout")
    login(owner)
    organiser_page = client.get(f"/events/{event.id}").get_data(as_text=True)
    assert 'data-testid="attendees"' in organiser_page and guest.name in organiser_page
    client.post(f"/events/{event.id}/check-in", data={"code": rsvp.code.lower()})
    assert rsvps.rsvp_of(guest, event.id).checked_in_at is not None
    client.post("/account/logout")
    login(guest)
    client.post(f"/events/rsvps/{rsvp.id}/cancel")
    assert rsvps.rsvp_of(guest, event.id) is None


def test_strangers_cannot_check_in_or_edit(client, login, make_user, make_event):
    event = make_event()
    guest = make_user()
    rsvp, _new = rsvps.rsvp_to_event(guest, event.id)
    login(make_user())
    client.post(f"/events/{event.id}/check-in", data={"code": rsvp.code})
    assert rsvps.rsvp_of(guest, event.id).checked_in_at is None
    assert client.post(f"/events/rsvps/{rsvp.id}/check-in").status_code == 404
    assert client.get(f"/events/{event.id}/edit").status_code == 404
    assert client.post(f"/events/rsvps/{rsvp.id}/cancel").status_code == 404


def test_organiser_form(client, login, owner, initiative):
    login(owner)
    form = client.get("/events/new")
    assert form.status_code == 200 and initiative.name in form.get_data(as_text=True)
    start = (utcnow() + timedelta(days=3)).strftime("%Y-%m-%dT%H:%M")
    end = (utcnow() + timedelta(days=4)).strftime("%Y-%m-%dT%H:%M")
    data = {
        "organiser": f"initiative:{initiative.id}",
        "title": "Academy: subsidies",
        "kind": "academy",
        "starts_at": start,
        "ends_at": end,
        "postcode": "",
        "online_url": "https://meet.example/academy",
        "capacity": "30",
    }
    created = client.post("/events/new", data=data)
    assert created.status_code == 302
    bad = client.post("/events/new", data={**data, "ends_at": start})
    assert bad.status_code == 422
    foreign = client.post("/events/new", data={**data, "organiser": "platform"})
    assert foreign.status_code == 422  # not among the choices


def test_my_events_and_calendar_feed(client, login, make_user, make_event):
    event = make_event(title="Campus, dag 1; met \\ en ; tekens")
    guest = login(make_user())
    rsvps.rsvp_to_event(guest, event.id)
    page = client.get("/events/mine").get_data(as_text=True)
    assert "Campus, dag 1" in page
    url = page.split('data-testid="calendar-feed-url"')[0].rsplit('value="', 1)[1].split('"')[0]
    path = url.replace("http://localhost", "")
    feed = client.get(path)
    assert feed.status_code == 200 and feed.mimetype == "text/calendar"
    assert "SUMMARY:Campus\\, dag 1\\; met \\\\ en \\; tekens" in feed.get_data(as_text=True)
    client.post("/events/calendar/reset")
    assert client.get(path).status_code == 404


def test_more_places_go_to_the_waiting_list(client, login, make_user, owner, make_event):
    event = make_event(capacity=1)
    first, second = make_user(), make_user()
    rsvps.rsvp_to_event(first, event.id)
    waiting, _new = rsvps.rsvp_to_event(second, event.id)
    assert waiting.status.value == "waitlisted"
    login(owner)
    form = client.get(f"/events/{event.id}/edit")
    assert form.status_code == 200
    data = {
        "organiser": "",
        "title": event.title,
        "kind": event.kind.value,
        "description": event.description,
        "starts_at": form.get_data(as_text=True).split(
            'name="starts_at" type="datetime-local" value="'
        )[1][:16],
        "ends_at": form.get_data(as_text=True).split(
            'name="ends_at" type="datetime-local" value="'
        )[1][:16],
        "postcode": event.postcode,
        "online_url": "",
        "capacity": "2",
    }
    assert client.post(f"/events/{event.id}/edit", data=data).status_code == 302
    assert rsvps.rsvp_of(second, event.id).status.value == "going"
