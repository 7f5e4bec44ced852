"""The investor's pages: the overview (/investments), the entry knowledge test, the loss
simulation, the sophisticated declaration, the subscribe flow with its checks in order, the
return from the payment, revoking, and the yearly statements."""

from flask import (
    Blueprint,
    Response,
    current_app,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required

from marketplace.accounts.forms import EmptyForm
from marketplace.accounts.views import show_errors
from marketplace.donations.providers import get_provider
from marketplace.errors import Conflict, InvalidInput, NotAllowed, NotFound, ServiceUnavailable
from marketplace.extensions import limiter
from marketplace.investments import offers, protection, queries, statements, subscribe
from marketplace.investments.forms import LossSimulationForm, SophisticatedForm, SubscribeForm
from marketplace.investments.knowledge import load_test
from marketplace.investments.models import SubscriptionStatus
from marketplace.investments.payments import refresh_for_investor
from marketplace.investments.positions import standings
from marketplace.investments.profile_json import simulation_json
from marketplace.organisations.services import giving_organisations
from marketplace.timeutil import utcnow

bp = Blueprint("investor", __name__)
CRITERIA_LABELS = {
    "income_or_portfolio": _l("A gross income of at least € 60.000 a year, or savings and "
                             "investments of more than € 100.000"),
    "financial_sector": _l("At least a year of work in the financial sector in a position that "
                          "needs knowledge of these investments"),
    "professional_client": _l("At least twelve months as an executive of a company that is a "
                             "professional client (MiFID II)"),
}  # fmt: skip


def checkout_rate_limit() -> str:
    return current_app.config.get("CHECKOUT_RATE_LIMIT", "20 per minute")


def _locale() -> str:
    locale = str(get_locale() or "nl")
    return locale if locale in ("nl", "en") else "nl"


@bp.route("/investments")
@login_required
def overview():
    """The investor's subscriptions, holdings, profile and statements."""
    page = queries.subscriptions_of(current_user, request.args.get("page", 1, type=int), 50)
    items = list(page.items)
    return render_template(
        "investments/overview.html",
        subscriptions=items,
        standings={s.subscription.id: s for s in standings(items)},
        profile=protection.profile_of(current_user),
        test_pass=protection.valid_pass(current_user),
        valid_until=protection.pass_valid_until,
        next_step=protection.next_step(current_user),
        years=statements.statement_years(current_user),
        now=utcnow(),
        button_form=EmptyForm(),
        pagination=page,
    )


@bp.route("/investments/knowledge-test", methods=["GET", "POST"])
@login_required
def knowledge_test():
    """The entry knowledge test; after an attempt every question is explained."""
    test = load_test().for_locale(_locale())
    outcome, answers, status = None, {}, 200
    if request.method == "POST":
        if not EmptyForm().validate_on_submit():
            return redirect(url_for("investor.knowledge_test"))
        answers = {q["id"]: request.form.get(f"q-{q['id']}", "") for q in test["questions"]}
        try:
            outcome = protection.take_test(
                current_user, {k: v for k, v in answers.items() if v}, _locale()
            )
        except InvalidInput as error:
            flash(error.message, "error")
            status = 422
    return render_template(
        "investments/knowledge_test.html",
        test=test,
        outcome=outcome,
        results={r.question_id: r for r in outcome.grade.results} if outcome else {},
        answers=answers,
        current_pass=protection.valid_pass(current_user),
        valid_until=protection.pass_valid_until,
        next_offer=request.args.get("next_offer", type=int),
        form=EmptyForm(),
    ), status


@bp.route("/investments/loss-simulation", methods=["GET", "POST"])
@login_required
def loss_simulation():
    """The loss-bearing capacity simulation: net worth and the 10% one could bear to lose."""
    profile = protection.profile_of(current_user)
    form = LossSimulationForm()
    status = 200
    if form.validate_on_submit():
        try:
            profile = protection.simulate_loss(
                current_user, form.net_income.data, form.liquid_assets.data, form.commitments.data
            )
        except InvalidInput as error:
            show_errors(form, error)
            status = 422
        else:
            flash(_("Your simulation is saved."), "success")
    elif request.method == "POST":
        status = 422
    return render_template(
        "investments/loss_simulation.html",
        form=form,
        simulation=simulation_json(profile),
        next_url=request.args.get("next_offer", type=int),
    ), status


@bp.route("/investments/sophisticated", methods=["GET", "POST"])
@login_required
def sophisticated():
    """Ask to be treated as a sophisticated investor (an admin decides)."""
    form = SophisticatedForm()
    form.criteria.choices = list(CRITERIA_LABELS.items())
    status = 200
    if form.validate_on_submit():
        try:
            protection.declare_sophisticated(current_user, form.criteria.data, form.confirm.data)
        except InvalidInput as error:
            show_errors(form, error)
            status = 422
        else:
            flash(_("Your request is sent; an administrator will decide."), "success")
            return redirect(url_for("investor.overview"))
    elif request.method == "POST":
        status = 422
    return render_template(
        "investments/sophisticated.html", form=form, profile=protection.profile_of(current_user)
    ), status


def _subscribe_form(offer) -> SubscribeForm:
    form = SubscribeForm()
    form.method.choices = get_provider().methods()
    if not form.method.data:
        form.method.data = form.method.choices[0][0]
    organisations = giving_organisations(current_user)
    form.organisation_id.choices = [("", _("Myself"))] + [
        (str(o.id), o.name) for o in organisations
    ]
    return form


def _subscribe(form, offer_id: int):
    if not form.read_sheet.data:
        message = _("Read the key investment information sheet first.")
        raise InvalidInput(message, {"read_sheet": [message]})
    organisation = form.organisation_id.data
    return subscribe.start_subscription(
        current_user,
        offer_id,
        amount=form.amount.data or None,
        units=form.units.data or None,
        method=form.method.data or None,
        acknowledge_risk=form.acknowledge_risk.data,
        organisation_id=int(organisation) if (organisation or "").isdigit() else None,
        locale=_locale(),
    )


@bp.route("/offers/<int:offer_id>/subscribe", methods=["GET", "POST"])
@login_required
@limiter.limit(checkout_rate_limit, methods=["POST"])
def subscribe_page(offer_id: int):
    """The subscribe flow: knowledge test, loss simulation, amount and sheet, risk warning,
    payment, in that order; a step still to do answers 403 with a link to it."""
    offer = offers.get_offer(offer_id, current_user)
    form = _subscribe_form(offer)
    step = protection.next_step(current_user)
    status = 403 if step else 200
    if step is None and form.validate_on_submit():
        try:
            subscription = _subscribe(form, offer_id)
        except InvalidInput as error:
            show_errors(form, error)
            status = 422
        except (Conflict, NotAllowed, ServiceUnavailable) as error:
            flash(error.message, "error")
            status = error.status_code
        else:
            return redirect(subscription.checkout_url, code=303)
    elif step is None and request.method == "POST":
        status = 422
    profile = protection.profile_of(current_user)
    test_pass = protection.valid_pass(current_user)
    return render_template(
        "investments/subscribe.html",
        offer=offer,
        form=form,
        step=step,
        profile=profile,
        test_pass=test_pass,
        test_valid_until=protection.pass_valid_until(test_pass) if test_pass else None,
        loss_capacity_cents=protection.loss_capacity_cents(profile.net_worth_cents or 0),
        threshold_cents=protection.risk_warning_threshold_cents(profile),
        progress=queries.progress(offer),
        takes_subscriptions=subscribe.takes_subscriptions(offer),
        is_simulator=get_provider().name == "simulator",
    ), status


@bp.route("/investments/subscriptions/<int:subscription_id>/return")
@login_required
def subscription_return(subscription_id: int):
    """Where the provider sends the investor back; shows the real status."""
    subscription = queries.own_subscription(current_user, subscription_id)
    subscription = refresh_for_investor(subscription, "return")
    return render_template(
        "investments/return.html", subscription=subscription, button_form=EmptyForm(), now=utcnow()
    )


@bp.route("/investments/subscriptions/<int:subscription_id>/status")
@login_required
def subscription_status(subscription_id: int):
    """Small JSON for polling the return page."""
    subscription = queries.own_subscription(current_user, subscription_id)
    subscription = refresh_for_investor(subscription, "poll")
    return jsonify(
        {
            "id": subscription.id,
            "status": subscription.status.value,
            "label": subscription.status.label,
            "final": subscription.status != SubscriptionStatus.OPEN,
        }
    )


@bp.route("/investments/subscriptions/<int:subscription_id>/revoke", methods=["POST"])
@login_required
def revoke(subscription_id: int):
    """Revoke in the reflection period; everything paid is refunded (after it: 409)."""
    if not EmptyForm().validate_on_submit():
        raise NotFound()
    try:
        subscribe.revoke_subscription(current_user, subscription_id)
    except Conflict as error:
        flash(error.message, "error")
        return redirect(url_for("investor.overview")), 409
    flash(_("Your subscription is revoked; what you paid is refunded."), "success")
    return redirect(url_for("investor.overview"))


def _year(year: int) -> int:
    if not 2000 <= year <= 2100:
        raise NotFound()
    return year


@bp.route("/investments/statements/<int:year>")
@login_required
def statement(year: int):
    """The yearly statement: value on 1 January (box 3), interest and repayments; `?format=pdf`
    or `?format=csv` (or the .pdf and .csv addresses) for the downloads."""
    wanted = request.args.get("format")
    if wanted == "pdf":
        return statement_pdf(year)
    if wanted == "csv":
        return statement_csv(year)
    data = statements.year_statement(current_user, _year(year))
    return render_template(
        "investments/statement.html", statement=data, years=statements.statement_years(current_user)
    )


@bp.route("/investments/statements/<int:year>.pdf")
@login_required
def statement_pdf(year: int):
    pdf = statements.statement_pdf(statements.year_statement(current_user, _year(year)))
    return Response(
        pdf,
        mimetype="application/pdf",
        headers={
            "Content-Disposition": f'attachment; filename="impactbeurs-investments-{year}.pdf"'
        },
    )


@bp.route("/investments/statements/<int:year>.csv")
@login_required
def statement_csv(year: int):
    text = statements.statement_csv(statements.year_statement(current_user, _year(year)))
    return Response(
        text,
        mimetype="text/csv",
        headers={
            "Content-Disposition": f'attachment; filename="impactbeurs-investments-{year}.csv"'
        },
    )
