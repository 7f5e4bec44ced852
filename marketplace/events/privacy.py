"""A person's RSVPs in their data export; erasure removes them (and the calendar feed), and
forgets who created an event (the event is the organiser's)."""

from sqlalchemy import delete, select, update

from marketplace.accounts.models import User
from marketplace.events.models import CalendarFeed, Event, Rsvp, RsvpStatus
from marketplace.events.rsvps import fill_free_places
from marketplace.extensions import db
from marketplace.privacy.registry import DataDomain, Erasure, Rows, when


def export_rsvps(user: User) -> dict[str, Rows]:
    rows = db.session.execute(
        select(Rsvp, Event).join(Event).where(Rsvp.user_id == user.id).order_by(Rsvp.id)
    ).all()
    return {
        "event_rsvps": [
            {
                "event": event.title,
                "event_starts_at": when(event.starts_at),
                "status": rsvp.status.value,
                "code": rsvp.code,
                "created_at": when(rsvp.created_at),
                "checked_in_at": when(rsvp.checked_in_at),
            }
            for rsvp, event in rows
        ],
        "events_created": [
            {"title": e.title, "kind": e.kind.value, "starts_at": when(e.starts_at)}
            for e in db.session.scalars(
                select(Event).where(Event.created_by_id == user.id).order_by(Event.id)
            )
        ],
    }


def erase_rsvps(erasure: Erasure) -> None:
    """RSVPs go (a freed place goes to the waiting list of an event still to come)."""
    freed = db.session.scalars(
        select(Rsvp.event_id)
        .join(Event)
        .where(
            Rsvp.user_id == erasure.user_id,
            Rsvp.status == RsvpStatus.GOING,
            Event.ends_at > erasure.now,
        )
    ).all()
    db.session.execute(delete(Rsvp).where(Rsvp.user_id == erasure.user_id))
    for event_id in freed:
        fill_free_places(event_id)
    db.session.execute(delete(CalendarFeed).where(CalendarFeed.user_id == erasure.user_id))
    db.session.execute(
        update(Event).where(Event.created_by_id == erasure.user_id).values(created_by_id=None)
    )


DATA = DataDomain(name="events", export=export_rsvps, erase=erase_rsvps)
