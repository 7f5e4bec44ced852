"""Report archive in the JSON API."""

from marshmallow import Schema, fields


class ArchivedReportSchema(Schema):
    id = fields.Integer()
    owner_type = fields.Function(lambda r: r.owner_type.value)
    owner_id = fields.Integer()
    owner_name = fields.String(
        metadata={"description": "The person's, organisation's or initiative's name."}
    )
    cadence = fields.Function(lambda r: r.cadence.value)
    period_start = fields.Date()
    period_end = fields.Date()
    status = fields.Function(lambda r: r.status.value)
    title = fields.String()
    language = fields.String()
    built_at = fields.DateTime()
    sent_at = fields.DateTime()
    pdf_url = fields.Function(lambda r: f"/api/v1/reports/{r.id}/pdf")


class ArchivedReportDetailSchema(ArchivedReportSchema):
    html = fields.String()


class ArchivedReportPageSchema(Schema):
    items = fields.List(fields.Nested(ArchivedReportSchema))
    page = fields.Integer()
    per_page = fields.Integer()
    total = fields.Integer()
    pages = fields.Integer()
