"""The admin's pages for investments: offers to approve, late and defaulting offers, requests
to be treated as a sophisticated investor."""

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from marketplace.accounts.auth import admin_required
from marketplace.accounts.forms import EmptyForm
from marketplace.accounts.models import User
from marketplace.errors import Conflict, InvalidInput, InvalidTransition, NotFound
from marketplace.extensions import db
from marketplace.investments import offers, protection, queries, repayments
from marketplace.investments.forms import NoteForm
from marketplace.investments.models import Offer, OfferStatus, Payout

bp = Blueprint("offer_admin", __name__, url_prefix="/admin/offers")


@bp.route("")
@admin_required
def index():
    """Offers awaiting approval, late ones, payouts to make and sophistication requests."""
    requests_ = protection.sophistication_requests()
    users = {u.id: u for u in db.session.scalars(
        select(User).where(User.id.in_([p.user_id for p in requests_]))
    )}  # fmt: skip
    return render_template(
        "investments/admin.html",
        in_review=queries.offers_in_review(),
        late=db.session.scalars(
            select(Offer).where(Offer.late_since.is_not(None)).order_by(Offer.late_since)
        ).all(),
        repaying=db.session.scalars(
            select(Offer)
            .where(Offer.status.in_([OfferStatus.FUNDED, OfferStatus.REPAYING]))
            .order_by(Offer.id)
        ).all(),
        payouts=db.session.scalars(
            select(Payout).where(Payout.status == "pending").order_by(Payout.id)
        ).all(),
        requests=requests_,
        users=users,
        note_form=NoteForm(),
        button_form=EmptyForm(),
    )


def _posted(form_class=EmptyForm):
    form = form_class()
    if not form.validate_on_submit():
        raise NotFound()
    return form


@bp.route("/<int:offer_id>/approve", methods=["POST"])
@admin_required
def approve(offer_id: int):
    _posted()
    try:
        offers.approve_offer(current_user, offer_id)
    except (InvalidInput, InvalidTransition) as error:
        flash(error.message, "error")
    else:
        flash(_("The offer is approved."), "success")
    return redirect(url_for("offer_admin.index"))


@bp.route("/<int:offer_id>/reject", methods=["POST"])
@admin_required
def reject(offer_id: int):
    form = _posted(NoteForm)
    try:
        offers.reject_offer(current_user, offer_id, form.note.data)
    except (InvalidInput, InvalidTransition) as error:
        flash(error.message, "error")
    else:
        flash(_("The offer is sent back to its owners."), "success")
    return redirect(url_for("offer_admin.index"))


@bp.route("/<int:offer_id>/default", methods=["POST"])
@admin_required
def default(offer_id: int):
    """Declare a loan or bond in default: what is outstanding is written off."""
    form = _posted(NoteForm)
    try:
        repayments.declare_default(current_user, offer_id, form.note.data)
    except Conflict as error:
        flash(error.message, "error")
    else:
        flash(
            _("The offer is declared in default; the outstanding principal is written off."),
            "success",
        )
    return redirect(url_for("offer_admin.index"))


@bp.route("/investors/<int:profile_id>", methods=["POST"])
@admin_required
def decide_investor(profile_id: int):
    """Accept or reject a request to be treated as a sophisticated investor."""
    form = _posted(NoteForm)
    accept = request.form.get("decision") == "accept"
    protection.decide_sophistication(current_user, profile_id, accept, form.note.data)
    flash(_("The decision is saved."), "success")
    return redirect(url_for("offer_admin.index"))
