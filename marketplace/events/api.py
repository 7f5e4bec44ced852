"""JSON API for events and RSVPs: anyone reads events; RSVPs and organising need a token."""

from flask import url_for
from flask_smorest import Blueprint

from marketplace.api.auth import BEARER, require_api_user
from marketplace.events import events, rsvps
from marketplace.events.schemas import (
    EventInputSchema,
    EventPageSchema,
    EventQuerySchema,
    EventSchema,
    RsvpSchema,
)
from marketplace.text import render_markdown

blp = Blueprint(
    "api_events", __name__, url_prefix="/api/v1", description="Events, RSVPs and check-in"
)


def event_json(event, counts: events.Counts, distance_km: float | None = None) -> dict:
    return {
        "id": event.id,
        "title": event.title,
        "kind": event.kind.value,
        "description": event.description,
        "description_html": str(render_markdown(event.description)),
        "starts_at": event.starts_at,
        "ends_at": event.ends_at,
        "postcode": event.postcode,
        "place": event.place_name,
        "latitude": None if event.latitude is None else str(event.latitude),
        "longitude": None if event.longitude is None else str(event.longitude),
        "online_url": event.online_url,
        "capacity": event.capacity,
        "initiative_id": event.initiative_id,
        "organisation_id": event.organisation_id,
        "organiser": event.organiser_name,
        "going": counts.going,
        "waitlisted": counts.waitlisted,
        "distance_km": None if distance_km is None else round(distance_km, 1),
        "url": url_for("events.detail", event_id=event.id),
        "created_at": event.created_at,
    }


@blp.route("/events")
@blp.arguments(EventQuerySchema, location="query")
@blp.response(200, EventPageSchema)
def list_events(query):
    """Events, soonest first; filters: kind, near (a postcode) within radius_km, from, to."""
    filters = events.Filters(
        kind=query.get("kind"),
        near=query.get("near"),
        radius_km=query["radius_km"],
        date_from=query.get("date_from"),
        date_to=query.get("date_to"),
    )
    found = events.search_events(filters)
    page, per_page = query["page"], query["per_page"]
    chosen = found[(page - 1) * per_page : page * per_page]
    counts = events.counts_for([event.id for event, _km in chosen])
    return {
        "items": [event_json(event, counts[event.id], km) for event, km in chosen],
        "page": page,
        "per_page": per_page,
        "total": len(found),
        "pages": (len(found) + per_page - 1) // per_page,
    }


@blp.route("/events", methods=["POST"])
@blp.arguments(EventInputSchema)
@blp.response(201, EventSchema)
@blp.doc(security=BEARER)
def create_event(data):
    """Organise an event for an initiative or organisation you belong to (neither: the platform,
    administrators only)."""
    user = require_api_user()
    event = events.create_event(user, data)
    return event_json(event, events.Counts())


@blp.route("/events/<int:event_id>")
@blp.response(200, EventSchema)
def get_event(event_id: int):
    """One event with its going and waitlisted counts."""
    event = events.get_event(event_id)
    return event_json(event, events.counts_for([event.id])[event.id])


@blp.route("/events/<int:event_id>/rsvps", methods=["POST"])
@blp.response(201, RsvpSchema)
@blp.alt_response(200, schema=RsvpSchema, description="You had already RSVP'd: that RSVP.")
@blp.doc(security=BEARER)
def create_rsvp(event_id: int):
    """RSVP: going while places are free, else waitlisted; a ticket mail when going."""
    user = require_api_user()
    rsvp, created = rsvps.rsvp_to_event(user, event_id)
    return rsvp, 201 if created else 200


@blp.route("/rsvps/<int:rsvp_id>", methods=["DELETE"])
@blp.response(204)
@blp.doc(security=BEARER)
def delete_rsvp(rsvp_id: int):
    """Cancel your RSVP; a freed place goes to the first person on the waiting list."""
    user = require_api_user()
    rsvps.cancel_rsvp(user, rsvp_id)


@blp.route("/rsvps/<int:rsvp_id>/check-in", methods=["POST"])
@blp.response(200, RsvpSchema)
@blp.doc(security=BEARER)
def check_in(rsvp_id: int):
    """Check a person in (the event's organisers only)."""
    user = require_api_user()
    return rsvps.check_in(user, rsvp_id)
