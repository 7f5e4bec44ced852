"""Report archive in the JSON API."""

from marshmallow import Schema, fields

from marketplace.api.schemas import Integer, Items, PageSchema


class ArchivedReportSchema(Schema):
    id = Integer()
    owner_type = fields.Function(lambda r: r.owner_type.value, metadata={"type": "string"})
    owner_id = Integer()
    owner_name = fields.String(
        metadata={"description": "The person's, organisation's or initiative's name."}
    )
    cadence = fields.Function(lambda r: r.cadence.value, metadata={"type": "string"})
    period_start = fields.Date()
    period_end = fields.Date()
    status = fields.Function(lambda r: r.status.value, metadata={"type": "string"})
    title = fields.String()
    language = fields.String()
    built_at = fields.DateTime(allow_none=True)
    sent_at = fields.DateTime(allow_none=True)
    pdf_url = fields.Function(lambda r: f"/api/v1/reports/{r.id}/pdf", metadata={"type": "string"})


class ArchivedReportDetailSchema(ArchivedReportSchema):
    html = fields.String()


class ArchivedReportPageSchema(PageSchema):
    items = Items(ArchivedReportSchema)
