"""What events add to the community: new events in the feed (of the scope's initiatives and
organisations, and the platform's own) and the events a person attended on their profile."""

from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, or_, select

from marketplace.community.registry import FeedItem, FeedScope, ProfileSection
from marketplace.events.models import Event, Rsvp
from marketplace.extensions import db
from marketplace.text import render_markdown

SUMMARY_CHARS = 300
ATTENDED_SHOWN = 50


def event_items(scope: FeedScope) -> list[FeedItem]:
    """New events (by when they were published) in the feed's scope, newest first."""
    query = select(Event).where(
        or_(
            Event.initiative_id.in_(scope.initiative_ids),
            Event.organisation_id.in_(scope.organisation_ids),
            and_(Event.initiative_id.is_(None), Event.organisation_id.is_(None)),
        )
    )
    if scope.before is not None:
        query = query.where(Event.created_at < scope.before)
    found = db.session.scalars(query.order_by(Event.created_at.desc()).limit(scope.limit))
    return [
        FeedItem(
            kind="event",
            id=event.id,
            title=event.title,
            url=f"/events/{event.id}",
            published_at=event.created_at,
            summary_html=render_markdown(event.description[:SUMMARY_CHARS]),
            initiative_id=event.initiative_id,
            organisation_id=event.organisation_id,
            place="online" if event.online_url else event.place_name or None,
            starts_at=event.starts_at,
        )
        for event in found
    ]


def attended(user_id: int) -> dict:
    """The events a person was checked in at, latest first."""
    events = db.session.scalars(
        select(Event)
        .join(Rsvp)
        .where(Rsvp.user_id == user_id, Rsvp.checked_in_at.is_not(None))
        .order_by(Event.starts_at.desc())
        .limit(ATTENDED_SHOWN)
    )
    return {"events": list(events)}


ATTENDED_SECTION = ProfileSection(
    key="events",
    label=lambda: str(_l("Events attended")),
    template="events/_profile.html",
    context=attended,
)
