"""XIRR against returns computed by hand (Actual/365)."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from marketplace.investments import returns
from marketplace.investments.returns import xirr
from marketplace.investments.schedules import cash_flows, repayment_schedule

D = Decimal


def close(value, expected, tolerance="1E-6"):
    return value is not None and abs(value - D(expected)) <= D(tolerance)


def test_ten_percent_over_one_year_of_365_days():
    assert xirr([(date(2025, 1, 1), -1_000), (date(2026, 1, 1), 1_100)]) == D("0.10")


def test_over_a_leap_year_the_year_is_366_days_long():
    # 2024 has 366 days: 1.1 = (1 + r)^(366/365), so r = 1.1^(365/366) − 1 = 0.0997136, not 10%.
    result = xirr([(date(2024, 1, 1), -1_000), (date(2025, 1, 1), 1_100)])
    assert close(result, D("1.1") ** (D(365) / D(366)) - 1, "1E-12")
    assert close(result, "0.099713585934")


def test_two_years_and_a_loss():
    assert xirr([(date(2025, 1, 1), -1_000), (date(2027, 1, 1), 1_210)]) == D("0.10")
    assert xirr([(date(2025, 1, 1), -1_000), (date(2026, 1, 1), 900)]) == D("-0.10")


def test_half_a_year():
    # 182.5 days is not a whole day; 1,000 -> 1,050 over 73 days: 1.05^(365/73) − 1 = 1.05^5 − 1
    result = xirr([(date(2025, 1, 1), -1_000), (date(2025, 3, 15), 1_050)])
    assert close(result, D("1.05") ** 5 - 1, "1E-12")


def test_a_bullet_loan_at_its_own_rate_returns_the_rate():
    # Interest 5% of the principal each year of 365 days, principal back at the end.
    loan = repayment_schedule(
        1_000_000, "5", repayment="bullet", frequency="yearly", term_months=36,
        start_date=date(2025, 1, 1),
    )  # fmt: skip
    assert xirr(cash_flows(loan)) == D("0.05")


def test_a_yearly_annuity_at_its_own_rate_returns_the_rate():
    loan = repayment_schedule(
        1_000_000, "5", repayment="annuity", frequency="yearly", term_months=36,
        start_date=date(2025, 1, 1),
    )  # fmt: skip
    assert close(xirr(cash_flows(loan)), "0.05")  # off by the last instalment's cent only


@pytest.mark.parametrize("repayment", ["annuity", "linear", "bullet"])
def test_a_monthly_loan_returns_the_effective_rate(repayment):
    # 5% a year paid monthly is (1 + 0.05/12)^12 − 1 = 5.1162% effective; calendar months of
    # 28 to 31 days against a 365-day year move XIRR by a few thousandths of a percent.
    loan = repayment_schedule(
        1_000_000, "5", repayment=repayment, frequency="monthly", term_months=60,
        start_date=date(2025, 1, 1),
    )  # fmt: skip
    effective = (1 + D("0.05") / 12) ** 12 - 1
    assert close(xirr(cash_flows(loan)), effective, "1E-4")


def test_order_and_same_day_flows_do_not_matter():
    flows = [(date(2026, 1, 1), 600), (date(2025, 1, 1), -400), (date(2026, 1, 1), 500),
             (date(2025, 1, 1), -600)]  # fmt: skip
    assert xirr(flows) == D("0.10")
    assert xirr([(d, D(a)) for d, a in flows]) == D("0.10")


@pytest.mark.parametrize(
    "flows",
    [
        [],
        [(date(2025, 1, 1), -1_000)],
        [(date(2025, 1, 1), -1_000), (date(2026, 1, 1), -100)],
        [(date(2025, 1, 1), 1_000), (date(2026, 1, 1), 100)],
        [(date(2025, 1, 1), -1_000), (date(2025, 1, 1), 1_100)],  # one day: no time to earn
        [(date(2025, 1, 1), 0), (date(2026, 1, 1), 0)],
    ],
)
def test_no_sign_change_has_no_return(flows):
    assert xirr(flows) is None


def test_flows_that_change_sign_twice_give_one_of_their_returns():
    # −100, +230, −132 at yearly intervals: 10% and 20% both solve it.
    result = xirr([(date(2025, 1, 1), -100), (date(2026, 1, 1), 230), (date(2027, 1, 1), -132)])
    assert result in (D("0.1"), D("0.2"))


def test_newton_overshooting_falls_back_to_bisection():
    # €1,000 for €1 back after ten years: (1 + r)^10 = 0.001, r = 0.001^0.1 − 1 = −49.86%.
    # Newton from 10% lands near r = −100% and would need thousands of steps to climb back.
    flows = [(date(2025, 1, 1), -1_000), (date(2035, 1, 1), 1)]
    days = (date(2035, 1, 1) - date(2025, 1, 1)).days
    expected = D("0.001") ** (D(365) / D(days)) - 1
    assert close(xirr(flows), expected, "1E-12")
    assert close(xirr([(date(2025, 1, 1), -1_000), (date(2026, 1, 1), D("0.0001"))]), "-0.9999999")


def test_extreme_gains_are_still_solved():
    assert xirr([(date(2025, 1, 1), -1_000), (date(2026, 1, 1), 10**12)]) == D(999_999_999)
    # Doubling in a day is 2^365 − 1 a year, a number of 110 digits: right to 30 of them.
    doubling = xirr([(date(2025, 1, 1), -1), (date(2025, 1, 2), 2)])
    assert abs(doubling / (D(2) ** 365 - 1) - 1) < D("1E-30")


def test_the_grid_bisection_agrees_with_newton():
    flows = returns._years_and_amounts(
        [(date(2025, 1, 1), -1_000), (date(2025, 7, 1), 300), (date(2026, 3, 1), 800)]
    )
    assert abs(returns._newton(flows) - returns._bisect(flows)) < D("1E-18")


def test_invalid_flows_are_refused():
    with pytest.raises(ValueError, match="int or Decimal"):
        xirr([(date(2025, 1, 1), -1_000.0), (date(2026, 1, 1), 1_100)])
    with pytest.raises(ValueError, match="datetime.date"):
        xirr([("2025-01-01", -1_000), (date(2026, 1, 1), 1_100)])


@settings(max_examples=30, deadline=None)
@given(
    start=st.dates(date(2000, 1, 1), date(2080, 1, 1)),
    days=st.integers(1, 3_650),
    invested=st.integers(1, 10**9),
    back_per_mille=st.integers(1, 5_000),
)
def test_a_single_investment_returns_its_growth_per_year(start, days, invested, back_per_mille):
    back = invested * back_per_mille // 1_000
    if back == 0:
        return
    result = xirr([(start, -invested), (start + timedelta(days=days), back)])
    expected = (D(back) / D(invested)) ** (D(365) / D(days)) - 1
    assert result is not None
    assert abs(result - expected) <= D("1E-9") * max(1, abs(expected))
