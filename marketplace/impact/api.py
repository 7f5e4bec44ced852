"""JSON API for impact: the metric catalog, declared outcomes and inputs, reports, social return."""

from flask import jsonify, request
from flask_babel import gettext as _
from flask_smorest import Blueprint

from marketplace.api.auth import BEARER, api_user_or_anonymous, require_admin, require_api_user
from marketplace.errors import InvalidInput, NotAllowed
from marketplace.impact import access, catalog, declarations, reports, review
from marketplace.impact.schemas import (
    InputInputSchema,
    InputSchema,
    MetricDetailSchema,
    MetricInputSchema,
    MetricPatchSchema,
    MetricQuerySchema,
    MetricSchema,
    OutcomeInputSchema,
    OutcomeSchema,
    PublicReportSchema,
    ReportInputSchema,
    ReportPatchSchema,
    ReportSchema,
    ReviewInputSchema,
)
from marketplace.initiatives.services import get_initiative

blp = Blueprint("api_impact", __name__, url_prefix="/api/v1", description="Impact and SROI")


# --- metric catalog -------------------------------------------------------------------------------


@blp.route("/metrics")
@blp.arguments(MetricQuerySchema, location="query")
@blp.response(200, MetricSchema(many=True))
def list_metrics(query):
    """The metric catalog with each metric's current proxy and default filters."""
    include_inactive = query.get("include_inactive") and api_user_or_anonymous().is_admin
    return catalog.list_metrics(query.get("theme"), include_inactive=bool(include_inactive))


@blp.route("/metrics", methods=["POST"])
@blp.arguments(MetricInputSchema)
@blp.response(201, MetricDetailSchema)
@blp.doc(security=BEARER)
def create_metric(data):
    """Add a metric (admin); proxy fields give its first proxy version."""
    user = require_admin()
    return catalog.create_metric(data, user)


@blp.route("/metrics/<code>")
@blp.response(200, MetricDetailSchema)
def get_metric(code: str):
    """One metric with every proxy version."""
    return catalog.get_metric(code)


@blp.route("/metrics/<code>", methods=["PATCH"])
@blp.arguments(MetricPatchSchema)
@blp.response(200, MetricDetailSchema)
@blp.doc(security=BEARER)
def patch_metric(data, code: str):
    """Change a metric (admin). Any of proxy_value, price_year, basis, source_title, source_url
    creates a new proxy version valid from `valid_from` (default today); old versions stay."""
    user = require_admin()
    return catalog.update_metric(catalog.get_metric(code), data, user)


# --- declared outcomes and inputs -----------------------------------------------------------------


@blp.route("/initiatives/<int:initiative_id>/outcomes")
@blp.response(200, OutcomeSchema(many=True))
def list_outcomes(initiative_id: int):
    """The metrics an initiative reports, with its filters and justifications."""
    initiative = get_initiative(initiative_id, api_user_or_anonymous())
    return declarations.declared_outcomes(initiative)


@blp.route("/initiatives/<int:initiative_id>/outcomes", methods=["POST"])
@blp.arguments(OutcomeInputSchema)
@blp.response(201, OutcomeSchema)
@blp.doc(security=BEARER)
def declare_outcome(data, initiative_id: int):
    """Declare a metric (filters default to the metric's); again for the same metric updates it."""
    user = require_api_user()
    initiative = get_initiative(initiative_id, user)
    outcome, created = declarations.declare_outcome(initiative, user, data)
    return outcome, 201 if created else 200


@blp.route("/initiatives/<int:initiative_id>/outcomes/<code>", methods=["DELETE"])
@blp.response(204)
@blp.doc(security=BEARER)
def remove_outcome(initiative_id: int, code: str):
    """Stop reporting a metric."""
    user = require_api_user()
    declarations.remove_outcome(get_initiative(initiative_id, user), user, code)


@blp.route("/initiatives/<int:initiative_id>/inputs")
@blp.response(200, InputSchema(many=True))
@blp.doc(security=BEARER)
def list_inputs(initiative_id: int):
    """Declared inputs (owners and admins)."""
    user = require_api_user()
    initiative = get_initiative(initiative_id, user)
    access.require_editor(initiative, user)
    return declarations.declared_inputs(initiative)


@blp.route("/initiatives/<int:initiative_id>/inputs", methods=["POST"])
@blp.arguments(InputInputSchema)
@blp.response(201, InputSchema)
@blp.doc(security=BEARER)
def add_input(data, initiative_id: int):
    """Declare an input from outside the platform (money or in kind, in euros)."""
    user = require_api_user()
    return declarations.add_input(get_initiative(initiative_id, user), user, data)


@blp.route("/initiatives/<int:initiative_id>/inputs/<int:input_id>", methods=["DELETE"])
@blp.response(204)
@blp.doc(security=BEARER)
def remove_input(initiative_id: int, input_id: int):
    user = require_api_user()
    declarations.remove_input(get_initiative(initiative_id, user), user, input_id)


# --- outcome reports ------------------------------------------------------------------------------


@blp.route("/initiatives/<int:initiative_id>/outcome-reports")
@blp.response(200, ReportSchema(many=True))
def list_reports(initiative_id: int):
    """Reports of an initiative: all for its owners and verifiers, accepted ones for others
    (without note, evidence, events and rejection reason)."""
    user = api_user_or_anonymous()
    initiative = get_initiative(initiative_id, user)
    found = reports.reports_for_initiative(initiative, user)
    privileged = user.is_authenticated and (user.is_verifier or initiative.is_owned_by(user))
    schema = ReportSchema(many=True) if privileged else PublicReportSchema(many=True)
    return jsonify(schema.dump(found))


@blp.route("/initiatives/<int:initiative_id>/outcome-reports", methods=["POST"])
@blp.arguments(ReportInputSchema)
@blp.response(201, ReportSchema)
@blp.doc(security=BEARER)
def create_report(data, initiative_id: int):
    """Report quantities for one month, quarter or year; `submit: true` sends it for review."""
    user = require_api_user()
    return reports.create_outcome_report(get_initiative(initiative_id, user), user, data)


@blp.route("/outcome-reports")
@blp.response(200, ReportSchema(many=True))
@blp.doc(security=BEARER)
def review_queue():
    """Reports awaiting review (verifiers)."""
    user = require_api_user()
    if not user.is_verifier:
        raise NotAllowed(_("Only verifiers may review outcome reports."))
    return review.review_queue()


@blp.route("/outcome-reports/<int:report_id>")
@blp.response(200, ReportSchema)
@blp.doc(security=BEARER)
def get_report(report_id: int):
    """One report with its audit trail (owners and verifiers)."""
    return access.get_report(report_id, require_api_user())


@blp.route("/outcome-reports/<int:report_id>", methods=["PATCH"])
@blp.arguments(ReportPatchSchema(partial=True))
@blp.response(200, ReportSchema)
@blp.doc(security=BEARER)
def patch_report(data, report_id: int):
    """Fix a draft or rejected report; `submit: true` submits it (again)."""
    user = require_api_user()
    return reports.update_outcome_report(access.get_report(report_id, user), user, data)


@blp.route("/outcome-reports/<int:report_id>/evidence", methods=["POST"])
@blp.response(200, ReportSchema)
@blp.doc(security=BEARER)
def upload_evidence(report_id: int):
    """Attach a PDF or image (multipart field `file`, at most 10 MB)."""
    user = require_api_user()
    report = access.get_report(report_id, user)
    upload = request.files.get("file")
    if upload is None:
        raise InvalidInput(_("Send the file as multipart field 'file'."), {"file": ["missing"]})
    return reports.update_outcome_report(
        report, user, {}, evidence=upload.stream, evidence_name=upload.filename
    )


@blp.route("/outcome-reports/<int:report_id>/submit", methods=["POST"])
@blp.response(200, ReportSchema)
@blp.doc(security=BEARER)
def submit_report(report_id: int):
    user = require_api_user()
    return reports.submit_outcome_report(access.get_report(report_id, user), user)


@blp.route("/outcome-reports/<int:report_id>/review", methods=["POST"])
@blp.arguments(ReviewInputSchema)
@blp.response(200, ReportSchema)
@blp.doc(security=BEARER)
def review_report(data, report_id: int):
    """Accept (with an evidence level 1-5) or reject (with a reason); verifiers only."""
    user = require_api_user()
    access.get_report(report_id, user)  # 404 for those who may not see it
    return review.review_outcome_report(
        report_id, user, data["decision"], data.get("reason", ""), data.get("evidence_level")
    )
