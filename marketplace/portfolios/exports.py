"""A portfolio as plain JSON-ready data (API, chart data block); the downloads are in downloads.py.

Money is a decimal string in euros ("25.00"); ratios are Decimal strings, rounded here, once.
"""

from decimal import ROUND_HALF_UP, Decimal

from marketplace.figures.models import VALUE_KINDS
from marketplace.money import format_cents
from marketplace.portfolios.build import Holding, Portfolio, PortfolioPoint, funder_kind

CENT = Decimal("0.01")
SHARE_PLACES = Decimal("0.000001")
RATIO_PLACES = Decimal("0.0001")


def euros(value: Decimal | None) -> str | None:
    return None if value is None else str(value.quantize(CENT, rounding=ROUND_HALF_UP))


def ratio(value: Decimal | None, places: Decimal = RATIO_PLACES) -> str | None:
    return None if value is None else str(value.quantize(places, rounding=ROUND_HALF_UP))


def month_text(month) -> str:
    return f"{month:%Y-%m}"


def _comparison(holding: Holding) -> dict | None:
    c = holding.comparison
    if c is None:
        return None
    return {
        "theme": c.theme,
        "size_band": c.size_band,
        "count": c.count,
        "q1": ratio(c.q1),
        "median": ratio(c.median),
        "q3": ratio(c.q3),
        "position": c.position(holding.social_return),
    }


def point_json(point) -> dict:
    return {
        "month": month_text(point.month),
        "given": format_cents(point.given_cents),
        "attributed_social_value": euros(point.attributed_value),
        "social_return": ratio(point.social_return),
    }


def percent(value: Decimal | None) -> str | None:
    """A yearly return as a percentage with two decimals ("5.12"), like an interest rate."""
    return None if value is None else str((value * 100).quantize(CENT, rounding=ROUND_HALF_UP))


def cents_or_none(cents: int | None) -> str | None:
    return None if cents is None else format_cents(cents)


def investment_json(holding: Holding) -> dict:
    """The money side of an investment holding (None for gifts): invested, outstanding principal,
    interest received, expected against received, XIRR (% a year) and the offer's status."""
    money = holding.investment
    return {
        "invested": cents_or_none(money.invested_cents) if money else None,
        "outstanding": cents_or_none(money.outstanding_cents) if money else None,
        "interest_received": cents_or_none(money.interest_received_cents) if money else None,
        "expected": cents_or_none(money.expected_cents) if money else None,
        "received": cents_or_none(money.received_cents) if money else None,
        "written_off": cents_or_none(money.written_off_cents) if money else None,
        "xirr": percent(money.xirr) if money else None,
        "investment_status": money.status if money else None,
    }


def holding_json(holding: Holding, *, with_series: bool = False) -> dict:
    data = {
        "kind": holding.kind,
        "initiative_id": holding.initiative.id,
        "initiative_name": holding.initiative.name,
        "initiative_slug": holding.initiative.slug,
        "theme": holding.initiative.theme.value,
        "given": format_cents(holding.given_cents),
        "first_gift_at": holding.first_gift_at.isoformat() if holding.first_gift_at else None,
        "last_gift_at": holding.last_gift_at.isoformat() if holding.last_gift_at else None,
        "monthly_running": holding.monthly_running,
        "share": ratio(holding.share, SHARE_PLACES),
        "attributed_social_value": euros(holding.attributed_value),
        "social_return": ratio(holding.social_return),
        "value_kind": {kind: euros(holding.by_value_kind[kind]) for kind in VALUE_KINDS},
        "initiative_inputs": format_cents(holding.inputs_cents),
        "initiative_social_value": euros(holding.initiative_value),
        "comparison": _comparison(holding),
        "hours": None if holding.hours is None else f"{holding.hours:.2f}",
        **investment_json(holding),
    }
    if with_series:
        data["series"] = [point_json(p) for p in holding.series]
    return data


def portfolio_json(portfolio: Portfolio, *, with_holding_series: bool = False) -> dict:
    totals = portfolio.totals
    return {
        "funder": {
            "kind": funder_kind(portfolio.funder),
            "id": portfolio.funder.id,
            "name": portfolio.funder.name,
        },
        "currency": "EUR",
        "as_of": month_text(portfolio.as_of) if portfolio.as_of else None,
        "holdings": [holding_json(h, with_series=with_holding_series) for h in portfolio.holdings],
        "totals": {
            "given": format_cents(totals.given_cents),
            "attributed_social_value": euros(totals.attributed_value),
            "social_return": ratio(totals.social_return),
            "value_kind": {kind: euros(totals.by_value_kind[kind]) for kind in VALUE_KINDS},
            "theme": {
                theme: {
                    "given": format_cents(entry["given_cents"]),
                    "attributed_social_value": euros(entry["attributed_value"]),
                    "social_return": ratio(entry["social_return"]),
                }
                for theme, entry in totals.by_theme.items()
            },
        },
        "series": [point_json(p) for p in portfolio.series],
        "watchlist": [
            {"initiative_id": ref.id, "name": ref.name, "slug": ref.slug, "theme": ref.theme.value}
            for ref in portfolio.watchlist
        ],
    }


def chart_data(portfolio: Portfolio) -> dict:
    """What the chart script draws: months, cumulative given, attributed value, ratio."""
    return _chart(portfolio.series)


def _chart(points: list[PortfolioPoint]) -> dict:
    return {
        "months": [month_text(p.month) for p in points],
        "given": [format_cents(p.given_cents) for p in points],
        "value": [euros(p.attributed_value) for p in points],
        "ratio": [ratio(p.social_return) for p in points],
    }


def holding_chart_data(holding: Holding) -> dict:
    return _chart(holding.series)
