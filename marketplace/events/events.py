"""Events: checked fields, creation by an organiser, one event, the list with its filters."""

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from urllib.parse import urlsplit

from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from marketplace import geo
from marketplace.errors import InvalidInput, NotFound
from marketplace.events.models import Event, EventKind, Rsvp, RsvpStatus
from marketplace.events.organisers import require_organiser_for
from marketplace.extensions import db
from marketplace.timeutil import AMSTERDAM, amsterdam_day_bounds, as_utc, utcnow

TITLE_MAX = 200
DESCRIPTION_MAX = 10_000
URL_MAX = 500
CAPACITY_MAX = 100_000
FIRST_YEAR, LAST_YEAR = 2000, 2100  # beyond these a moment is a typo (and may not convert)
COORDINATE = Decimal("0.000001")


@dataclass(frozen=True)
class Counts:
    going: int = 0
    waitlisted: int = 0


def _moment(value, field: str, errors: dict) -> datetime | None:
    if not isinstance(value, datetime):
        errors[field] = [_("Give a date and time.")]
        return None
    if not FIRST_YEAR <= value.year <= LAST_YEAR:
        errors[field] = [_("Give a date between %(first)s and %(last)s.", first=2000, last=2100)]
        return None
    if value.tzinfo is None:
        value = value.replace(tzinfo=AMSTERDAM)  # what people type is Amsterdam time
    return as_utc(value)


def _online_url(value: str, errors: dict) -> str:
    url = (value or "").strip()
    parts = urlsplit(url)
    if len(url) > URL_MAX or parts.scheme not in ("http", "https") or not parts.netloc:
        errors["online_url"] = [_("Give a web address starting with http:// or https://.")]
        return ""
    return url


def _normal_postcode(text: str) -> str:
    match = geo.POSTCODE.match(" ".join(text.split()))
    return f"{match.group(1)} {match.group(2).upper()}" if match and match.group(2) else text[:4]


def _place(postcode: str, errors: dict) -> geo.Place | None:
    text = " ".join((postcode or "").split())
    if not geo.POSTCODE.match(text):
        errors["postcode"] = [_("Give a Dutch postcode, e.g. 3511 AB.")]
        return None
    place = geo.locate(text)
    if place is None:
        errors["postcode"] = [_("We do not know this postcode.")]
    return place


def _text_fields(data: dict, errors: dict) -> dict:
    title = " ".join((data.get("title") or "").split())
    if not title or len(title) > TITLE_MAX:
        errors["title"] = [_("Give a title of at most %(n)s characters.", n=TITLE_MAX)]
    description = (data.get("description") or "").strip()
    if len(description) > DESCRIPTION_MAX:
        errors["description"] = [_("At most %(n)s characters.", n=DESCRIPTION_MAX)]
    kind = data.get("kind")
    if kind not in {k.value for k in EventKind}:
        errors["kind"] = [_("Choose a kind of event.")]
    capacity = data.get("capacity")
    if isinstance(capacity, bool) or not isinstance(capacity, int):
        errors["capacity"] = [_("Give the number of places.")]
    elif not 1 <= capacity <= CAPACITY_MAX:
        errors["capacity"] = [_("Give from 1 to %(n)s places.", n=CAPACITY_MAX)]
    return {"title": title, "description": description, "kind": kind, "capacity": capacity}


def clean_event(data: dict) -> dict:
    """The event's fields checked and normalised, or InvalidInput naming every bad field."""
    errors: dict = {}
    clean = _text_fields(data, errors)
    starts_at = _moment(data.get("starts_at"), "starts_at", errors)
    ends_at = _moment(data.get("ends_at"), "ends_at", errors)
    if starts_at and ends_at and ends_at <= starts_at:
        errors["ends_at"] = [_("The end must be after the start.")]
    postcode, online = (data.get("postcode") or "").strip(), (data.get("online_url") or "").strip()
    place, url = None, ""
    if postcode and online:
        errors["online_url"] = [_("Give a postcode or an online link, not both.")]
    elif postcode:
        place = _place(postcode, errors)
    elif online:
        url = _online_url(online, errors)
    else:
        errors["postcode"] = [_("Give a postcode, or an online link.")]
    if errors:
        raise InvalidInput(_("Some fields need another look."), errors)
    clean.update(starts_at=starts_at, ends_at=ends_at, online_url=url, place=place)
    clean["postcode"] = _normal_postcode(postcode) if place else ""
    return clean


def _apply(event: Event, clean: dict) -> None:
    event.kind = EventKind(clean["kind"])
    event.title, event.description = clean["title"], clean["description"]
    event.starts_at, event.ends_at = clean["starts_at"], clean["ends_at"]
    event.capacity, event.online_url = clean["capacity"], clean["online_url"]
    place: geo.Place | None = clean["place"]
    event.postcode = clean["postcode"]
    event.place_name = (place.municipality or place.name) if place else ""
    event.latitude = Decimal(str(place.latitude)).quantize(COORDINATE) if place else None
    event.longitude = Decimal(str(place.longitude)).quantize(COORDINATE) if place else None


def create_event(user, data: dict) -> Event:
    """A new event organised by `data`'s initiative, organisation or (neither) the platform."""
    initiative_id, organisation_id = data.get("initiative_id"), data.get("organisation_id")
    require_organiser_for(user, initiative_id, organisation_id)
    clean = clean_event(data)
    event = Event(
        initiative_id=initiative_id, organisation_id=organisation_id, created_by_id=user.id
    )
    _apply(event, clean)
    db.session.add(event)
    db.session.commit()
    return event


def update_event(event: Event, data: dict, on_more_places=None) -> Event:
    """Change an event's fields (the organiser stays); places already given stay given, and
    `on_more_places(event_id)` hands new places to the waiting list."""
    clean = clean_event(data)
    more = clean["capacity"] > event.capacity
    _apply(event, clean)
    db.session.commit()
    if more and on_more_places is not None:
        on_more_places(event.id)
        db.session.commit()
    return event


def get_event(event_id: int) -> Event:
    event = db.session.get(Event, event_id)
    if event is None:
        raise NotFound(_("This event does not exist."))
    return event


def counts_for(event_ids: list[int]) -> dict[int, Counts]:
    """Going and waitlisted per event, in one query."""
    if not event_ids:
        return {}
    rows = db.session.execute(
        select(Rsvp.event_id, Rsvp.status, func.count())
        .where(Rsvp.event_id.in_(event_ids))
        .group_by(Rsvp.event_id, Rsvp.status)
    ).all()
    found: dict[int, dict] = {}
    for event_id, status, count in rows:
        found.setdefault(event_id, {})[RsvpStatus(status).value] = count
    return {i: Counts(**found.get(i, {})) for i in event_ids}


@dataclass(frozen=True)
class Filters:
    kind: str | None = None
    near: str | None = None
    radius_km: int = 25
    date_from: date | None = None
    date_to: date | None = None
    upcoming: bool = False  # only what has not ended yet


def near_place(postcode: str) -> geo.Place:
    """The place a `near` filter means, or InvalidInput."""
    errors: dict = {}
    place = _place(postcode, errors)
    if place is None:
        raise InvalidInput(_("We do not know this postcode."), {"near": errors["postcode"]})
    return place


def search_events(filters: Filters) -> list[tuple[Event, float | None]]:
    """Events matching the filters, soonest first, with their distance (km) when `near` is set."""
    query = (
        select(Event)
        .options(selectinload(Event.initiative), selectinload(Event.organisation))
        .order_by(Event.starts_at, Event.id)
    )
    if filters.kind:
        query = query.where(Event.kind == EventKind(filters.kind))
    if filters.date_from or filters.date_to:
        first, last = date(FIRST_YEAR, 1, 1), date(LAST_YEAR, 1, 1)  # no overflow at the edges
        low, high = amsterdam_day_bounds(
            min(max(filters.date_from or first, first), last),
            max(min(filters.date_to or last, last), first),
        )
        query = query.where(Event.ends_at > as_utc(low), Event.starts_at < as_utc(high))
    if filters.upcoming:
        query = query.where(Event.ends_at > utcnow())
    if not filters.near:
        return [(event, None) for event in db.session.scalars(query.limit(500))]
    place = near_place(filters.near)
    found = []
    nearby = geo.within_radius(
        Event.latitude, Event.longitude, place.latitude, place.longitude, filters.radius_km
    )
    for event in db.session.scalars(query.where(nearby)):
        km = geo.haversine_km(
            place.latitude, place.longitude, float(event.latitude), float(event.longitude)
        )
        if km <= filters.radius_km:
            found.append((event, km))
    return found[:500]
