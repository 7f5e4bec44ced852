"""Fields and envelopes shared by every API schema."""

from decimal import Decimal

from marshmallow import Schema, fields

from marketplace.money import format_cents


class CentsAsDecimalString(fields.Field):
    """Integer cents in the database, a decimal string ("5000.00") in JSON."""

    def _serialize(self, value, attr, obj, **kwargs):
        return None if value is None else format_cents(value)


class DecimalString(fields.Field):
    """A Decimal as a string in JSON, never a float."""

    def _serialize(self, value, attr, obj, **kwargs):
        if value is None:
            return None
        return str(value if isinstance(value, Decimal) else Decimal(value))


class PaginationQuery(Schema):
    page = fields.Integer(load_default=1, validate=lambda n: n >= 1)
    per_page = fields.Integer(load_default=20, validate=lambda n: 1 <= n <= 100)


def page_envelope(pagination, items: list) -> dict:
    return {
        "items": items,
        "page": pagination.page,
        "per_page": pagination.per_page,
        "total": pagination.total,
        "pages": pagination.pages,
    }


class NumberOrString(fields.Field):
    """Accepts "25.00" or 25 and hands the service a string; the service validates it exactly."""

    default_error_messages = {"invalid": "Not a valid number."}

    def _deserialize(self, value, attr, data, **kwargs):
        if isinstance(value, bool) or not isinstance(value, (str, int, float)):
            raise self.make_error("invalid")
        return str(value)
