"""Offer pages: the list with its filters, one offer with its information sheet (HTML and PDF,
Dutch and English), and the licence text and risk warning every offer page shows."""

from datetime import date, datetime
from decimal import Decimal

from flask import Blueprint, Response, current_app, flash, render_template, request
from flask_babel import format_date, format_datetime, get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from marketplace.accounts.forms import EmptyForm
from marketplace.errors import InvalidInput
from marketplace.i18n import babel_locale_name
from marketplace.initiatives.models import THEME_LABELS
from marketplace.investments import offers, queries, summaries
from marketplace.investments.models import KIND_LABELS, Offer, OfferKind, OfferStatus
from marketplace.investments.schedules import Frequency, Repayment
from marketplace.investments.sheet import render_sheet_html, render_sheet_pdf
from marketplace.investments.subscribe import takes_subscriptions
from marketplace.money import parse_cents
from marketplace.numbers import format_fraction_percent
from marketplace.templating import money_filter as format_money

bp = Blueprint("offers", __name__)
LANGUAGES = ("nl", "en")


def _locale() -> str:
    locale = str(get_locale() or "nl")
    return locale if locale in LANGUAGES else "nl"


@bp.app_template_global()
def investment_notices() -> dict:
    """The platform's licence text and the risk warning in the reader's language (settings)."""
    suffix = _locale().upper()
    config = current_app.config
    return {
        "licence": config.get(f"INVESTMENT_LICENCE_TEXT_{suffix}")
        or _(
            "Demonstration: no crowdfunding licence is configured. A platform that offers loans "
            "and bonds needs a licence from the AFM as a crowdfunding service provider under "
            "Regulation (EU) 2020/1503."
        ),
        "risk_warning": config.get(f"INVESTMENT_RISK_WARNING_{suffix}")
        or _(
            "Watch out! Investing in crowdfunding projects carries risks, including the risk of "
            "losing part or all of the money you invest. Your investment is not covered by the "
            "deposit guarantee scheme or the investor compensation scheme. You may not receive "
            "any return. This is not a savings product: do not invest more than %(share)s of your "
            "net worth in crowdfunding. You may not be able to sell your investment when you want.",
            share=format_fraction_percent(Decimal("0.1"), 0, locale=babel_locale_name()),
        ),
    }


REPAYMENT_LABELS = {
    Repayment.ANNUITY: _l("annuity (equal instalments)"),
    Repayment.LINEAR: _l("linear (equal principal parts)"),
    Repayment.BULLET: _l("bullet (interest only, principal at the end)"),
}
FREQUENCY_LABELS = {
    Frequency.MONTHLY: _l("monthly"),
    Frequency.QUARTERLY: _l("quarterly"),
    Frequency.YEARLY: _l("yearly"),
}


@bp.app_template_global()
def repayment_label(value) -> str:
    return str(REPAYMENT_LABELS[Repayment(value)]) if value else ""


@bp.app_template_global()
def frequency_label(value) -> str:
    return str(FREQUENCY_LABELS[Frequency(value)]) if value else ""


@bp.app_template_filter("money_text")
def money_text(value) -> str:
    """A decimal money string from the JSON side ("188.71") for people ("€ 188,71")."""
    return "" if value in (None, "") else format_money(parse_cents(str(value), allow_negative=True))


@bp.app_template_filter("isodate")
def isodate(value, fmt: str = "medium") -> str:
    """A YYYY-MM-DD string as a date for people."""
    return "" if not value else format_date(date.fromisoformat(str(value)), fmt)


@bp.app_template_filter("isomoment")
def isomoment(value, fmt: str = "short") -> str:
    """An ISO 8601 moment (from a frozen sheet) for people, in their time zone."""
    return "" if not value else format_datetime(datetime.fromisoformat(str(value)), fmt)


@bp.app_template_filter("decimal")
def decimal_filter(value) -> Decimal:
    return Decimal(str(value))


@bp.app_template_global()
def kind_label(value) -> str:
    return OfferKind(value).label


@bp.app_template_global()
def offer_status_label(value) -> str:
    return OfferStatus(value).label


@bp.route("/offers")
def index():
    """Approved offers; filters kind, theme and minimum rate."""
    filters = {key: request.args.get(key) or None for key in ("kind", "theme", "rate")}
    status = 200
    try:
        pagination = queries.search_offers(page=request.args.get("page", 1, type=int), **filters)
    except InvalidInput as error:
        flash(error.message, "error")
        pagination, status = queries.search_offers(page=1), 422
        filters = dict.fromkeys(filters)
    items = list(pagination.items)
    return render_template(
        "investments/index.html",
        pagination=pagination,
        offers=items,
        progress=queries.progress_of(items),
        filters=filters,
        kinds=KIND_LABELS,
        themes=THEME_LABELS,
    ), status


def _example(offer: Offer) -> dict | None:
    if not offer.kind.has_schedule:
        return None
    try:
        return summaries.offer_schedule(offer, "1000.00")
    except InvalidInput:
        return None


@bp.route("/offers/<int:offer_id>")
def detail(offer_id: int):
    """One offer with its information sheet, progress, schedule and the way to subscribe."""
    offer = offers.get_offer(offer_id, current_user)
    can_manage = current_user.is_authenticated and (
        current_user.is_admin or offer.is_managed_by(current_user)
    )
    sheet = offers.sheet_for(offer, None, current_user) if offer.sheet_version else None
    return render_template(
        "investments/offer.html",
        offer=offer,
        progress=queries.progress(offer),
        sheet_html=render_sheet_html(sheet, _locale(), standalone=False) if sheet else None,
        sheet=sheet,
        can_manage=can_manage,
        takes_subscriptions=takes_subscriptions(offer),
        example=_example(offer),
        funded_schedule=summaries.offer_schedule(offer)
        if offer.kind.has_schedule and offer.repayment_start and offer.status != OfferStatus.FAILED
        else None,
        button_form=EmptyForm(),
    )


def _sheet(offer_id: int):
    offer = offers.get_offer(offer_id, current_user)
    version = request.args.get("version", type=int)
    locale = request.args.get("lang") if request.args.get("lang") in LANGUAGES else _locale()
    return offers.sheet_for(offer, version, current_user), locale


@bp.route("/offers/<int:offer_id>/sheet")
def sheet_html(offer_id: int):
    """The information sheet as a page of its own (`version`, `lang` nl|en)."""
    sheet, locale = _sheet(offer_id)
    return render_sheet_html(sheet, locale)


@bp.route("/offers/<int:offer_id>/sheet.pdf")
def sheet_pdf(offer_id: int):
    """The information sheet as a PDF (`version`, `lang` nl|en)."""
    sheet, locale = _sheet(offer_id)
    name = f"kiis-offer-{offer_id}-v{sheet.version}-{locale}.pdf"
    return Response(
        render_sheet_pdf(sheet, locale),
        mimetype="application/pdf",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


def offers_section(initiative) -> dict:
    """The initiative page's offers (approved ones; all of them for its owners)."""
    owner = initiative.can_edit(current_user)
    found = queries.offers_of_initiative(initiative.id, public_only=not owner)
    return {"investment_offers": found, "investment_progress": queries.progress_of(found)}
