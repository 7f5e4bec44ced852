"""`build_portfolio` gives exactly the figures of the reference computation.

`build_portfolio` reads precomputed running totals (initiative_series and funder_series); the test
oracle `build_portfolio_reference` sums every gift and monthly row in Python; both must agree to
the last Decimal digit, on PostgreSQL and SQLite. The page's PageFormat must print what the
filters do.
"""

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from flask_babel import gettext

from marketplace.exchange import peers
from marketplace.impact.models import ValueKind
from marketplace.initiatives.models import Theme
from marketplace.portfolios import build, downloads, exports
from marketplace.portfolios.views import PageFormat
from marketplace.templating import date_filter, euros_filter, money_filter
from tests.portfolios.reference import build_portfolio_reference


@pytest.fixture
def mixed_portfolio(make_user, make_org, make_initiative, give, declare_input, accept_value):
    """Three holdings: refunds and a chargeback, gifts before and after the periods asked for,
    declared inputs, values of two kinds, a holding without figures; plus the person's own gift."""
    staff = make_user(name="Noor")
    org = make_org(owner=staff)
    care = make_initiative(name="Zorg Noord", theme=Theme.CARE)
    energy = make_initiative(name="Zon Zuid", theme=Theme.ENERGY)
    bare = make_initiative(name="Nog niets")
    give(staff, care, 300_00, date(2023, 11, 30), organisation=org)
    give(staff, care, 123_45, date(2024, 1, 31), organisation=org, refunded=23_45)
    give(staff, care, 77_77, date(2024, 1, 2), organisation=org)
    give(staff, care, 50_00, date(2024, 4, 10), organisation=org, charged_back=50_00)
    give(staff, energy, 33_33, date(2024, 2, 29), organisation=org)
    give(staff, energy, 66_67, date(2024, 6, 1), organisation=org)
    give(staff, bare, 10_00, date(2024, 3, 3), organisation=org)
    give(staff, care, 7_00, date(2024, 2, 2))  # the person's own gift
    declare_input(care, 999_99, date(2024, 1, 5))
    declare_input(energy, 1234_56, date(2023, 12, 24))
    accept_value(care, "1000.01", date(2024, 1, 1), date(2024, 3, 31))
    accept_value(care, "333.33", date(2024, 4, 1), date(2024, 4, 30), kind=ValueKind.WELLBEING)
    accept_value(energy, "777.77", date(2024, 4, 1), date(2024, 6, 30))
    return {"staff": staff, "org": org, "care": care}


PERIODS = [
    {"first": date(2023, 11, 1), "last": date(2024, 8, 1)},
    {"first": date(2024, 2, 1), "last": date(2024, 5, 1)},  # gifts before the first month
    {"first": date(2023, 12, 1), "last": date(2024, 1, 1)},  # holdings only from later
    {"last": date(2024, 12, 1)},  # from the first gift
    {"months": [date(2023, 10, 1), date(2024, 2, 15), date(2024, 7, 1)]},  # not contiguous
]


def _figures(portfolio, with_series):
    return (
        portfolio.months,
        portfolio.holdings,
        portfolio.totals,
        portfolio.series,
        exports.portfolio_json(portfolio, with_holding_series=with_series),
        downloads.holdings_table(portfolio).rows,
        downloads.series_table(portfolio).rows,
    )


@pytest.mark.parametrize("period", PERIODS)
@pytest.mark.parametrize("with_series", [False, True])
def test_build_equals_the_reference_to_the_last_digit(mixed_portfolio, period, with_series):
    for funder in (mixed_portfolio["org"], mixed_portfolio["staff"]):
        fast = build.build_portfolio(funder, with_holding_series=with_series, **period)
        reference = build_portfolio_reference(funder, with_holding_series=with_series, **period)
        assert fast.holdings or funder is mixed_portfolio["staff"]
        assert _figures(fast, with_series) == _figures(reference, with_series)
        # also the exact Decimal digits, not only equal values
        assert [str(p.attributed_value) for p in fast.series] == [
            str(p.attributed_value) for p in reference.series
        ]


def test_figures_for_the_mixed_portfolio(mixed_portfolio):
    portfolio = build.build_portfolio(
        mixed_portfolio["org"], first=date(2024, 1, 1), last=date(2024, 6, 1)
    )
    holdings = {h.initiative.name: h for h in portfolio.holdings}
    care = holdings["Zorg Noord"]
    assert care.given_cents == 300_00 + 100_00 + 77_77  # refund and chargeback deducted
    assert care.inputs_cents == 300_00 + 100_00 + 77_77 + 7_00 + 999_99
    assert care.first_gift_at == datetime(2023, 11, 30, 12, tzinfo=UTC)
    assert holdings["Nog niets"].social_return is None
    assert [p.given_cents for p in portfolio.series][:2] == [477_77, 511_10]


def test_holding_series_alone_equals_the_one_built_with_the_portfolio(mixed_portfolio):
    org = mixed_portfolio["org"]
    portfolio = build.build_portfolio(
        org, first=date(2023, 11, 1), last=date(2024, 6, 1), with_holding_series=True
    )
    holding = build.holding_of(portfolio, mixed_portfolio["care"].id)
    expected = holding.series
    assert build.holding_series(portfolio, holding) == expected
    assert expected[-1].given_cents == 477_77
    assert expected[0].given_cents == 300_00


def test_empty_month_list_gives_an_empty_series(mixed_portfolio):
    portfolio = build.build_portfolio(mixed_portfolio["org"], months=[])
    assert portfolio.series == [] and portfolio.months == []


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_page_format_prints_what_the_filters_print(app, lang):
    with app.test_request_context(f"/portfolio?lang={lang}"):
        fmt = PageFormat()
        for cents in (0, 5, -123456, 987654321, None):
            assert fmt.money(cents) == money_filter(cents)
        for value in (Decimal("0"), Decimal("1234.565"), Decimal("-0.004"), None):
            assert fmt.euros(value) == euros_filter(value)
        for value in (
            datetime(2024, 1, 31, 23, 30, tzinfo=UTC),  # already 1 February in Amsterdam
            datetime(2024, 7, 1, 12),  # naive: UTC
            date(2024, 5, 1),
            None,
        ):
            assert fmt.date(value) == date_filter(value)
            assert fmt.date(value, "MMM yyyy") == date_filter(value, "MMM yyyy")
        assert fmt.theme(Theme.CARE) == Theme.CARE.label
        comparison = peers.Comparison("care", "< 10k", 7, Decimal(1), Decimal(2), Decimal(3))
        assert fmt.comparables(comparison) == gettext(
            "%(n)d initiatives, inputs %(band)s", n=7, band="< 10k"
        )
