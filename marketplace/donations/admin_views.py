"""The admin's gift pages: the latest and flagged gifts, one gift's ledger, refunds, resolving a
flag with a note."""

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import select

from marketplace.accounts.auth import admin_required
from marketplace.accounts.views import show_errors
from marketplace.donations import inbox, refunds
from marketplace.donations.forms import RefundForm, ResolveFlagForm, SimulatorForm
from marketplace.donations.models import Contribution, Flag
from marketplace.errors import InvalidInput, NotFound, ServiceUnavailable
from marketplace.extensions import db

bp = Blueprint("donation_admin", __name__)


@bp.route("/admin/donations")
@admin_required
def admin_list():
    """Flagged contributions first, then the latest ones; webhooks stored and not yet applied
    (WEBHOOKS_QUEUED), with those that failed."""
    latest = db.session.scalars(
        select(Contribution).order_by(Contribution.id.desc()).limit(50)
    ).all()
    return render_template(
        "donations/admin_list.html",
        flagged=refunds.flagged_contributions(),
        latest=latest,
        webhooks_waiting=inbox.waiting(),
        webhooks_postponed=inbox.postponed(),
        form=SimulatorForm(),
    )


@bp.route("/admin/donations/<int:contribution_id>", methods=["GET", "POST"])
@admin_required
def admin_detail(contribution_id: int):
    """One contribution with its ledger; refund fully or partly."""
    contribution = db.session.get(Contribution, contribution_id)
    if contribution is None:
        raise NotFound()
    form = RefundForm()
    status = 200
    if form.validate_on_submit():
        try:
            refunds.refund_contribution(current_user, contribution_id, form.amount.data or None)
        except InvalidInput as error:
            show_errors(form, error)
            status = 422
        except ServiceUnavailable as error:
            flash(error.message, "error")
            status = 503
        else:
            flash(_("The refund has been requested."), "success")
            return redirect(url_for("donation_admin.admin_detail", contribution_id=contribution_id))
        contribution = db.session.get(Contribution, contribution_id)
    return _admin_detail_page(contribution, form, ResolveFlagForm(prefix="resolve"), status)


def _admin_detail_page(contribution, form, resolve_form, status: int = 200):
    return render_template(
        "donations/admin_detail.html",
        contribution=contribution,
        form=form,
        resolve_form=resolve_form,
    ), status


@bp.route("/admin/donations/<int:contribution_id>/resolve", methods=["POST"])
@admin_required
def admin_resolve(contribution_id: int):
    """Resolve a flagged gift with a note (kept in its ledger)."""
    contribution = db.session.get(Contribution, contribution_id)
    if contribution is None:
        raise NotFound()
    form = ResolveFlagForm(prefix="resolve")
    if not form.validate_on_submit():
        return _admin_detail_page(contribution, RefundForm(formdata=None), form, 422)
    try:
        refunds.resolve_flag(current_user, contribution_id, form.note.data)
    except InvalidInput as error:
        show_errors(form, error)
        contribution = db.session.get(Contribution, contribution_id)
        return _admin_detail_page(contribution, RefundForm(formdata=None), form, 422)
    flash(_("The flag is resolved; your note is in the ledger."), "success")
    return redirect(url_for("donation_admin.admin_detail", contribution_id=contribution_id))


FLAG_LABELS = {
    Flag.AMOUNT_MISMATCH: _l("Paid amount differs from the gift"),
    Flag.LATE_PAYMENT: _l("Paid after the gift had ended"),
    Flag.METADATA_MISMATCH: _l("The provider names another gift"),
    Flag.BELOW_ZERO: _l("Refunded and charged back more than was paid"),
}


@bp.app_template_filter("flag_label")
def flag_label(reason: str) -> str:
    """The readable reason of a flag ("below_zero: ..." -> its translated label)."""
    code = (reason or "").split(":", 1)[0]
    return str(FLAG_LABELS[Flag(code)]) if code in {flag.value for flag in Flag} else reason
