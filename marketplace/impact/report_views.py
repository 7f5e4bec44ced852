"""Outcome report pages: reporting by form or CSV, viewing, submitting, the verifiers' queue
and their review."""

from flask import (
    Blueprint,
    Response,
    abort,
    flash,
    redirect,
    render_template,
    request,
    send_file,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user, login_required

from marketplace.accounts.auth import verifier_required
from marketplace.accounts.forms import EmptyForm
from marketplace.accounts.views import show_errors
from marketplace.errors import InvalidInput
from marketplace.impact import (
    access,
    declarations,
    history,
    reports,
    reports_csv,
    review,
)
from marketplace.impact.evidence import evidence_path
from marketplace.impact.forms import (
    CsvImportForm,
    ReportForm,
    ReviewForm,
)
from marketplace.impact.models import EVIDENCE_LEVELS, ReportPeriod
from marketplace.impact.parsing import ParseError, parse_date
from marketplace.impact.schemas import plain
from marketplace.initiatives.services import get_initiative_by_slug
from marketplace.reviews.reviews import participants_summary

bp = Blueprint("outcome_reports", __name__)


def _report_data(form: ReportForm, outcomes, submit: bool) -> dict:
    """Service input from the web form: period end computed from the kind and first day."""
    data = {
        "period": form.period.data,
        "period_start": form.period_start.data,
        "evidence_url": form.evidence_url.data or "",
        "note": form.note.data or "",
        "submit": submit,
        "values": [],
    }
    try:
        start = parse_date(form.period_start.data)
        data["period_end"] = reports.period_end_for(ReportPeriod(form.period.data), start)
        data["period_end"] = data["period_end"].isoformat()
    except (ParseError, ValueError):
        data["period_end"] = ""
    for outcome in outcomes:
        raw = (request.form.get(f"quantity-{outcome.metric.code}") or "").strip()
        if raw:
            data["values"].append({"metric": outcome.metric.code, "quantity": raw})
    return data


def _evidence_upload(form: ReportForm):
    upload = form.evidence.data
    if upload and getattr(upload, "filename", ""):
        return upload.stream, upload.filename
    return None, None


@bp.route("/initiatives/<slug>/reports/new", methods=["GET", "POST"])
@login_required
def new_report(slug: str):
    """Report quantities for a period, with evidence."""
    initiative = get_initiative_by_slug(slug, current_user)
    access.require_owner(initiative, current_user)
    outcomes = declarations.declared_outcomes(initiative)
    form = ReportForm()
    saved, errors = _save_report_form(
        form,
        outcomes,
        lambda data, stream, name: reports.create_outcome_report(
            initiative, current_user, data, stream, name
        ),
    )
    if saved is not None:
        return redirect(url_for("outcome_reports.report", report_id=saved.id))
    status = 422 if (form.errors or errors) else 200
    return render_template(
        "impact/report_form.html",
        initiative=initiative,
        outcomes=outcomes,
        form=form,
        report=None,
        errors=errors,
        quantities=request.form,
    ), status


def _save_report_form(form: ReportForm, outcomes, save):
    """Validate the report form and call `save(data, evidence stream, evidence name)`.

    Returns (the saved report, {}) on success, else (None, field errors) with the form marked.
    """
    if not form.validate_on_submit():
        return None, {}
    stream, name = _evidence_upload(form)
    submit = request.form.get("action") == "submit"
    try:
        report = save(_report_data(form, outcomes, submit), stream, name)
    except InvalidInput as error:
        show_errors(form, error)
        return None, error.errors
    flash(
        _("The report is submitted for review.") if submit else _("The draft is saved."),
        "success",
    )
    return report, {}


@bp.route("/reports/<int:report_id>/edit", methods=["GET", "POST"])
@login_required
def edit_report(report_id: int):
    report = access.get_report(report_id, current_user)
    initiative = report.initiative
    access.require_owner(initiative, current_user)
    if not report.is_editable:
        flash(_("Only a draft or rejected report can be changed."), "error")
        return redirect(url_for("outcome_reports.report", report_id=report.id))
    outcomes = declarations.declared_outcomes(initiative)
    form = ReportForm(
        data={
            "period": report.period.value,
            "period_start": report.period_start.isoformat(),
            "evidence_url": report.evidence_url,
            "note": report.note,
        }
        if request.method == "GET"
        else None
    )
    saved, errors = _save_report_form(
        form,
        outcomes,
        lambda data, stream, name: (
            reports.update_outcome_report(report, current_user, data, stream, name) or report
        ),
    )
    if saved is not None:
        return redirect(url_for("outcome_reports.report", report_id=report.id))
    quantities = (
        {f"quantity-{v.metric.code}": (plain(v.quantity) or "") for v in report.values}
        if request.method == "GET"
        else request.form
    )
    status = 422 if (form.errors or errors) else 200
    return render_template(
        "impact/report_form.html",
        initiative=initiative,
        outcomes=outcomes,
        form=form,
        report=report,
        errors=errors,
        quantities=quantities,
    ), status


@bp.route("/initiatives/<slug>/reports/import", methods=["GET", "POST"])
@login_required
def import_reports(slug: str):
    """Upload a CSV of reports; any bad row and nothing is saved."""
    initiative = get_initiative_by_slug(slug, current_user)
    access.require_owner(initiative, current_user)
    form = CsvImportForm()
    row_errors: list[str] = []
    if form.validate_on_submit():
        try:
            reports = reports_csv.import_reports_csv(
                initiative, current_user, form.file.data.stream, bool(form.submit_reports.data)
            )
        except InvalidInput as error:
            row_errors = list(error.errors.get("rows", []))
            if not row_errors:
                form.file.errors = [*form.file.errors, error.message]
            else:
                flash(error.message, "error")
        else:
            flash(_("%(n)d reports imported.", n=len(reports)), "success")
            return redirect(url_for("impact.manage", slug=slug))
    status = 422 if (form.errors or row_errors) else 200
    return render_template(
        "impact/report_import.html",
        initiative=initiative,
        form=form,
        row_errors=row_errors,
        columns=reports_csv.COLUMNS,
    ), status


@bp.route("/initiatives/<slug>/reports/template.csv")
@login_required
def report_template(slug: str):
    initiative = get_initiative_by_slug(slug, current_user)
    access.require_owner(initiative, current_user)
    return Response(
        reports_csv.template_csv(initiative),
        mimetype="text/csv",
        headers={
            "Content-Disposition": f'attachment; filename="outcome-reports-{initiative.slug}.csv"'
        },
    )


@bp.route("/reports/<int:report_id>")
@login_required
def report(report_id: int):
    """One report with its values, evidence, audit trail and (for verifiers) the review form."""
    report = access.get_report(report_id, current_user)
    return render_template(
        "impact/report.html",
        report=report,
        initiative=report.initiative,
        review_form=ReviewForm(),
        button_form=EmptyForm(),
        can_review=access.can_review(report, current_user),
        is_owner=report.initiative.is_owned_by(current_user),
        evidence_levels=EVIDENCE_LEVELS,
        history=history.report_history(report),
        community_signal=participants_summary(report.initiative_id),
    )


@bp.route("/reports/<int:report_id>/submit", methods=["POST"])
@login_required
def submit_report(report_id: int):
    report = access.get_report(report_id, current_user)
    if EmptyForm().validate_on_submit():
        try:
            reports.submit_outcome_report(report, current_user)
        except InvalidInput as error:
            flash(" ".join([error.message, *sum(error.errors.values(), [])]), "error")
        else:
            flash(_("The report is submitted for review."), "success")
    return redirect(url_for("outcome_reports.report", report_id=report_id))


@bp.route("/reports/<int:report_id>/withdraw", methods=["POST"])
@login_required
def withdraw_report(report_id: int):
    report = access.get_report(report_id, current_user)
    if EmptyForm().validate_on_submit():
        reports.withdraw_outcome_report(report, current_user)
        flash(_("The report is back in draft."), "success")
    return redirect(url_for("outcome_reports.report", report_id=report_id))


@bp.route("/reports/<int:report_id>/review", methods=["POST"])
@login_required
def review_report(report_id: int):
    report = access.get_report(report_id, current_user)
    form = ReviewForm()
    if form.validate_on_submit():
        try:
            review.review_outcome_report(
                report.id,
                current_user,
                form.decision.data,
                form.reason.data or "",
                form.evidence_level.data or None,
            )
        except InvalidInput as error:
            show_errors(form, error)
        else:
            flash(
                _("The report is accepted.")
                if form.decision.data == "accepted"
                else _("The report is rejected; the owners are told why."),
                "success",
            )
            return redirect(url_for("outcome_reports.queue"))
    return render_template(
        "impact/report.html",
        report=report,
        initiative=report.initiative,
        review_form=form,
        button_form=EmptyForm(),
        can_review=access.can_review(report, current_user),
        is_owner=report.initiative.is_owned_by(current_user),
        evidence_levels=EVIDENCE_LEVELS,
        history=history.report_history(report),
        community_signal=participants_summary(report.initiative_id),
    ), 422


@bp.route("/reports/<int:report_id>/evidence")
@login_required
def evidence(report_id: int):
    """The evidence file: inline when an image, otherwise as a download."""
    report = access.get_report(report_id, current_user)
    if not report.evidence_filename:
        abort(404)
    path = evidence_path(report.evidence_filename)
    if not path.exists():
        abort(404)
    is_image = (report.evidence_content_type or "").startswith("image/")
    response = send_file(
        path,
        mimetype=report.evidence_content_type,
        as_attachment=not is_image,
        download_name=report.evidence_original_name or report.evidence_filename,
        max_age=0,
    )
    if is_image:
        response.headers["Content-Disposition"] = "inline"
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = "private, no-store"
    return response


@bp.route("/verify")
@verifier_required
def queue():
    """Reports awaiting review, oldest first."""
    reports = review.review_queue()
    return render_template(
        "impact/queue.html",
        reports=reports,
        reviewable={r.id for r in reports if access.can_review(r, current_user)},
    )
