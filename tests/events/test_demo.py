"""The demo has events: a past Campus with check-ins and verified reviews, upcoming ones of the
other kinds, a waiting list."""

from sqlalchemy import func, select

from marketplace.events.models import Event, Rsvp, RsvpStatus
from marketplace.extensions import db
from marketplace.reviews.models import Review
from marketplace.timeutil import as_utc, utcnow
from tests.demo.conftest import demo  # noqa: F401


def test_demo_events_and_reviews(demo, client):  # noqa: F811
    found = db.session.scalars(select(Event).order_by(Event.starts_at)).all()
    assert {e.kind.value for e in found} == {"campus", "academy", "cafe_debate", "meetup"}
    past = found[0]
    assert as_utc(past.ends_at) < utcnow()
    checked_in = select(func.count()).where(
        Rsvp.event_id == past.id, Rsvp.checked_in_at.is_not(None)
    )
    assert db.session.scalar(checked_in.select_from(Rsvp)) == 2
    assert (
        db.session.scalar(select(func.count()).where(Review.verified.is_(True)).select_from(Review))
        >= 3
    )
    waiting = select(func.count()).where(Rsvp.status == RsvpStatus.WAITLISTED).select_from(Rsvp)
    assert db.session.scalar(waiting) == 1
    page = client.get("/events").get_data(as_text=True)
    assert "Impact Academy" in page and "Buurtcampus" not in page  # upcoming only
    assert client.get(f"/events/{past.id}").status_code == 200
