"""Review forms on initiative and event pages, and the administrators' moderation page."""

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from marketplace.errors import DomainError, NotAllowed
from marketplace.inputs import as_id
from marketplace.reviews import moderation, reviews, subjects
from marketplace.reviews.forms import ReasonForm, ReplyForm, ReviewForm

bp = Blueprint("reviews", __name__)


def _back_to(review) -> str:
    subject = subjects.get_subject(review.subject_type, review.subject_id)
    return subject.url + "#reviews"


@bp.route("/reviews", methods=["POST"])
@login_required
def write():
    """Rate (or re-rate) an initiative or an event from its page."""
    form = ReviewForm()
    subject_id = as_id(form.subject_id.data)
    if not form.validate_on_submit() or subject_id is None:
        abort(400)
    try:
        review, created = reviews.write_review(
            current_user, form.subject_type.data, subject_id, int(form.stars.data), form.text.data
        )
    except DomainError as error:
        if error.status_code == 404:
            abort(404)
        flash(error.message, "error")
        return redirect(request.referrer or url_for("pages.home"))
    flash(_("Thank you for your review.") if created else _("Your review is changed."), "success")
    return redirect(_back_to(review))


@bp.route("/reviews/<int:review_id>/reply", methods=["POST"])
@login_required
def reply(review_id: int):
    form = ReplyForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        review = reviews.reply_to_review(current_user, review_id, form.text.data)
    except NotAllowed:
        abort(404)
    except DomainError as error:
        flash(error.message, "error")
        return redirect(_back_to(reviews.get_review(review_id)))
    flash(_("Your reply is published."), "success")
    return redirect(_back_to(review))


@bp.route("/reviews/<int:review_id>/report", methods=["POST"])
@login_required
def report(review_id: int):
    form = ReasonForm()
    if not form.validate_on_submit():
        abort(400)
    review = moderation.report_review(current_user, review_id, form.reason.data or "")
    flash(_("Thank you: an administrator will look at this review."), "success")
    return redirect(_back_to(review))


def _require_admin() -> None:
    if not current_user.is_admin:
        abort(403)


@bp.route("/admin/reviews")
@login_required
def admin_list():
    """Reported reviews to judge, and the hidden ones (with their trail)."""
    _require_admin()
    reported = moderation.reported_reviews()
    hidden = moderation.hidden_reviews()
    return render_template(
        "reviews/admin.html",
        reported=reported,
        hidden=hidden,
        trails={r.id: moderation.trail(r.id) for r in [*reported, *hidden]},
        form=ReasonForm(),
    )


@bp.route("/admin/reviews/<int:review_id>/<action>", methods=["POST"])
@login_required
def admin_act(review_id: int, action: str):
    _require_admin()
    form = ReasonForm()
    if not form.validate_on_submit() or action not in ("hide", "unhide", "dismiss"):
        abort(400)
    try:
        if action == "hide":
            moderation.hide_review(current_user, review_id, form.reason.data or "")
        elif action == "unhide":
            moderation.unhide_review(current_user, review_id, form.reason.data or "")
        else:
            moderation.dismiss_report(current_user, review_id)
    except DomainError as error:
        if error.status_code == 404:
            abort(404)
        flash(error.message, "error")
    else:
        flash(_("Done."), "success")
    return redirect(url_for("reviews.admin_list"))
