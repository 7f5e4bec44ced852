"""Open data schemas of the exchange: every number a decimal string, never a float."""

from decimal import Decimal

from marshmallow import Schema, fields

from marketplace.api.schemas import CentsAsDecimalString, DecimalString, Integer

CENT = Decimal("0.01")


class EuroString(fields.String):
    """A euro amount (Decimal) as a string rounded to the cent."""

    def _serialize(self, value, attr, obj, **kwargs):
        return None if value is None else str(Decimal(value).quantize(CENT))


class MonthString(fields.String):
    """A first-of-month date as "YYYY-MM"."""

    def _serialize(self, value, attr, obj, **kwargs):
        return None if value is None else value.strftime("%Y-%m")


class QuoteQuerySchema(Schema):
    theme = fields.String(load_default=None)
    province = fields.String(load_default=None)
    municipality = fields.String(load_default=None)


class QuoteSchema(Schema):
    initiative_id = Integer()
    name = fields.String()
    theme = fields.String()
    municipality = fields.String()
    social_return = DecimalString(allow_none=True)
    change_3m = DecimalString(allow_none=True)
    change_12m = DecimalString(allow_none=True)
    inputs = CentsAsDecimalString(attribute="inputs_cents")
    evidence_level = Integer(allow_none=True)


class LicensedSchema(Schema):
    licence = fields.String()
    licence_url = fields.String()
    as_of = MonthString(allow_none=True)


class QuoteListSchema(LicensedSchema):
    items = fields.List(fields.Nested(QuoteSchema))


class IndexPointSchema(Schema):
    month = MonthString()
    value = DecimalString()


class IndexSchema(Schema):
    theme = fields.String()
    series = fields.List(fields.Nested(IndexPointSchema))


class IndexListSchema(LicensedSchema):
    items = fields.List(fields.Nested(IndexSchema))


class SavingsSchema(Schema):
    fiscal = EuroString()
    total = EuroString()


class MunicipalitySavingsSchema(SavingsSchema):
    municipality = fields.String()


class SavingsReportSchema(LicensedSchema):
    national = fields.Nested(SavingsSchema)
    by_municipality = fields.List(fields.Nested(MunicipalitySavingsSchema))
