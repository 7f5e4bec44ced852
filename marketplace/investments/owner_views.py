"""The initiative owner's pages: create and edit offers, submit them, record instalments, keep
the member register and record a member's exit."""

from datetime import timedelta

from flask import Blueprint, Response, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select

from marketplace.accounts.forms import EmptyForm
from marketplace.accounts.views import show_errors
from marketplace.errors import Conflict, InvalidInput, InvalidTransition, NotFound
from marketplace.extensions import db
from marketplace.initiatives import services as initiative_services
from marketplace.investments import offers, queries, register, repayments, summaries
from marketplace.investments.forms import ExitForm, OfferForm, RepaymentForm
from marketplace.investments.models import RepaymentRecord
from marketplace.investments.terms import terms_of
from marketplace.money import format_cents
from marketplace.timeutil import to_amsterdam

bp = Blueprint("offer_owner", __name__)


def _prefill(form: OfferForm, offer) -> None:
    terms = terms_of(offer)
    for name in ("target", "minimum", "maximum", "unit_price"):
        cents = terms[f"{name}_cents"]
        getattr(form, name).data = format_cents(cents) if cents else ""
    form.kind.data = offer.kind.value
    form.title.data = offer.title
    form.interest_rate.data = str(offer.interest_rate)
    form.term_months.data = str(offer.term_months or "")
    form.repayment.data = offer.repayment.value if offer.repayment else ""
    form.frequency.data = offer.frequency.value if offer.frequency else ""
    form.opens_at.data = to_amsterdam(offer.opens_at).date()
    # A closing date entered in the form is stored as midnight after that day: show that day.
    closes = to_amsterdam(offer.closes_at)
    at_midnight = (closes.hour, closes.minute, closes.second) == (0, 0, 0)
    form.closes_at.data = (closes - timedelta(days=1)).date() if at_midnight else closes.date()
    form.all_or_nothing.data = offer.all_or_nothing
    form.use_of_proceeds.data = offer.use_of_proceeds
    form.risks.data = offer.risks


@bp.route("/initiatives/<slug>/offers/new", methods=["GET", "POST"])
@login_required
def new_offer(slug: str):
    """Create an offer (draft) for an initiative you own."""
    initiative = initiative_services.get_initiative_by_slug(slug, current_user)
    if not initiative.can_edit(current_user):
        raise NotFound()
    form = OfferForm()
    status = 200
    if form.validate_on_submit():
        try:
            offer = offers.create_offer(current_user, initiative.id, form.service_data())
        except InvalidInput as error:
            show_errors(form, error)
            status = 422
        else:
            flash(
                _("The offer is saved as a draft. Submit it for approval when it is ready."),
                "success",
            )
            return redirect(url_for("offers.detail", offer_id=offer.id))
    elif form.is_submitted():
        status = 422
    return render_template(
        "investments/offer_form.html", form=form, initiative=initiative, offer=None
    ), status


@bp.route("/offers/<int:offer_id>/edit", methods=["GET", "POST"])
@login_required
def edit_offer(offer_id: int):
    """Edit an offer; once approved, a change needs approval again."""
    offer = offers.managed_offer(offer_id, current_user)
    form = OfferForm()
    status = 200
    if form.validate_on_submit():
        try:
            offers.update_offer(current_user, offer.id, form.service_data())
        except InvalidInput as error:
            show_errors(form, error)
            status = 422
        except InvalidTransition as error:
            flash(error.message, "error")
            status = 409
        else:
            flash(_("The offer is saved."), "success")
            return redirect(url_for("offers.detail", offer_id=offer.id))
    elif form.is_submitted():
        status = 422
    else:
        _prefill(form, offer)
    return render_template(
        "investments/offer_form.html", form=form, initiative=offer.initiative, offer=offer
    ), status


@bp.route("/offers/<int:offer_id>/submit", methods=["POST"])
@login_required
def submit_offer(offer_id: int):
    """Ask an admin to approve the offer."""
    if not EmptyForm().validate_on_submit():
        raise NotFound()
    try:
        offers.submit_offer(current_user, offer_id)
    except (InvalidInput, InvalidTransition) as error:
        flash(error.message, "error")
    else:
        flash(_("The offer is sent for approval."), "success")
    return redirect(url_for("offers.detail", offer_id=offer_id))


@bp.route("/offers/<int:offer_id>/repayments", methods=["GET", "POST"])
@login_required
def repayments_page(offer_id: int):
    """Record an instalment paid to the investors; see the schedule and what is late."""
    offer = offers.managed_offer(offer_id, current_user)
    form = RepaymentForm()
    status = 200
    if form.validate_on_submit():
        try:
            repayments.record_repayment(
                current_user, offer.id, form.amount.data, form.paid_on.data, form.note.data
            )
        except InvalidInput as error:
            show_errors(form, error)
            status = 422
        except Conflict as error:
            flash(error.message, "error")
            status = 409
        else:
            flash(_("The instalment is recorded and split over the investors."), "success")
            return redirect(url_for("offer_owner.repayments_page", offer_id=offer.id))
    elif form.is_submitted():
        status = 422
    schedule = None
    if offer.kind.has_schedule and offer.repayment_start:
        schedule = summaries.offer_schedule(offer)
    recorded = db.session.scalars(
        select(RepaymentRecord)
        .where(RepaymentRecord.offer_id == offer.id)
        .order_by(RepaymentRecord.paid_on.desc(), RepaymentRecord.id.desc())
    ).all()
    return render_template(
        "investments/repayments.html",
        offer=offer,
        form=form,
        schedule=schedule,
        recorded=recorded,
        members=register.member_register(offer),
        exit_form=ExitForm(),
        progress=queries.progress(offer),
    ), status


@bp.route("/offers/<int:offer_id>/register.csv")
@login_required
def register_csv(offer_id: int):
    """The member register as CSV (owners and admins)."""
    offer = offers.managed_offer(offer_id, current_user)
    return Response(
        register.register_csv(offer),
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="member-register-{offer.id}.csv"'},
    )


@bp.route("/offers/<int:offer_id>/members/<int:subscription_id>/exit", methods=["POST"])
@login_required
def member_exit(offer_id: int, subscription_id: int):
    """Record that a member left and was repaid the nominal value."""
    offers.managed_offer(offer_id, current_user)
    form = ExitForm()
    if not form.validate_on_submit():
        raise NotFound()
    try:
        repayments.record_exit(current_user, subscription_id, form.exited_on.data)
    except (InvalidInput, Conflict) as error:
        flash(error.message, "error")
    else:
        flash(_("The member's exit is recorded."), "success")
    return redirect(url_for("offer_owner.repayments_page", offer_id=offer_id))
