"""API schemas for tasks and sign-ups."""

from datetime import date, datetime

from marshmallow import Schema, ValidationError, fields, validate

from marketplace.api.schemas import Id, Integer, Items, NumberOrString, PageSchema, PaginationQuery
from marketplace.initiatives.models import Theme
from marketplace.timeutil import AMSTERDAM


class AmsterdamDateTime(fields.AwareDateTime):
    """An ISO 8601 moment; without an offset it is Amsterdam time. Years 2000–2100 only."""

    def __init__(self, **kwargs):
        super().__init__(default_timezone=AMSTERDAM, **kwargs)

    def _deserialize(self, value, attr, data, **kwargs):
        moment = super()._deserialize(value, attr, data, **kwargs)
        if not 2000 <= moment.year <= 2100:
            raise ValidationError("Not a valid date and time.")
        return moment

    def _serialize(self, value: datetime | None, attr, obj, **kwargs):
        return None if value is None else value.isoformat()


class DayOrMoment(fields.Field):
    """ "2026-12-01" (a day in Amsterdam) or an ISO 8601 moment (without an offset: Amsterdam)."""

    def _deserialize(self, value, attr, data, **kwargs):
        if not isinstance(value, str):
            raise ValidationError("Not a valid date.")
        try:
            day = date.fromisoformat(value)
        except ValueError:
            return AmsterdamDateTime()._deserialize(value, attr, data, **kwargs)
        if not 2000 <= day.year <= 2100:
            raise ValidationError("Not a valid date.")
        return day


class TaskInputSchema(Schema):
    initiative_id = Id(required=True)
    title = fields.String(required=True, validate=validate.Length(min=1, max=200))
    description = fields.String(load_default="", validate=validate.Length(max=20000))
    skills = fields.String(load_default="", validate=validate.Length(max=300))
    postcode = fields.String(
        required=True, validate=validate.Length(max=10), metadata={"example": "3511 AB"}
    )
    starts_at = AmsterdamDateTime(
        load_default=None,
        allow_none=True,
        metadata={"description": "ISO 8601; without an offset Europe/Amsterdam; none: flexible"},
    )
    duration_minutes = Integer(required=True, minimum=1, maximum=7 * 24 * 60)
    capacity = Integer(required=True, minimum=1, maximum=10000)
    cancel_hours = Integer(
        load_default=24, minimum=0, maximum=24 * 30, metadata={"description": "cancel deadline"}
    )


class TaskQuerySchema(PaginationQuery):
    near = fields.String(
        load_default=None, validate=validate.Length(max=10), metadata={"description": "postcode"}
    )
    radius_km = fields.Float(
        load_default=10.0, validate=validate.Range(min=0, max=300), allow_nan=False
    )
    theme = fields.String(load_default=None, validate=validate.OneOf([t.value for t in Theme]))
    from_ = DayOrMoment(
        data_key="from", load_default=None, metadata={"description": "date or moment"}
    )
    to = DayOrMoment(load_default=None, metadata={"description": "date (inclusive) or moment"})


class PlaceSchema(Schema):
    postcode = fields.String()
    name = fields.String()
    latitude = fields.Float(allow_none=True)
    longitude = fields.Float(allow_none=True)


class TaskSchema(Schema):
    id = Integer()
    initiative_id = Integer()
    initiative_name = fields.String()
    title = fields.String()
    description = fields.String()
    description_html = fields.String()
    skills = fields.String()
    postcode = fields.String()
    place = fields.Nested(PlaceSchema)
    latitude = fields.Float(allow_none=True)
    longitude = fields.Float(allow_none=True)
    starts_at = fields.String(
        allow_none=True, metadata={"description": "aware UTC; none: flexible"}
    )
    flexible = fields.Boolean()
    duration_minutes = Integer()
    capacity = Integer()
    cancel_hours = Integer()
    cancel_deadline = fields.String(allow_none=True)
    signed_up = Integer()
    waitlisted = Integer()
    distance_km = fields.Float(allow_none=True)
    created_at = fields.String()


class TaskPageSchema(PageSchema):
    items = Items(TaskSchema)


class SignupSchema(Schema):
    id = Integer()
    task_id = Integer()
    status = fields.String(metadata={"description": "signed_up | waitlisted | cancelled"})
    created_at = fields.String()
    confirmed_hours = fields.String(allow_none=True)


class ConfirmSchema(Schema):
    hours = NumberOrString(required=True, metadata={"description": 'decimal hours, e.g. "2.5"'})
