"""A portfolio's tables for download (CSV in the reader's spreadsheet dialect, XLSX): the holdings
and the monthly series, with headings in the reader's language and typed values (euros as
Decimal, shares as fractions, dates), rounded here, once, as in the JSON."""

from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal

from flask_babel import gettext as _

from marketplace.figures.models import VALUE_KINDS
from marketplace.impact.models import VALUE_KIND_LABELS
from marketplace.investments.models import KIND_LABELS, OfferKind
from marketplace.money import cents_to_decimal
from marketplace.portfolios.build import Portfolio
from marketplace.portfolios.exports import RATIO_PLACES, SHARE_PLACES, month_text
from marketplace.tables import Column, Table
from marketplace.timeutil import to_amsterdam

CENT = Decimal("0.01")


def _euros(value: Decimal | None) -> Decimal | None:
    return None if value is None else value.quantize(CENT, rounding=ROUND_HALF_UP)


def _ratio(value: Decimal | None, places: Decimal = RATIO_PLACES) -> Decimal | None:
    return None if value is None else value.quantize(places, rounding=ROUND_HALF_UP)


def _day(moment: datetime | None) -> date | None:
    return None if moment is None else to_amsterdam(moment).date()


def holding_kind_label(kind: str) -> str:
    """Gift, time given, member shares, social loan or bond."""
    if kind == "gift":
        return _("Gift")
    if kind == "time":
        return _("Time given")
    return str(KIND_LABELS[OfferKind(kind)])


def _money(cents: int | None) -> Decimal | None:
    return None if cents is None else cents_to_decimal(cents)


def investment_cells(holding) -> list:
    """Kind, invested, outstanding, interest received and XIRR (empty for a gift)."""
    money = holding.investment
    return [
        holding_kind_label(holding.kind),
        _money(money.invested_cents) if money else None,
        _money(money.outstanding_cents) if money else None,
        _money(money.interest_received_cents) if money else None,
        _ratio(money.xirr) if money else None,
    ]


def holding_columns() -> list[Column]:
    kinds = {kind.value: label for kind, label in VALUE_KIND_LABELS.items()}
    return [
        Column(_("Initiative ID"), "int"),
        Column(_("Initiative")),
        Column(_("Theme")),
        Column(_("Given (EUR)"), "money"),
        Column(_("First gift"), "date"),
        Column(_("Last gift"), "date"),
        Column(_("Monthly gift running")),
        Column(_("Share of inputs"), "percent"),
        Column(_("Attributed social value (EUR)"), "money"),
        Column(_("Social return"), "decimal", 4),
        *(Column(_("%(kind)s (EUR)", kind=kinds[kind]), "money") for kind in VALUE_KINDS),
        Column(_("Initiative's inputs (EUR)"), "money"),
        Column(_("Initiative's social value (EUR)"), "money"),
        Column(_("Comparable initiatives: inputs")),
        Column(_("Comparable initiatives: first quartile"), "decimal", 4),
        Column(_("Comparable initiatives: median"), "decimal", 4),
        Column(_("Comparable initiatives: third quartile"), "decimal", 4),
        Column(_("Kind")),
        Column(_("Invested (EUR)"), "money"),
        Column(_("Outstanding (EUR)"), "money"),
        Column(_("Interest received (EUR)"), "money"),
        Column(_("XIRR"), "percent"),
    ]


def holdings_table(portfolio: Portfolio) -> Table:
    """One row per holding, as on the portfolio page."""
    yes, no = _("Yes"), _("No")
    rows = []
    for h in portfolio.holdings:
        c = h.comparison
        rows.append(
            [
                h.initiative.id,
                h.initiative.name,
                h.initiative.theme.label,
                cents_to_decimal(h.given_cents),
                _day(h.first_gift_at),
                _day(h.last_gift_at),
                yes if h.monthly_running else no,
                _ratio(h.share, SHARE_PLACES),
                _euros(h.attributed_value),
                _ratio(h.social_return),
                *(_euros(h.by_value_kind[kind]) for kind in VALUE_KINDS),
                cents_to_decimal(h.inputs_cents),
                _euros(h.initiative_value),
                c.size_band if c else None,
                _ratio(c.q1) if c else None,
                _ratio(c.median) if c else None,
                _ratio(c.q3) if c else None,
                *investment_cells(h),
            ]
        )
    return Table(_("Holdings"), holding_columns(), rows)


def series_table(portfolio: Portfolio) -> Table:
    """The whole portfolio's cumulative monthly figures (no initiative), then each holding's."""
    columns = [
        Column(_("Month"), "month"),
        Column(_("Initiative ID"), "int"),
        Column(_("Initiative")),
        Column(_("Given (EUR)"), "money"),
        Column(_("Attributed social value (EUR)"), "money"),
        Column(_("Social return"), "decimal", 4),
        Column(_("Kind")),
    ]

    def row(point, initiative_id, name, kind) -> list:
        return [
            month_text(point.month),
            initiative_id,
            name,
            cents_to_decimal(point.given_cents),
            _euros(point.attributed_value),
            _ratio(point.social_return),
            kind,
        ]

    rows = [row(p, None, None, None) for p in portfolio.series]
    for h in portfolio.holdings:
        kind = holding_kind_label(h.kind)
        rows += [row(p, h.initiative.id, h.initiative.name, kind) for p in h.series]
    return Table(_("Monthly figures"), columns, rows)
