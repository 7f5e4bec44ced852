"""Giving pages: the give form, the return page and its status, the simulator checkout, monthly
gifts and the yearly overview (the admin's pages are in `admin_views`)."""

import contextlib
from decimal import Decimal

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import format_percent, get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required

from marketplace import tables
from marketplace.accounts.views import show_errors
from marketplace.donations import checkout, queries, receipts, recurring, routing
from marketplace.donations import status as payment_status
from marketplace.donations.forms import (
    PRESETS,
    ConfirmForm,
    GiveForm,
    SimulatorForm,
)
from marketplace.donations.models import Contribution, ContributionStatus, EventKind, Interval
from marketplace.donations.payment_kinds import refresh_any
from marketplace.donations.platform_income import platform_fee_cents
from marketplace.donations.providers import get_provider
from marketplace.donations.providers.simulator import SimulatorProvider
from marketplace.donations.simulator_state import SimulatorPayment
from marketplace.errors import InvalidInput, NotFound, ServiceUnavailable
from marketplace.extensions import db, limiter
from marketplace.initiatives import services as initiative_services
from marketplace.money import format_cents
from marketplace.organisations.services import giving_organisations
from marketplace.timeutil import to_amsterdam, utcnow

bp = Blueprint("donations", __name__)


def checkout_rate_limit() -> str:
    return current_app.config.get("CHECKOUT_RATE_LIMIT", "20 per minute")


def give_form(initiative=None) -> GiveForm:
    form = GiveForm()
    ideal = current_app.config.get("IDEAL_METHOD_LABEL")
    form.method.choices = [
        (code, receipts.method_label(code, ideal)) for code, _label in get_provider().methods()
    ]
    if not form.method.data:
        form.method.data = form.method.choices[0][0]
    organisations = giving_organisations(current_user) if current_user.is_authenticated else []
    form.organisation_id.choices = [("", _("Myself"))] + [
        (str(organisation.id), organisation.name) for organisation in organisations
    ]
    return form


EVENT_KIND_LABELS = {
    EventKind.STATUS: _l("Status change"),
    EventKind.PAYMENT: _l("Payment"),
    EventKind.REFUND: _l("Refund"),
    EventKind.REFUND_REVERSED: _l("Refund reversed"),
    EventKind.CHARGEBACK: _l("Chargeback"),
    EventKind.CHARGEBACK_REVERSED: _l("Chargeback reversed"),
    EventKind.FLAG: _l("Flagged for an admin"),
}


@bp.app_template_global()
def payment_status_label(value) -> str:
    """A stored status ("paid") as people read it ("Betaald"); empty stays empty."""
    if not value:
        return "–"
    known = ContributionStatus._value2member_map_.get(str(value))
    return known.label if known else str(value)


@bp.app_template_global()
def ledger_kind_label(kind) -> str:
    return str(EVENT_KIND_LABELS.get(kind, kind))


@bp.app_template_global()
def donation_give_context(initiative) -> dict:
    """What the give block on an initiative page needs."""
    provider = get_provider()
    return {
        "form": give_form(initiative),
        "presets": PRESETS,
        "supports_monthly": provider.supports_monthly,
        "is_simulator": provider.name == "simulator",
        "max_amount_cents": checkout.max_amount_cents(),
        "paid_directly": routing.destination_for(provider, initiative.id, Interval.ONCE, 0)
        is not None,
        **platform_terms(),
    }


def platform_terms() -> dict:
    """The platform's tip suggestion and fee, as the give form shows them before paying."""
    config = current_app.config
    tip = Decimal(str(config.get("PLATFORM_TIP_PERCENT") or "0"))
    fee_percent = Decimal(str(config.get("PLATFORM_FEE_PERCENT") or "0"))
    return {
        "platform_name": config.get("PLATFORM_LEGAL_NAME", "Impactbeurs"),
        "tip_percent": tip,
        "tip_percent_label": format_percent(tip / 100, format="#,##0.##%"),
        "fee_fixed_cents": platform_fee_cents(0),
        "fee_percent": fee_percent,
        "fee_percent_label": format_percent(fee_percent / 100, format="#,##0.##%"),
    }


@bp.app_template_global()
def donation_account_context(user) -> dict:
    """What the donations block on the account page needs."""
    pagination = queries.contributions_of(user, page=1, per_page=20)
    return {
        "recurring": recurring.recurring_gifts_of(user),
        "gifts": list(pagination.items),
        "years": receipts.years_with_gifts(user),
    }


@bp.route("/initiatives/<slug>/give", methods=["GET", "POST"])
@limiter.limit(checkout_rate_limit, methods=["POST"])
def give(slug: str):
    """Start a gift (with an account, or once as a guest): validate, create the contribution,
    send the donor to the checkout."""
    initiative = initiative_services.get_initiative_by_slug(slug, current_user)
    form = give_form(initiative)
    status = 200
    if form.validate_on_submit():
        try:
            contribution = _start_from_form(initiative, form)
        except InvalidInput as error:
            show_errors(form, error)
            status = 422
        except ServiceUnavailable as error:
            flash(error.message, "error")
            status = 503
        else:
            return redirect(contribution.checkout_url, code=303)
    elif request.method == "POST":
        status = 422
    return render_template(
        "donations/give.html",
        initiative=initiative,
        give=donation_give_context(initiative) | {"form": form},
    ), status


def _start_from_form(initiative, form: GiveForm) -> Contribution:
    choices = {
        "method": form.method.data or None,
        "anonymous": form.anonymous.data,
        "message": form.message.data or "",
        "locale": str(get_locale() or "nl"),
        "tip": form.tip.data or None,
    }
    if not current_user.is_authenticated:
        return checkout.start_guest_checkout(
            initiative.id,
            form.amount.data,
            donor_name=form.donor_name.data or "",
            donor_email=form.donor_email.data or "",
            interval=form.interval.data or "once",
            **choices,
        )
    organisation = form.organisation_id.data or ""
    return checkout.start_checkout(
        current_user,
        initiative.id,
        form.amount.data,
        interval=form.interval.data or "once",
        organisation_id=int(organisation) if organisation.isdigit() else None,
        **choices,
    )


def visitor_contribution(contribution_id: int) -> Contribution:
    """The gift of the signed-in donor, or a guest's gift by the key in its link."""
    token = request.args.get("token")
    if not token and not current_user.is_authenticated:
        abort(current_app.login_manager.unauthorized())
    return queries.contribution_for_visitor(current_user, contribution_id, token)


@bp.route("/donations/<int:contribution_id>/return")
def return_page(contribution_id: int):
    """Where the provider sends the donor back; shows the real status and keeps it fresh."""
    contribution = visitor_contribution(contribution_id)
    contribution = payment_status.refresh_for_donor(contribution, "return")
    return render_template(
        "donations/return.html", contribution=contribution, token=request.args.get("token")
    )


@bp.route("/donations/<int:contribution_id>/status")
def status(contribution_id: int):
    """Small JSON for the return page's polling."""
    contribution = visitor_contribution(contribution_id)
    contribution = payment_status.poll_status(contribution)
    return jsonify(status_json(contribution))


def status_json(contribution: Contribution) -> dict:
    return {
        "id": contribution.id,
        "status": contribution.status.value,
        "label": contribution.status.label,
        "final": contribution.status.is_final,
        "paid": contribution.status.is_paid_family,
        "amount": format_cents(contribution.amount_cents),
        "tip": format_cents(contribution.tip_cents),
        "fee": format_cents(contribution.fee_cents),
        "currency": contribution.currency,
    }


@bp.route("/donations/<int:contribution_id>/retry", methods=["POST"])
@limiter.limit(checkout_rate_limit)
def retry(contribution_id: int):
    """Try again after a failed/canceled/expired payment: a new attempt for the same gift."""
    old = visitor_contribution(contribution_id)
    if not SimulatorForm().validate_on_submit():
        abort(400)
    if old.status == ContributionStatus.OPEN and old.checkout_url:
        return redirect(old.checkout_url, code=303)
    same = {
        "method": old.method,
        "interval": old.interval.value,
        "anonymous": old.anonymous,
        "message": old.message,
        "locale": str(get_locale() or "nl"),
        "tip": format_cents(old.tip_cents) if old.tip_cents else None,
    }
    amount = format_cents(old.amount_cents)
    try:
        if old.user_id is None:
            contribution = checkout.start_guest_checkout(
                old.initiative_id, amount, donor_name=old.donor_name,
                donor_email=old.donor_email, **same,
            )  # fmt: skip
        else:
            owner = queries.own_contribution(current_user, old.id).user  # a linked guest gift
            contribution = checkout.start_checkout(
                owner, old.initiative_id, amount, currency=old.currency, **same
            )
    except (InvalidInput, ServiceUnavailable) as error:
        flash(error.message, "error")
        return redirect(url_for("donations.return_page", contribution_id=old.id,
                                token=request.args.get("token")))  # fmt: skip
    return redirect(contribution.checkout_url, code=303)


# ------------------------------------------------------------------------ the simulator
def _simulator() -> SimulatorProvider:
    """The simulator's pages do not exist where the simulator is refused (production)."""
    if not SimulatorProvider.is_configured(current_app.config):
        abort(404)
    return get_provider("simulator")


@bp.route("/donations/simulator/<payment_id>", methods=["GET", "POST"])
def simulator_checkout(payment_id: str):
    """The simulator's checkout page (TEST): the payer chooses what happens."""
    provider = _simulator()
    payment = db.session.get(SimulatorPayment, payment_id)
    if payment is None:
        raise NotFound()
    form = SimulatorForm()
    if request.method == "POST":
        if not form.validate_on_submit():
            abort(400)
        choice = request.form.get("outcome", "")
        payment = provider.choose(payment_id, choice)
        if payment is None:
            abort(400)
        # The same status-update path a real provider's webhook takes.
        with contextlib.suppress(ServiceUnavailable):  # the return page/reconcile catch up
            refresh_any("simulator", payment_id, source="simulator")
        return redirect(payment.redirect_url or url_for("pages.home"), code=303)
    return render_template("donations/simulator.html", payment=payment, form=form)


# ------------------------------------------------------------------------ monthly gifts
@bp.route("/donations/monthly/<int:gift_id>/cancel", methods=["GET", "POST"])
@login_required
def cancel_monthly(gift_id: int):
    """The donor stops a monthly gift (at the provider too), after confirming it on this page."""
    gift = recurring.own_recurring_gift(current_user, gift_id)
    form = ConfirmForm()
    if request.method == "GET" or not gift.is_running:
        return render_template("donations/cancel_monthly.html", gift=gift, form=form)
    if not form.validate_on_submit():
        abort(400)
    if form.confirm.data != "yes":  # an old one-click form: ask first
        return redirect(url_for("donations.cancel_monthly", gift_id=gift.id))
    try:
        recurring.cancel_recurring_gift(current_user, gift_id)
    except (ServiceUnavailable, InvalidInput) as error:
        flash(error.message, "error")
    else:
        flash(_("Your monthly gift has been stopped."), "success")
    return redirect(url_for("accounts.account"))


# ---------------------------------------------------------------------- yearly overview
@bp.route("/donations/overview")
@bp.route("/donations/overview/<int:year>")
@login_required
def overview(year: int | None = None):
    """The donor's gifts in one year, for the tax return."""
    year = year or to_amsterdam(utcnow()).year
    if not 2000 <= year <= 2100:
        raise NotFound()
    return render_template(
        "donations/overview.html",
        overview=receipts.year_overview(current_user, year),
        years=receipts.years_with_gifts(current_user),
    )


@bp.route("/donations/overview/<int:year>.pdf")
@login_required
def overview_pdf(year: int):
    """The same overview as a PDF download."""
    if not 2000 <= year <= 2100:
        raise NotFound()
    pdf = receipts.year_overview_pdf(receipts.year_overview(current_user, year))
    return Response(
        pdf,
        mimetype="application/pdf",
        headers={"Content-Disposition": f'attachment; filename="impactbeurs-giften-{year}.pdf"'},
    )


@bp.route("/donations/overview/<int:year>.<any(csv, xlsx):fmt>")
@login_required
def overview_download(year: int, fmt: str):
    """The overview's gifts as CSV (Dutch Excel: ";" and "25,00") or XLSX."""
    if not 2000 <= year <= 2100:
        raise NotFound()
    table = receipts.year_overview_table(receipts.year_overview(current_user, year))
    name = f"impactbeurs-giften-{year}"
    if fmt == "xlsx":
        return tables.xlsx_response(table, f"{name}.xlsx")
    dialect = tables.export_dialect(str(get_locale()))
    return tables.csv_response(table, f"{name}.csv", dialect)
