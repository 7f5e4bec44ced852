"""Attribution in a real portfolio: two funders, declared inputs, refunds, first accepted report."""

from datetime import date
from decimal import Decimal

from marketplace.portfolios.attribution import OTHER, split_shares
from marketplace.portfolios.build import build_portfolio

JAN, FEB, MAR, APR = (date(2024, m, 1) for m in (1, 2, 3, 4))


def test_two_funders_and_declared_inputs_share_the_value(
    make_user, make_initiative, give, declare_input, accept_value
):
    anna, bram = make_user(), make_user()
    initiative = make_initiative()
    give(anna, initiative, 300_00, date(2024, 1, 10))
    give(bram, initiative, 100_00, date(2024, 1, 20))
    declare_input(initiative, 600_00, date(2024, 1, 5))
    accept_value(initiative, "2000.00", date(2024, 1, 1), date(2024, 3, 31))

    a = build_portfolio(anna, first=JAN, last=APR)
    b = build_portfolio(bram, first=JAN, last=APR)

    (ha,), (hb,) = a.holdings, b.holdings
    assert ha.given_cents == 300_00
    assert ha.inputs_cents == 1000_00
    assert ha.share == Decimal("0.3")
    assert ha.attributed_value == Decimal("600")
    assert ha.social_return == Decimal("2")
    assert hb.share == Decimal("0.1")
    assert hb.attributed_value == Decimal("200")
    assert ha.by_value_kind["fiscal"] == Decimal("600")
    assert ha.by_value_kind["wellbeing"] == 0
    # the funders plus the declared inputs account for exactly the whole initiative
    shares = split_shares({"anna": ha.given_cents, "bram": hb.given_cents}, ha.inputs_cents)
    assert shares[OTHER] == Decimal("0.6")
    assert sum(shares.values()) == 1
    assert a.totals.given_cents == 300_00
    assert a.totals.attributed_value == Decimal("600")
    assert a.totals.by_theme["care"]["given_cents"] == 300_00


def test_refunds_reduce_the_share(make_user, make_initiative, give, accept_value):
    anna, bram = make_user(), make_user()
    initiative = make_initiative()
    give(anna, initiative, 500_00, date(2024, 1, 10), refunded=200_00)
    give(bram, initiative, 300_00, date(2024, 1, 11), charged_back=300_00)
    give(bram, initiative, 300_00, date(2024, 1, 12))
    accept_value(initiative, "1200.00", date(2024, 1, 1), date(2024, 1, 31))

    (ha,) = build_portfolio(anna, first=JAN, last=JAN).holdings
    (hb,) = build_portfolio(bram, first=JAN, last=JAN).holdings

    assert ha.given_cents == 300_00
    assert ha.inputs_cents == 600_00
    assert ha.share == Decimal("0.5")
    assert ha.attributed_value == Decimal("600")
    assert hb.given_cents == 300_00
    assert hb.attributed_value == Decimal("600")


def test_no_value_before_the_first_accepted_report(make_user, make_initiative, give, accept_value):
    anna = make_user()
    initiative = make_initiative()
    give(anna, initiative, 100_00, date(2024, 1, 10))
    give(anna, initiative, 100_00, date(2024, 2, 10))
    accept_value(initiative, "400.00", date(2024, 1, 1), date(2024, 3, 31))

    portfolio = build_portfolio(anna, first=JAN, last=APR)

    assert [p.given_cents for p in portfolio.series] == [100_00, 200_00, 200_00, 200_00]
    assert [p.attributed_value for p in portfolio.series] == [0, 0, Decimal("400"), Decimal("400")]
    assert [p.social_return for p in portfolio.series] == [0, 0, Decimal("2"), Decimal("2")]
    before = build_portfolio(anna, first=JAN, last=FEB)
    (holding,) = before.holdings
    assert holding.attributed_value == 0
    assert holding.social_return is None  # not measured yet, rather than "zero return"
    assert holding.has_accepted_report is False


def test_gifts_on_behalf_of_an_organisation_belong_to_its_portfolio(
    make_user, make_initiative, make_org, give
):
    staff = make_user()
    org = make_org(owner=staff)
    initiative = make_initiative()
    give(staff, initiative, 250_00, date(2024, 1, 10), organisation=org)
    give(staff, initiative, 40_00, date(2024, 1, 11))

    assert build_portfolio(org, first=JAN, last=JAN).totals.given_cents == 250_00
    assert build_portfolio(staff, first=JAN, last=JAN).totals.given_cents == 40_00
