"""API schemas for ratings and reviews."""

from marshmallow import Schema, fields, validate

from marketplace.api.schemas import DecimalString, Id, Integer, Items, PageSchema, PaginationQuery
from marketplace.reviews.models import SubjectType

SUBJECT_TYPES = [s.value for s in SubjectType]


class RatingInputSchema(Schema):
    subject_type = fields.String(required=True, validate=validate.OneOf(SUBJECT_TYPES))
    subject_id = Id(required=True)
    stars = Integer(required=True, minimum=1, maximum=5)
    text = fields.String(load_default="", allow_none=True, validate=validate.Length(max=1000))


class RatingSchema(Schema):
    id = Integer()
    subject_type = fields.Function(
        lambda r: r.subject_type.value, metadata={"type": "string", "enum": SUBJECT_TYPES}
    )
    subject_id = Integer()
    stars = Integer()
    text = fields.String()
    verified = fields.Boolean(metadata={"description": "by a verified participant"})
    author = fields.Function(
        lambda r: r.author_name or None, metadata={"type": "string", "nullable": True}
    )
    reply = fields.String(attribute="reply_text", allow_none=True)
    replied_at = fields.DateTime(allow_none=True)
    created_at = fields.DateTime()
    updated_at = fields.DateTime()


class RatingPageSchema(PageSchema):
    items = Items(RatingSchema)


class RatingQuerySchema(PaginationQuery):
    subject_type = fields.String(validate=validate.OneOf(SUBJECT_TYPES))
    subject_id = Id()


class SubjectQuerySchema(Schema):
    subject_type = fields.String(required=True, validate=validate.OneOf(SUBJECT_TYPES))
    subject_id = Id(required=True)


class SummarySchema(Schema):
    subject_type = fields.String()
    subject_id = Integer()
    count = Integer()
    average = DecimalString(allow_none=True)
    distribution = fields.Dict(keys=fields.String(), values=Integer())
    verified_count = Integer()
    verified_average = DecimalString(allow_none=True)


class ReplyInputSchema(Schema):
    text = fields.String(required=True, validate=validate.Length(min=1, max=1000))


class ReasonInputSchema(Schema):
    reason = fields.String(load_default="", validate=validate.Length(max=500))
