"""API schemas for follows, updates and the feed."""

from datetime import UTC

from marshmallow import Schema, fields, validate

from marketplace.api.schemas import Id, Integer
from marketplace.community.models import SubjectType

SUBJECT_TYPES = [t.value for t in SubjectType]
ID_OR_CODE = {
    "oneOf": [{"type": "integer", "minimum": 1}, {"type": "string", "maxLength": 100}],
    "description": "the id of an initiative, person or organisation; the code of a theme "
    "(`energy`); the name of a municipality as initiatives carry it (`Utrecht`)",
}


class IdOrCode(fields.Field):
    """An id (integer) or a code (string): what `subject_id` names depends on `subject_type`."""

    default_error_messages = {"invalid": "Not an id or a code."}

    def _deserialize(self, value, attr, data, **kwargs):
        if isinstance(value, bool) or not isinstance(value, (int, str)):
            raise self.make_error("invalid")
        if isinstance(value, str) and len(value) > 100:
            raise self.make_error("invalid")
        return value

    def _serialize(self, value, attr, obj, **kwargs):
        return value


class FollowInputSchema(Schema):
    subject_type = fields.String(required=True, validate=validate.OneOf(SUBJECT_TYPES))
    subject_id = IdOrCode(required=True, metadata=ID_OR_CODE)
    organisation_id = Id(
        load_default=None,
        allow_none=True,
        metadata={"description": "follow for this organisation (you are its owner or member)"},
    )


class FollowSchema(Schema):
    id = Integer()
    subject_type = fields.Function(
        lambda f: f.subject_type.value, metadata={"type": "string", "enum": SUBJECT_TYPES}
    )
    subject_id = IdOrCode(metadata=ID_OR_CODE)
    organisation_id = Integer(allow_none=True)
    created_at = fields.DateTime()


class UpdateInputSchema(Schema):
    title = fields.String(required=True, validate=validate.Length(min=1, max=200))
    body = fields.String(load_default="", validate=validate.Length(max=20000))
    outcome_report_id = Id(load_default=None, allow_none=True)
    event_id = Id(load_default=None, allow_none=True)


class UpdateSchema(Schema):
    id = Integer()
    initiative_id = Integer()
    title = fields.String()
    body = fields.String(metadata={"description": "Markdown as written"})
    body_html = fields.String(metadata={"description": "the body rendered and sanitised"})
    author = fields.String(allow_none=True)
    photos = fields.List(fields.String(), metadata={"description": "photo URLs"})
    outcome_report_id = Integer(allow_none=True)
    event_id = Integer(allow_none=True)
    published_at = fields.DateTime()
    url = fields.String()


class FeedQuerySchema(Schema):
    before = fields.AwareDateTime(
        load_default=None,
        default_timezone=UTC,
        metadata={"description": "the cursor: `next_before` of the previous page"},
    )
    limit = Integer(load_default=20, minimum=1, maximum=50)


class FeedItemSchema(Schema):
    kind = fields.String()
    id = Integer()
    title = fields.String()
    url = fields.String()
    published_at = fields.DateTime()
    summary_html = fields.String()
    initiative_id = Integer(allow_none=True)
    organisation_id = Integer(allow_none=True)
    place = fields.String(allow_none=True)
    starts_at = fields.DateTime(allow_none=True)


class FeedSchema(Schema):
    items = fields.List(fields.Nested(FeedItemSchema))
    next_before = fields.DateTime(allow_none=True)
