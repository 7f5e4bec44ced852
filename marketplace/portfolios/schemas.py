"""API schemas for portfolios (documentation of the shapes built in exports.portfolio_json)."""

from marshmallow import Schema, fields

from marketplace.api.schemas import Integer


class PortfolioQuerySchema(Schema):
    period = fields.String(
        load_default=None, metadata={"description": "12m, 36m, 60m or all (default: all)"}
    )
    from_ = fields.String(
        data_key="from", load_default=None, metadata={"description": "first month, YYYY-MM"}
    )
    to = fields.String(load_default=None, metadata={"description": "last month, YYYY-MM"})
    holding_series = fields.Boolean(
        load_default=False, metadata={"description": "include each holding's monthly series"}
    )


class ValueKindSchema(Schema):
    fiscal = fields.String()
    wellbeing = fields.String()
    environmental = fields.String()
    economic = fields.String()


class PointSchema(Schema):
    month = fields.String(metadata={"example": "2025-01"})
    given = fields.String(metadata={"description": "cumulative net given, euros"})
    attributed_social_value = fields.String(metadata={"description": "cumulative, euros"})
    social_return = fields.String(allow_none=True)


class ComparisonSchema(Schema):
    theme = fields.String()
    size_band = fields.String()
    count = Integer()
    q1 = fields.String()
    median = fields.String()
    q3 = fields.String()
    position = fields.String(allow_none=True)


class HoldingSchema(Schema):
    kind = fields.String(metadata={"description": "gift | time | member_share | loan | bond"})
    hours = fields.String(
        allow_none=True,
        metadata={"description": "time given: confirmed volunteer hours (`given` is their value)"},
    )
    initiative_id = Integer()
    initiative_name = fields.String()
    initiative_slug = fields.String()
    theme = fields.String()
    given = fields.String(
        metadata={
            "description": "what counts as input: gifts paid net of refunds and chargebacks; "
            "for an investment the principal not yet repaid"
        }
    )
    first_gift_at = fields.String(allow_none=True)
    last_gift_at = fields.String(allow_none=True)
    monthly_running = fields.Boolean()
    share = fields.String(metadata={"description": "share of the initiative's inputs, 0..1"})
    attributed_social_value = fields.String()
    social_return = fields.String(
        allow_none=True, metadata={"description": "None before the first accepted report"}
    )
    value_kind = fields.Nested(ValueKindSchema)
    initiative_inputs = fields.String()
    initiative_social_value = fields.String()
    comparison = fields.Nested(ComparisonSchema, allow_none=True)
    series = fields.List(fields.Nested(PointSchema))
    invested = fields.String(allow_none=True, metadata={"description": "investments: paid in"})
    outstanding = fields.String(allow_none=True, metadata={"description": "principal owed"})
    interest_received = fields.String(allow_none=True)
    expected = fields.String(allow_none=True, metadata={"description": "instalments due so far"})
    received = fields.String(allow_none=True, metadata={"description": "interest + principal"})
    written_off = fields.String(allow_none=True)
    xirr = fields.String(
        allow_none=True, metadata={"description": 'money-weighted return, % a year ("5.12")'}
    )
    investment_status = fields.String(allow_none=True, metadata={"description": "offer status"})


class ThemeTotalSchema(Schema):
    given = fields.String()
    attributed_social_value = fields.String()
    social_return = fields.String(allow_none=True)


class TotalsSchema(Schema):
    given = fields.String()
    attributed_social_value = fields.String()
    social_return = fields.String(allow_none=True)
    value_kind = fields.Nested(ValueKindSchema)
    theme = fields.Dict(keys=fields.String(), values=fields.Nested(ThemeTotalSchema))


class FunderSchema(Schema):
    kind = fields.String()
    id = Integer()
    name = fields.String()


class WatchSchema(Schema):
    initiative_id = Integer()
    name = fields.String()
    slug = fields.String()
    theme = fields.String()


class PortfolioSchema(Schema):
    funder = fields.Nested(FunderSchema)
    currency = fields.String()
    as_of = fields.String(allow_none=True)
    holdings = fields.List(fields.Nested(HoldingSchema))
    totals = fields.Nested(TotalsSchema)
    series = fields.List(fields.Nested(PointSchema))
    watchlist = fields.List(fields.Nested(WatchSchema))
