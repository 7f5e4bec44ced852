"""API schemas for events and RSVPs."""

from marshmallow import Schema, fields, validate

from marketplace.api.schemas import Id, Integer, Items, PageSchema, PaginationQuery
from marketplace.events.models import EventKind, RsvpStatus
from marketplace.timeutil import AMSTERDAM

KINDS = [k.value for k in EventKind]


class EventInputSchema(Schema):
    title = fields.String(required=True, validate=validate.Length(min=1, max=200))
    kind = fields.String(required=True, validate=validate.OneOf(KINDS))
    description = fields.String(load_default="", validate=validate.Length(max=10_000))
    starts_at = fields.AwareDateTime(
        required=True,
        default_timezone=AMSTERDAM,
        metadata={"description": "ISO 8601; without an offset it is Amsterdam time"},
    )
    ends_at = fields.AwareDateTime(required=True, default_timezone=AMSTERDAM)
    postcode = fields.String(load_default="", validate=validate.Length(max=10))
    online_url = fields.String(
        load_default="", validate=validate.Length(max=500), metadata={"description": "http(s)"}
    )
    capacity = Integer(required=True, minimum=1, maximum=100_000)
    initiative_id = Id(load_default=None, allow_none=True)
    organisation_id = Id(load_default=None, allow_none=True)


class EventSchema(Schema):
    id = Integer()
    title = fields.String()
    kind = fields.String(metadata={"enum": KINDS})
    description = fields.String(metadata={"description": "Markdown, as the organiser wrote it"})
    description_html = fields.String(metadata={"description": "the description, sanitised HTML"})
    starts_at = fields.DateTime()
    ends_at = fields.DateTime()
    postcode = fields.String()
    place = fields.String()
    latitude = fields.String(allow_none=True)
    longitude = fields.String(allow_none=True)
    online_url = fields.String()
    capacity = Integer()
    initiative_id = Integer(allow_none=True)
    organisation_id = Integer(allow_none=True)
    organiser = fields.String()
    going = Integer()
    waitlisted = Integer()
    distance_km = fields.Float(allow_none=True)
    url = fields.String()
    created_at = fields.DateTime()


class EventPageSchema(PageSchema):
    items = Items(EventSchema)


class EventQuerySchema(PaginationQuery):
    kind = fields.String(validate=validate.OneOf(KINDS))
    near = fields.String(
        validate=validate.Length(min=1, max=10), metadata={"description": "a Dutch postcode"}
    )
    radius_km = Integer(load_default=25, minimum=1, maximum=200)
    date_from = fields.Date(data_key="from", metadata={"description": "first day (Amsterdam)"})
    date_to = fields.Date(data_key="to", metadata={"description": "last day (Amsterdam)"})


class RsvpSchema(Schema):
    id = Integer()
    event_id = Integer()
    status = fields.Function(
        lambda r: r.status.value, metadata={"type": "string", "enum": [s.value for s in RsvpStatus]}
    )
    code = fields.String(metadata={"description": "the check-in code on the ticket"})
    checked_in = fields.Function(
        lambda r: r.checked_in_at is not None, metadata={"type": "boolean"}
    )
    checked_in_at = fields.DateTime(allow_none=True)
    created_at = fields.DateTime()
