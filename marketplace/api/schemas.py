"""Fields and envelopes shared by every API schema."""

from decimal import Decimal

from marshmallow import Schema, fields, validate

from marketplace.inputs import DB_INTEGER_MAX, DB_INTEGER_MIN
from marketplace.money import format_cents


class Integer(fields.Integer):
    """Every integer of the API, within what the database holds: an id of 20922789887999 is a 422
    naming the field, never a database overflow (a 500). `minimum`/`maximum` narrow the bounds;
    the OpenAPI document shows them."""

    def __init__(self, *, minimum: int = DB_INTEGER_MIN, maximum: int = DB_INTEGER_MAX, **kwargs):
        super().__init__(**kwargs)
        self.validators.insert(0, validate.Range(min=minimum, max=maximum))


class Id(Integer):
    """A reference to a row: 1 up to the largest id the database holds."""

    def __init__(self, **kwargs):
        super().__init__(minimum=1, **kwargs)


class CentsAsDecimalString(fields.String):
    """Integer cents in the database, a decimal string ("5000.00") in JSON."""

    def _serialize(self, value, attr, obj, **kwargs):
        return None if value is None else format_cents(value)


class DecimalString(fields.String):
    """A Decimal as a string in JSON, never a float."""

    def _serialize(self, value, attr, obj, **kwargs):
        if value is None:
            return None
        return str(value if isinstance(value, Decimal) else Decimal(value))


class PaginationQuery(Schema):
    page = Integer(load_default=1, minimum=1)
    per_page = Integer(load_default=20, minimum=1, maximum=100)


class PageSchema(Schema):
    """One page of a list (`page_envelope`); a subclass names its items: `items = Items(X)`."""

    page = Integer()
    per_page = Integer()
    total = Integer()
    pages = Integer()


def Items(schema) -> fields.List:  # noqa: N802 (reads as a field type, like fields.List)
    return fields.List(fields.Nested(schema))


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
