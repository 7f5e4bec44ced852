"""Demo events: a Campus that took place (RSVPs, check-ins at the door, reviews by those who came),
and upcoming ones of every other kind, by an initiative, the foundation and the platform; made
through the services the organisers' and visitors' actions go through."""

from datetime import datetime, timedelta

from sqlalchemy import select

from marketplace.accounts.models import User
from marketplace.demo.portfolios import demo_foundation
from marketplace.events import events, rsvps
from marketplace.events.models import Event
from marketplace.extensions import db
from marketplace.initiatives.models import Initiative
from marketplace.reviews import reviews

PAST_TITLE = "Buurtcampus: samen sterker in de wijk"


def _at(now: datetime, days: int, hour: int) -> datetime:
    return (now + timedelta(days=days)).replace(hour=hour, minute=0, second=0, microsecond=0)


def _event(organiser: User, now: datetime, days: int, hours: int, **fields) -> Event:
    start = _at(now, days, 17)
    data = {"description": "", "capacity": 40, "postcode": "", "online_url": "", **fields}
    return events.create_event(
        organiser, {**data, "starts_at": start, "ends_at": start + timedelta(hours=hours)}
    )


def seed_events(users: dict[str, User], initiatives: list[Initiative], now: datetime) -> int:
    """The demo's events, once (a second load finds the past Campus and makes nothing)."""
    if db.session.scalar(select(Event.id).where(Event.title == PAST_TITLE)) is not None:
        return 0
    owner, first, second = users["initiative owner"], initiatives[0], initiatives[1]
    campus = _event(
        owner, now, -12, 6, title=PAST_TITLE, kind="campus", initiative_id=first.id,
        postcode=first.postcode or "3511", capacity=30,
        description="Een middag **leren van elkaar**: workshops, soep en een buurtmarkt.",
    )  # fmt: skip
    visitors = [users["donor"], users["foundation staff"], users["verifier"]]
    for visitor in visitors:
        rsvp, _new = rsvps.rsvp_to_event(visitor, campus.id)
        if visitor is not users["verifier"]:
            rsvps.check_in(owner, rsvp.id)
    reviews.write_review(users["donor"], "event", campus.id, 5, "Inspirerend, en de soep was top.")
    reviews.write_review(users["foundation staff"], "event", campus.id, 4, "Goed georganiseerd.")
    reviews.write_review(users["donor"], "initiative", first.id, 5, "Doet wat het belooft.")
    reviews.write_review(users["verifier"], "initiative", second.id, 4, "")
    upcoming = [
        _event(users["admin"], now, 9, 3, title="Impact Academy: meten wat je doet",
               kind="academy", online_url="https://meet.jit.si/impactbeurs-academy", capacity=100,
               description="Een avond over maatschappelijke waarde meten, online."),
        _event(owner, now, 4, 2, title="Café-debat: wie betaalt de wijk van morgen?",
               kind="cafe_debate", initiative_id=second.id, postcode=second.postcode or "3511",
               capacity=25),
        _event(users["foundation staff"], now, 16, 3, title="Meet-up van fondsen en initiatieven",
               kind="meetup", organisation_id=demo_foundation(users["foundation staff"]).id,
               postcode="1012", capacity=2),
    ]  # fmt: skip
    rsvps.rsvp_to_event(users["donor"], upcoming[1].id)
    for visitor in (users["donor"], users["verifier"], owner):  # the last one waits
        rsvps.rsvp_to_event(visitor, upcoming[2].id)
    return 1 + len(upcoming)
