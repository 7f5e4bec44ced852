"""The iCalendar file of an event (RFC 5545)."""

from marketplace.events.calendar import escape_text, fold


def test_ics_file(client, make_event):
    event = make_event(title="Café-debat: energie, warmte; en meer " + "x" * 80)
    response = client.get(f"/events/{event.id}.ics")
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("text/calendar")
    raw = response.get_data()
    assert raw.startswith(b"BEGIN:VCALENDAR\r\n") and raw.endswith(b"END:VCALENDAR\r\n")
    assert all(len(line) <= 75 for line in raw.split(b"\r\n"))
    assert b"\n" not in raw.replace(b"\r\n", b"")
    text = raw.decode().replace("\r\n ", "")  # unfolded
    assert f"UID:event-{event.id}@" in text
    assert "DTSTART:" + event.starts_at.strftime("%Y%m%dT%H%M%SZ") in text
    assert "DTEND:" in text and "DTSTAMP:" in text
    assert "SUMMARY:Café-debat: energie\\, warmte\\; en meer" in text
    assert "LOCATION:3511 AB Utrecht" in text
    assert client.get("/events/999999.ics").status_code == 404


def test_online_event_has_its_url(client, make_event):
    event = make_event(postcode="", online_url="https://meet.example/room")
    text = client.get(f"/events/{event.id}.ics").get_data(as_text=True)
    assert "URL:https://meet.example/room" in text


def test_escape_and_fold():
    assert escape_text("a,b;c\\d\ne") == "a\\,b\\;c\\\\d\\ne"
    folded = fold("SUMMARY:" + "é" * 60)
    assert all(len(part.encode()) <= 75 for part in folded.split("\r\n"))
    assert folded.replace("\r\n ", "") == "SUMMARY:" + "é" * 60
