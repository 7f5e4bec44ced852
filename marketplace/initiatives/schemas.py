from marshmallow import Schema, fields, validate

from marketplace.api.schemas import (
    CentsAsDecimalString,
    DecimalString,
    Integer,
    Items,
    NumberOrString,
    PageSchema,
)
from marketplace.initiatives.models import InitiativeStatus, Theme

THEMES = [theme.value for theme in Theme]
STATUSES = [status.value for status in InitiativeStatus]


class InitiativeSchema(Schema):
    id = Integer(dump_only=True)
    slug = fields.String()
    name = fields.String()
    legal_name = fields.String()
    theme = fields.Function(lambda i: i.theme.value, metadata={"type": "string", "enum": THEMES})
    summary = fields.String()
    description = fields.String()
    municipality = fields.String()
    province = fields.String()
    postcode = fields.String()
    # Set from the postcode by the geocoder (PDOK), never typed; null when not placed yet.
    latitude = DecimalString(dump_only=True, allow_none=True)
    longitude = DecimalString(dump_only=True, allow_none=True)
    funding_goal = CentsAsDecimalString(attribute="funding_goal_cents")
    currency = fields.String()
    website = fields.String()
    anbi = fields.Boolean()
    rsin = fields.String()
    status = fields.Function(
        lambda i: i.status.value, metadata={"type": "string", "enum": STATUSES}
    )
    url = fields.Function(lambda i: f"/initiatives/{i.slug}", metadata={"type": "string"})
    owner_ids = fields.Function(
        lambda i: [owner.id for owner in i.owners],
        metadata={"type": "array", "items": {"type": "integer"}},
    )
    created_at = fields.DateTime()
    updated_at = fields.DateTime()
    published_at = fields.DateTime(allow_none=True)


class InitiativeInputSchema(Schema):
    """Types only; the rules (required fields, postcode, RSIN, ...) are the service's."""

    name = fields.String()
    slug = fields.String()
    legal_name = fields.String()
    theme = fields.String(validate=validate.OneOf(THEMES))
    summary = fields.String()
    description = fields.String()
    municipality = fields.String()
    province = fields.String()
    postcode = fields.String()
    funding_goal = NumberOrString()
    currency = fields.String(validate=validate.Equal("EUR"))
    website = fields.String()
    anbi = fields.Boolean()
    rsin = fields.String()


class InitiativePatchSchema(InitiativeInputSchema):
    status = fields.String(validate=validate.OneOf(STATUSES))


class InitiativeQuerySchema(Schema):
    theme = fields.String(validate=validate.OneOf(THEMES))
    municipality = fields.String()
    q = fields.String()
    page = Integer(load_default=1, minimum=1)
    per_page = Integer(load_default=20, minimum=1, maximum=100)


class InitiativePageSchema(PageSchema):
    items = Items(InitiativeSchema)
