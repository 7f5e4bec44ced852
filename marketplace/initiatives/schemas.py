from marshmallow import Schema, fields, validate

from marketplace.api.schemas import CentsAsDecimalString, DecimalString, NumberOrString
from marketplace.initiatives.models import InitiativeStatus, Theme

THEMES = [theme.value for theme in Theme]


class InitiativeSchema(Schema):
    id = fields.Integer(dump_only=True)
    slug = fields.String()
    name = fields.String()
    legal_name = fields.String()
    theme = fields.Function(lambda i: i.theme.value)
    summary = fields.String()
    description = fields.String()
    municipality = fields.String()
    province = fields.String()
    postcode = fields.String()
    # Set from the postcode by the geocoder (PDOK), never typed; null when not placed yet.
    latitude = DecimalString(dump_only=True)
    longitude = DecimalString(dump_only=True)
    funding_goal = CentsAsDecimalString(attribute="funding_goal_cents")
    currency = fields.String()
    website = fields.String()
    anbi = fields.Boolean()
    rsin = fields.String()
    status = fields.Function(lambda i: i.status.value)
    url = fields.Function(lambda i: f"/initiatives/{i.slug}")
    owner_ids = fields.Function(lambda i: [owner.id for owner in i.owners])
    created_at = fields.DateTime()
    updated_at = fields.DateTime()
    published_at = fields.DateTime()


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
    status = fields.String(validate=validate.OneOf([s.value for s in InitiativeStatus]))


class InitiativeQuerySchema(Schema):
    theme = fields.String(validate=validate.OneOf(THEMES))
    municipality = fields.String()
    q = fields.String()
    page = fields.Integer(load_default=1, validate=validate.Range(min=1))
    per_page = fields.Integer(load_default=20, validate=validate.Range(min=1, max=100))


class InitiativePageSchema(Schema):
    items = fields.List(fields.Nested(InitiativeSchema))
    page = fields.Integer()
    per_page = fields.Integer()
    total = fields.Integer()
    pages = fields.Integer()
