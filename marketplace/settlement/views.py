"""Payout pages: an initiative's payouts dashboard (its account's onboarding, what is held and
transferred, monthly statements as HTML, PDF and CSV), connecting its account, the simulator's
onboarding page, and the admins' overview."""

import re
from datetime import date

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user, login_required

from marketplace.accounts.auth import admin_required
from marketplace.accounts.forms import EmptyForm
from marketplace.donations.providers import get_provider
from marketplace.donations.providers.simulator import SimulatorProvider
from marketplace.errors import InvalidInput, NotFound, ServiceUnavailable
from marketplace.extensions import db
from marketplace.initiatives.models import Initiative
from marketplace.initiatives.services import get_initiative_by_slug
from marketplace.payouts import accounts
from marketplace.settlement import onboarding, overview, transfers
from marketplace.settlement.statement_files import line_label, statement_csv, statement_pdf
from marketplace.settlement.statement_files import summary_rows as statement_summary
from marketplace.settlement.statements import monthly_statement, statement_months

bp = Blueprint("settlement", __name__)
SESSION_KEY = "payout_connect"
MONTH = re.compile(r"^(\d{4})-(\d{2})(?:\.(pdf|csv))?$")


def owned_initiative(slug: str) -> Initiative:
    """The initiative, when the current user owns it (or is an admin); anybody else: 404."""
    initiative = get_initiative_by_slug(slug, current_user)
    if not initiative.can_edit(current_user):
        raise NotFound()
    return initiative


@bp.app_template_global()
def payout_account_of(initiative: Initiative):
    """The initiative's account at the configured provider (for the owners' buttons)."""
    return accounts.account_for(initiative.id, current_app.config["PAYMENT_PROVIDER"])


@bp.route("/initiatives/<slug>/payouts")
@login_required
def dashboard(slug: str):
    """Where the initiative's money is, and the state of its own provider account."""
    initiative = owned_initiative(slug)
    provider = get_provider()
    account = accounts.account_for(initiative.id, provider.name)
    return render_template(
        "settlement/dashboard.html",
        initiative=initiative,
        account=account,
        supports_connect=provider.supports_connect,
        provider_name=provider.name,
        balance=overview.balance(initiative.id),
        transfers=overview.recent_transfers(initiative.id),
        months=statement_months(initiative),
        form=EmptyForm(),
    )


@bp.route("/initiatives/<slug>/payouts/connect", methods=["GET", "POST"])
@login_required
def connect(slug: str):
    """Send the owner to the provider to connect (or continue onboarding) its own account.

    GET too: Stripe sends an owner whose onboarding link expired here for a fresh one.
    """
    initiative = owned_initiative(slug)
    if request.method == "POST" and not EmptyForm().validate_on_submit():
        abort(400)
    try:
        url, pending = onboarding.start_connect(initiative, current_user)
    except (InvalidInput, ServiceUnavailable) as error:
        flash(error.message, "error")
        return redirect(url_for("settlement.dashboard", slug=slug))
    session[SESSION_KEY] = pending.as_dict()
    return redirect(url, code=303)


@bp.route("/payouts/connect/return")
@login_required
def connect_return():
    """The provider sends the owner back here (the OAuth redirect URI, the link's return URL)."""
    data = session.pop(SESSION_KEY, None)
    if not isinstance(data, dict):
        raise NotFound()
    pending = onboarding.PendingConnect(**data)
    try:
        account = onboarding.finish_connect(pending, current_user, request.args.to_dict())
    except (InvalidInput, ServiceUnavailable) as error:
        flash(error.message, "error")
    else:
        flash(account.status.label, "success" if account.is_active else "info")
    initiative = db.session.get(Initiative, pending.initiative_id)
    return redirect(url_for("settlement.dashboard", slug=initiative.slug))


@bp.route("/initiatives/<slug>/payouts/refresh", methods=["POST"])
@login_required
def refresh(slug: str):
    """Ask the provider again about the account (and transfer what is held once it is active)."""
    initiative = owned_initiative(slug)
    if not EmptyForm().validate_on_submit():
        abort(400)
    account = accounts.account_for(initiative.id, current_app.config["PAYMENT_PROVIDER"])
    if account is None:
        raise NotFound()
    try:
        account = onboarding.refresh_account(account.id)
    except ServiceUnavailable as error:
        flash(error.message, "error")
    else:
        flash(account.status.label, "info")
    return redirect(url_for("settlement.dashboard", slug=slug))


@bp.route("/initiatives/<slug>/statements/<month>")
@login_required
def statement(slug: str, month: str):
    """One month's statement: HTML, or `<month>.pdf` / `<month>.csv`."""
    initiative = owned_initiative(slug)
    match = MONTH.match(month)
    if not match or not 1 <= int(match.group(2)) <= 12 or not 2000 <= int(match.group(1)) <= 2100:
        raise NotFound()
    first = date(int(match.group(1)), int(match.group(2)), 1)
    data = monthly_statement(initiative, first)
    name = f"impactbeurs-{initiative.slug}-{first:%Y-%m}"
    if match.group(3) == "csv":
        return Response(
            statement_csv(data),
            mimetype="text/csv",
            headers={"Content-Disposition": f'attachment; filename="{name}.csv"'},
        )
    if match.group(3) == "pdf":
        return Response(
            statement_pdf(data),
            mimetype="application/pdf",
            headers={"Content-Disposition": f'attachment; filename="{name}.pdf"'},
        )
    return render_template(
        "settlement/statement.html",
        statement=data,
        summary=statement_summary(data),
        line_label=line_label,
        max_lines=None,
    )


# ------------------------------------------------------------------------ the simulator
@bp.route("/payouts/simulator/<account_id>", methods=["GET", "POST"])
@login_required
def simulator_onboarding(account_id: str):
    """The simulator's onboarding page (TEST): the owner picks how onboarding ends."""
    if not SimulatorProvider.is_configured(current_app.config):
        abort(404)
    provider = get_provider("simulator")
    account = accounts.find_by_account_id("simulator", account_id)
    if account is None or not account.initiative.can_edit(current_user):
        raise NotFound()
    form = EmptyForm()
    if request.method == "POST":
        if not form.validate_on_submit():
            abort(400)
        row = provider.choose_onboarding(account_id, request.form.get("outcome", ""))
        if row is None:
            abort(400)
        return redirect(row.return_url or url_for("settlement.connect_return"), code=303)
    return render_template("settlement/simulator_onboarding.html", account=account, form=form)


# -------------------------------------------------------------------------------- admin
@bp.route("/admin/payouts")
@admin_required
def admin_overview():
    """Initiatives the platform holds money for, and transfers to look at."""
    return render_template(
        "settlement/admin.html",
        held=overview.held_by_initiative(),
        attention=overview.transfers_needing_attention(),
        form=EmptyForm(),
    )


@bp.route("/admin/payouts/<int:initiative_id>/transfer", methods=["POST"])
@admin_required
def admin_transfer(initiative_id: int):
    """Transfer what is held for one initiative now (when its account is active)."""
    if not EmptyForm().validate_on_submit():
        abort(400)
    try:
        transfer = transfers.transfer_held(initiative_id)
    except ServiceUnavailable as error:
        flash(error.message, "error")
    else:
        if transfer is None:
            flash(_("Nothing to transfer: no active account, or nothing held."), "info")
        else:
            flash(transfer.status.label, "success")
    return redirect(url_for("settlement.admin_overview"))
