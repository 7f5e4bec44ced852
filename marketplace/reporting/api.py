"""Report archive API: list, read, and download the PDF (own / own organisations' only)."""

from flask_smorest import Blueprint

from marketplace.api.auth import BEARER, require_api_user
from marketplace.api.schemas import PaginationQuery, page_envelope
from marketplace.reporting.archive import get_report as get_archived_report
from marketplace.reporting.archive import reports_for
from marketplace.reporting.schemas import ArchivedReportDetailSchema, ArchivedReportPageSchema
from marketplace.reporting.views import pdf_response

blp = Blueprint("api_reports", __name__, url_prefix="/api/v1/reports", description="Reports")


@blp.route("")
@blp.arguments(PaginationQuery, location="query")
@blp.response(200, ArchivedReportPageSchema)
@blp.doc(security=BEARER)
def list_reports(query):
    """The caller's reports (own, organisations', initiatives'), newest first."""
    user = require_api_user()
    pagination = reports_for(user, page=query["page"], per_page=query["per_page"])
    return page_envelope(pagination, list(pagination.items))


@blp.route("/<int:report_id>")
@blp.response(200, ArchivedReportDetailSchema)
@blp.doc(security=BEARER)
def get_report(report_id: int):
    """One report with its HTML; someone else's report is 404."""
    return get_archived_report(report_id, require_api_user())


@blp.route("/<int:report_id>/pdf")
@blp.response(200, {"type": "string", "format": "binary"}, content_type="application/pdf")
@blp.doc(security=BEARER)
def get_report_pdf(report_id: int):
    """The report's PDF; someone else's report is 404."""
    return pdf_response(get_archived_report(report_id, require_api_user()))
