"""Portfolio pages of a person (/portfolio) and of an organisation, CSV exports."""

import json
from datetime import UTC, date, datetime
from decimal import Decimal
from functools import lru_cache
from types import SimpleNamespace

import flask_babel
from flask import Blueprint, flash, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from markupsafe import Markup

from marketplace import tables
from marketplace.accounts.forms import EmptyForm
from marketplace.errors import InvalidInput
from marketplace.i18n import babel_locale_name
from marketplace.impact.models import VALUE_KIND_LABELS
from marketplace.investments.models import OfferStatus
from marketplace.money import format_euros, format_money
from marketplace.numbers import format_fraction_percent, format_number
from marketplace.portfolios import build, downloads, exports, periods
from marketplace.portfolios.cached import cached_answer
from marketplace.portfolios.downloads import holding_kind_label

bp = Blueprint("portfolios", __name__)
VALUE_KIND_CHOICES = [(kind.value, label) for kind, label in VALUE_KIND_LABELS.items()]


def _period():
    """The chosen period; an unreadable one is said so and the whole period is shown instead."""
    args = request.args
    try:
        first, last = periods.months_for_period(
            args.get("period") or None, args.get("from") or None, args.get("to") or None
        )
    except InvalidInput as error:
        flash(error.message, "error")
        first, last = periods.months_for_period(None, None, None)
        return first, last, "all"
    return first, last, args.get("period") or ("" if args.get("from") else "all")


def _portfolio_page(funder, organisation=None):
    first, last, period = _period()
    period_args = _period_args(organisation)

    def figures_html(facts) -> str:
        portfolio = build.build_portfolio(funder, first=first, last=last, facts=facts)
        fmt = PageFormat()
        return render_template(
            "portfolios/_figures.html",
            portfolio=portfolio,
            organisation=organisation,
            chart_json=json.dumps(exports.chart_data(portfolio)),
            period_args=period_args,
            value_kind_labels=VALUE_KIND_CHOICES,
            fmt=fmt,
            rows=holding_rows(portfolio, organisation, fmt),
        )

    parts = (
        "page",
        babel_locale_name(),
        str(flask_babel.get_timezone()),
        sorted(period_args.items()),
    )
    figures, facts = cached_answer(funder, first, last, parts, figures_html)
    return render_template(
        "portfolios/portfolio.html",
        figures=Markup(figures),  # noqa: S704 (rendered by our own template, escaped there)
        watchlist=facts.watchlist,
        organisation=organisation,
        period=period,
        periods=[
            ("12m", _("12 months")),
            ("36m", _("3 years")),
            ("60m", _("5 years")),
            ("all", _("All")),
        ],
        base_args=_base_args(organisation),
        button_form=EmptyForm(),
    )


class PageFormat:
    """The |money, |euros and |date filters and theme labels for a page with hundreds of figures:
    the same output, with the locale and time zone looked up once per page instead of per call."""

    def __init__(self):
        self.money_locale = babel_locale_name()
        self.locale = str(flask_babel.get_locale())
        self.timezone = flask_babel.get_timezone()
        self._themes: dict = {}
        self._comparables: dict = {}

    def money(self, cents: int | None, currency: str = "EUR") -> str:
        return format_money(cents or 0, currency, locale=self.money_locale)

    def euros(self, value: Decimal | None) -> str:
        return format_euros(value or Decimal(0), locale=self.money_locale)

    def ratio(self, value) -> str:
        """A social return (euros per euro) with two decimals: "2,09"."""
        return format_number(value, 2, locale=self.money_locale)

    def share(self, fraction) -> str:
        """A share of an initiative's inputs: "12,35%"."""
        return format_fraction_percent(fraction, 2, locale=self.money_locale)

    def date(self, value: date | datetime | None, fmt: str | None = None) -> str:
        """As the |date filter (flask_babel.format_date, in the user's time zone)."""
        if not value:
            return ""
        if isinstance(value, datetime):
            if value.tzinfo is None:
                value = value.replace(tzinfo=UTC)
            value = self.timezone.normalize(value.astimezone(self.timezone)).date()
        return _format_date(value, fmt or "medium", self.locale)

    def hours(self, value: Decimal) -> str:
        return _("%(hours)s hours", hours=format_number(value, 2, locale=self.money_locale))

    def percent(self, value: Decimal | None) -> str:
        """A yearly return (a fraction) as a percentage with two decimals: "5,12%"."""
        return "" if value is None else format_fraction_percent(value, 2, locale=self.money_locale)

    def theme(self, theme) -> str:
        if theme not in self._themes:
            self._themes[theme] = theme.label
        return self._themes[theme]

    def comparables(self, comparison) -> str:
        key = (comparison.count, comparison.size_band)
        if key not in self._comparables:
            self._comparables[key] = _(
                "%(n)d initiatives, inputs %(band)s", n=comparison.count, band=comparison.size_band
            )
        return self._comparables[key]


_URL_MARK = 987654321987


def holding_rows(portfolio, organisation, fmt: "PageFormat") -> list[SimpleNamespace]:
    """The holdings table as display strings, formatted once here rather than in the template:
    the link to each holding is the url_for of one, with the initiative id put in its place."""
    marked = url_for(
        _endpoint(organisation, "holding"), initiative_id=_URL_MARK, **_base_args(organisation)
    )
    prefix, suffix = marked.rsplit(str(_URL_MARK), 1)
    labels = position_labels()
    rows = []
    for h in portfolio.holdings:
        ref = h.initiative
        c = h.comparison
        position = c.position(h.social_return) if c else None
        kind_arg = "" if h.kind == "gift" else ("&" if "?" in suffix else "?") + f"kind={h.kind}"
        rows.append(
            SimpleNamespace(
                id=ref.id,
                url=f"{prefix}{ref.id}{suffix}{kind_arg}",
                kind=h.kind,
                kind_label=holding_kind_label(h.kind),
                hours=None if h.hours is None else fmt.hours(h.hours),
                money=money_row(h, fmt),
                name=ref.name,
                theme=ref.theme.value,
                theme_label=fmt.theme(ref.theme),
                running=h.monthly_running,
                given=fmt.money(h.given_cents),
                first=fmt.date(h.first_gift_at),
                last=fmt.date(h.last_gift_at),
                share=fmt.share(h.share),
                value=fmt.euros(h.attributed_value),
                ratio=None if h.social_return is None else fmt.ratio(h.social_return),
                comparison=c
                and SimpleNamespace(
                    q1=fmt.ratio(c.q1),
                    median=fmt.ratio(c.median),
                    q3=fmt.ratio(c.q3),
                    text=fmt.comparables(c),
                    position=position,
                    position_label=labels[position] if position else None,
                ),
            )
        )
    return rows


def money_row(holding, fmt: "PageFormat") -> SimpleNamespace | None:
    """The financial side of an investment holding as display strings (None for a gift)."""
    money = holding.investment
    if money is None:
        return None
    return SimpleNamespace(
        invested=fmt.money(money.invested_cents),
        outstanding=fmt.money(money.outstanding_cents),
        interest=fmt.money(money.interest_received_cents),
        expected=None if money.expected_cents is None else fmt.money(money.expected_cents),
        received=fmt.money(money.received_cents),
        written_off=fmt.money(money.written_off_cents) if money.written_off_cents else None,
        xirr=fmt.percent(money.xirr) if money.xirr is not None else None,
        status=OfferStatus(money.status).label,
    )


@lru_cache(maxsize=4096)
def _format_date(value: date, fmt: str, locale: str) -> str:
    """A plain date formatted in `locale` (the current one: part of the key); dates repeat."""
    return flask_babel.format_date(value, fmt)


def _period_args(organisation) -> dict:
    args = {k: v for k, v in request.args.items() if k in ("period", "from", "to") and v}
    return {**args, **_base_args(organisation)}


def position_labels() -> dict:
    return {
        "top": _("above the top quartile"),
        "upper": _("above the median"),
        "lower": _("below the median"),
        "bottom": _("below the bottom quartile"),
    }


def _base_args(organisation) -> dict:
    return {"organisation_id": organisation.id} if organisation else {}


def _endpoint(organisation, name: str) -> str:
    return f"portfolios.organisation_{name}" if organisation else f"portfolios.my_{name}"


def methodology_url(anchor: str = "attribution") -> str:
    """The methodology page (impact domain) at an anchor; a plain path if it is not there."""
    try:
        base = url_for("impact.methodology")
    except Exception:  # noqa: BLE001 (the impact domain may not provide it)
        base = "/methodology"
    return f"{base}#{anchor}"


@bp.app_context_processor
def portfolio_helpers():
    return {
        "portfolio_endpoint": _endpoint,
        "methodology_url": methodology_url,
    }


@bp.route("/portfolio")
@login_required
def my_portfolio():
    """The logged-in person's own portfolio."""
    return _portfolio_page(current_user)


@bp.route("/organisations/<int:organisation_id>/portfolio")
@login_required
def organisation_portfolio(organisation_id: int):
    """An organisation's portfolio: members of any role only (anyone else: 404)."""
    org = build.organisation_portfolio_owner(organisation_id, current_user)
    return _portfolio_page(org, org)


def _download(funder, kind: str, stem: str, fmt: str):
    """The holdings or the monthly series as CSV (in the reader's spreadsheet dialect) or XLSX."""
    first, last, _period_name = _period()
    portfolio = build.build_portfolio(
        funder, first=first, last=last, with_holding_series=kind == "series"
    )
    if kind == "holdings":
        table, name = downloads.holdings_table(portfolio), f"{stem}-holdings"
    else:
        table, name = downloads.series_table(portfolio), f"{stem}-monthly"
    if fmt == "xlsx":
        return tables.xlsx_response(table, f"{name}.xlsx")
    dialect = tables.export_dialect(str(flask_babel.get_locale()))
    return tables.csv_response(table, f"{name}.csv", dialect)


@bp.route("/portfolio/<any(holdings, series):kind>.csv")
@login_required
def my_csv(kind: str):
    """Your portfolio's holdings or monthly series as CSV (Dutch Excel: ";" and "1234,56")."""
    return _download(current_user, kind, "portfolio", "csv")


@bp.route("/portfolio/<any(holdings, series):kind>.xlsx")
@login_required
def my_xlsx(kind: str):
    """The same table as an Excel workbook."""
    return _download(current_user, kind, "portfolio", "xlsx")


@bp.route("/organisations/<int:organisation_id>/portfolio/<any(holdings, series):kind>.csv")
@login_required
def organisation_csv(organisation_id: int, kind: str):
    """An organisation's portfolio tables as CSV (members only)."""
    org = build.organisation_portfolio_owner(organisation_id, current_user)
    return _download(org, kind, f"portfolio-{org.slug}", "csv")


@bp.route("/organisations/<int:organisation_id>/portfolio/<any(holdings, series):kind>.xlsx")
@login_required
def organisation_xlsx(organisation_id: int, kind: str):
    """An organisation's portfolio tables as XLSX (members only)."""
    org = build.organisation_portfolio_owner(organisation_id, current_user)
    return _download(org, kind, f"portfolio-{org.slug}", "xlsx")


def _holding_page(funder, initiative_id: int, organisation=None):
    first, last, period = _period()
    portfolio = build.build_portfolio(funder, first=first, last=last)
    kind = request.args.get("kind") or "gift"
    holding = build.holding_of(portfolio, initiative_id, kind)
    holding.series = build.holding_series(portfolio, holding)
    fmt = PageFormat()
    return render_template(
        "portfolios/holding.html",
        portfolio=portfolio,
        holding=holding,
        kind_label=holding_kind_label(holding.kind),
        money=money_row(holding, fmt),
        organisation=organisation,
        period=period,
        chart_json=json.dumps(exports.holding_chart_data(holding)),
        base_args=_base_args(organisation),
        value_kind_labels=VALUE_KIND_CHOICES,
        position_labels=position_labels(),
    )


@bp.route("/portfolio/holdings/<int:initiative_id>")
@login_required
def my_holding(initiative_id: int):
    return _holding_page(current_user, initiative_id)


@bp.route("/organisations/<int:organisation_id>/portfolio/holdings/<int:initiative_id>")
@login_required
def organisation_holding(organisation_id: int, initiative_id: int):
    org = build.organisation_portfolio_owner(organisation_id, current_user)
    return _holding_page(org, initiative_id, org)
