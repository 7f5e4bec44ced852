"""Report archive, preferences, one-click unsubscribe, and the admin list of failed mail."""

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from marketplace.accounts.auth import admin_required
from marketplace.errors import InvalidInput
from marketplace.extensions import csrf
from marketplace.inputs import page_arg
from marketplace.mail import outbox
from marketplace.reporting import preferences as report_preferences
from marketplace.reporting.archive import get_report, reports_for
from marketplace.reporting.builder import extract_body, report_pdf
from marketplace.reporting.forms import PreferenceForm

bp = Blueprint("reporting", __name__, url_prefix="/impact-reports")


@bp.route("", methods=["GET"])
@login_required
def archive():
    """The reports the user may read, newest first."""
    page = page_arg()
    pagination = reports_for(current_user, page=page)
    return render_template("reporting/archive.html", pagination=pagination)


@bp.route("/<int:report_id>", methods=["GET"])
@login_required
def show_report(report_id: int):
    """One report, as sent."""
    report = get_report(report_id, current_user)
    return render_template(
        "reporting/show.html", report=report, body=extract_body(report.html or "")
    )


@bp.route("/<int:report_id>/pdf", methods=["GET"])
@login_required
def download_pdf(report_id: int):
    """The report's PDF, as attached to the mail."""
    report = get_report(report_id, current_user)
    return pdf_response(report)


def pdf_response(report) -> Response:
    """The report's PDF, made from its stored HTML on the first download when the run did not
    make it (nobody asked for it attached)."""
    if not report.pdf:
        if not report.html:
            abort(404)
        report_pdf(report)
    name = f"impactbeurs-report-{report.period_start:%Y-%m}-{report.id}.pdf"
    return Response(
        report.pdf,
        mimetype="application/pdf",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


@bp.route("/preferences", methods=["GET", "POST"])
@login_required
def preferences():
    """Monthly, quarterly or no reports; reminders on or off."""
    preference = report_preferences.preference_for(current_user)
    form = PreferenceForm(
        data={
            "cadence": preference.cadence.value,
            "reminders": preference.reminders,
            "pdf_attached": preference.pdf_attached,
        }
    )
    if form.validate_on_submit():
        cadence, reminders = form.cadence.data, form.reminders.data
        try:
            report_preferences.update_preference(
                current_user, cadence, reminders, form.pdf_attached.data
            )
        except InvalidInput as error:
            form.cadence.errors = list(error.errors.get("cadence", [error.message]))
        else:
            flash(_("Your report preferences are saved."), "success")
            return redirect(url_for("reporting.preferences"))
    return render_template("reporting/preferences.html", form=form)


@bp.route("/unsubscribe/<token>", methods=["GET"])
def unsubscribe(token: str):
    """The link in the mail: shows a confirm button (GET must not change anything)."""
    user, kind = report_preferences.user_for_unsubscribe(token)
    return render_template("reporting/unsubscribe.html", token=token, kind=kind, done=False)


@bp.route("/unsubscribe/<token>", methods=["POST"])
@csrf.exempt  # RFC 8058 one-click: the mail client POSTs without a session; the token is the proof
def unsubscribe_post(token: str):
    """One-click unsubscribe (RFC 8058), and the confirm button of the page above."""
    _user, kind = report_preferences.unsubscribe(token)
    if request.form.get("List-Unsubscribe") == "One-Click":
        return Response(status=204)
    return render_template("reporting/unsubscribe.html", token=token, kind=kind, done=True)


@bp.route("/admin/failed-mail", methods=["GET"])
@admin_required
def failed_mail():
    """Mail that could not be delivered after all retries."""
    return render_template("reporting/failed_mail.html", messages=outbox.failed_mail())


@bp.route("/admin/failed-mail/<int:message_id>/retry", methods=["POST"])
@admin_required
def retry_mail(message_id: int):
    """Queue a failed mail again."""
    outbox.retry_mail(message_id)
    flash(_("The mail is queued again."), "success")
    return redirect(url_for("reporting.failed_mail"))
