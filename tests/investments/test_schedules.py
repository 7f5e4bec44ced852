"""Repayment schedules, with the instalments worked out by hand."""

from datetime import date, datetime
from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from marketplace.investments.distribution import member_shares_cents
from marketplace.investments.schedules import (
    Frequency,
    Repayment,
    add_months,
    annuity_payment_cents,
    cash_flows,
    parse_rate,
    repayment_schedule,
)

D = Decimal
START = date(2025, 1, 1)


def rows(schedule):
    """(interest, principal, total, outstanding after) per instalment."""
    return [
        (i.interest_cents, i.principal_cents, i.total_cents, i.outstanding_cents)
        for i in schedule.instalments
    ]


def schedule(principal, rate, repayment, frequency, term_months, start=START):
    return repayment_schedule(
        principal,
        rate,
        repayment=repayment,
        frequency=frequency,
        term_months=term_months,
        start_date=start,
    )


# --- annuity ---------------------------------------------------------------------------------


def test_annuity_ten_thousand_euros_at_five_percent_over_sixty_months():
    s = schedule(1_000_000, "5", "annuity", "monthly", 60)
    # A = 1,000,000 × (0.05/12) / (1 − (1 + 0.05/12)^−60) = 18,871.23 -> 18,871
    assert annuity_payment_cents(1_000_000, "5", frequency="monthly", term_months=60) == 18_871
    assert len(s.instalments) == 60
    assert {i.total_cents for i in s.instalments[:-1]} == {18_871}
    # 1: interest 1,000,000 × 0.05/12 = 4,166.67 -> 4,167; principal 18,871 − 4,167 = 14,704
    # 2: interest   985,296 × 0.05/12 = 4,105.40 -> 4,105; principal 14,766
    assert rows(s)[:2] == [(4_167, 14_704, 18_871, 985_296), (4_105, 14_766, 18_871, 970_530)]
    # The last instalment repays what is left: 18,807 (interest 18,807 × 0.05/12 = 78.36 -> 78),
    # 14 cents more than the level payment because the payment was rounded down.
    assert rows(s)[-1] == (78, 18_807, 18_885, 0)
    assert sum(i.principal_cents for i in s.instalments) == 1_000_000
    assert s.total_interest_cents == 132_274
    assert s.total_cents == 1_132_274
    assert s.maturity_date == date(2030, 1, 1)


def test_annuity_quarterly_with_an_interest_half_rounded_up():
    # 4% a year is 1% a quarter; A = 1,000,000 × 0.01 / (1 − 1.01^−4) = 256,280.94 -> 256,281
    s = schedule(1_000_000, "4.00", "annuity", "quarterly", 12)
    assert rows(s) == [
        (10_000, 246_281, 256_281, 753_719),
        (7_537, 248_744, 256_281, 504_975),  # 7,537.19
        (5_050, 251_231, 256_281, 253_744),  # 5,049.75: half up
        (2_537, 253_744, 256_281, 0),  # 2,537.44; the remainder happens to be 0
    ]
    assert [i.due_date for i in s.instalments] == [
        date(2025, 4, 1),
        date(2025, 7, 1),
        date(2025, 10, 1),
        date(2026, 1, 1),
    ]


def test_annuity_yearly():
    # A = 100,000 × 0.06 / (1 − 1.06^−3) = 37,410.98 -> 37,411
    s = schedule(100_000, "6", "annuity", "yearly", 36)
    assert rows(s) == [
        (6_000, 31_411, 37_411, 68_589),
        (4_115, 33_296, 37_411, 35_293),  # 4,115.34
        (2_118, 35_293, 37_411, 0),  # 2,117.58
    ]
    assert [i.due_date for i in s.instalments] == [
        date(2026, 1, 1),
        date(2027, 1, 1),
        date(2028, 1, 1),
    ]


def test_annuity_at_zero_percent_is_equal_parts_with_the_remainder_last():
    # 100,000 / 7 = 14,285.71 -> 14,286; six of those leave 14,284
    s = schedule(100_000, "0", "annuity", "monthly", 7)
    assert [i.principal_cents for i in s.instalments] == [14_286] * 6 + [14_284]
    assert all(i.interest_cents == 0 for i in s.instalments)
    assert s.total_cents == 100_000


def test_annuity_of_a_few_cents_that_the_rounded_payment_repays_early():
    # 5 / 8 = 0.625 -> 1 cent a month: repaid after five instalments, the rest carry nothing.
    s = schedule(5, "0", "annuity", "monthly", 8)
    assert [i.principal_cents for i in s.instalments] == [1, 1, 1, 1, 1, 0, 0, 0]
    assert [i.outstanding_cents for i in s.instalments] == [4, 3, 2, 1, 0, 0, 0, 0]


def test_one_cent_annuity_is_repaid_in_the_last_instalment():
    s = schedule(1, "5", "annuity", "monthly", 60)
    assert annuity_payment_cents(1, "5", frequency="monthly", term_months=60) == 0
    assert [i.total_cents for i in s.instalments] == [0] * 59 + [1]


# --- linear ----------------------------------------------------------------------------------


def test_linear_monthly_with_the_remainder_on_the_last_instalment():
    # 1% a month; 100,000 / 3 = 33,333 r 1
    s = schedule(100_000, "12", "linear", "monthly", 3)
    assert rows(s) == [
        (1_000, 33_333, 34_333, 66_667),
        (667, 33_333, 34_000, 33_334),  # 666.67
        (333, 33_334, 33_667, 0),  # 333.34
    ]


def test_linear_quarterly_odd_principal():
    # 3.75% a year is 0.9375% a quarter; 1,000,001 / 8 = 125,000 r 1
    s = schedule(1_000_001, "3.75", "linear", "quarterly", 24)
    assert [i.principal_cents for i in s.instalments] == [125_000] * 7 + [125_001]
    assert [i.interest_cents for i in s.instalments] == [
        9_375,  # 1,000,001 × 0.009375 = 9,375.01
        8_203,  # 875,001 -> 8,203.13
        7_031,
        5_859,
        4_688,  # 500,001 -> 4,687.51
        3_516,
        2_344,
        1_172,
    ]


def test_linear_yearly_and_one_cent():
    s = schedule(90_000, "2.5", "linear", "yearly", 36)
    assert rows(s) == [(2_250, 30_000, 32_250, 60_000), (1_500, 30_000, 31_500, 30_000),
                       (750, 30_000, 30_750, 0)]  # fmt: skip
    one_cent = schedule(1, "5", "linear", "monthly", 3)
    assert [i.principal_cents for i in one_cent.instalments] == [0, 0, 1]


# --- bullet ----------------------------------------------------------------------------------


def test_bullet_yearly_pays_interest_only_and_the_principal_at_the_end():
    s = schedule(500_000, "4.5", "bullet", "yearly", 36)
    assert rows(s) == [
        (22_500, 0, 22_500, 500_000),
        (22_500, 0, 22_500, 500_000),
        (22_500, 500_000, 522_500, 0),
    ]


def test_bullet_quarterly():
    # 3% a year is 0.75% a quarter: 123,456 × 0.0075 = 925.92 -> 926
    s = schedule(123_456, "3", "bullet", "quarterly", 6)
    assert rows(s) == [(926, 0, 926, 123_456), (926, 123_456, 124_382, 0)]


def test_interest_of_exactly_half_a_cent_rounds_up():
    # 100 × 0.06 / 12 = 0.5 cent: half up gives 1 (banker's rounding would give 0)
    s = schedule(100, "6", "bullet", "monthly", 2)
    assert rows(s) == [(1, 0, 1, 100), (1, 100, 101, 0)]


def test_rate_zero_bullet_and_linear():
    assert rows(schedule(1_000, "0", "bullet", "monthly", 2)) == [
        (0, 0, 0, 1_000),
        (0, 1_000, 1_000, 0),
    ]
    assert rows(schedule(1_000, "0.00", "linear", "quarterly", 9)) == [
        (0, 333, 333, 667),
        (0, 333, 333, 334),
        (0, 334, 334, 0),
    ]


# --- dates -----------------------------------------------------------------------------------


def test_start_on_the_31st_falls_due_on_each_months_last_day():
    s = schedule(400, "0", "linear", "monthly", 4, start=date(2024, 1, 31))
    assert [i.due_date for i in s.instalments] == [
        date(2024, 2, 29),
        date(2024, 3, 31),
        date(2024, 4, 30),
        date(2024, 5, 31),
    ]


def test_quarterly_from_the_end_of_november_and_yearly_from_a_leap_day():
    quarterly = schedule(300, "0", "linear", "quarterly", 9, start=date(2023, 11, 30))
    assert [i.due_date for i in quarterly.instalments] == [
        date(2024, 2, 29),
        date(2024, 5, 30),
        date(2024, 8, 30),
    ]
    yearly = schedule(400, "0", "linear", "yearly", 48, start=date(2024, 2, 29))
    assert [i.due_date for i in yearly.instalments] == [
        date(2025, 2, 28),
        date(2026, 2, 28),
        date(2027, 2, 28),
        date(2028, 2, 29),
    ]


def test_add_months():
    assert add_months(date(2024, 12, 15), 1) == date(2025, 1, 15)
    assert add_months(date(2024, 1, 31), 1) == date(2024, 2, 29)
    assert add_months(date(2025, 1, 31), 1) == date(2025, 2, 28)
    assert add_months(date(2025, 3, 31), -1) == date(2025, 2, 28)
    assert add_months(date(2025, 5, 31), 120) == date(2035, 5, 31)


# --- input -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"frequency": "quarterly", "term_months": 10}, "multiple of 3"),
        ({"frequency": "yearly", "term_months": 18}, "multiple of 12"),
        ({"term_months": 0}, "term_months"),
        ({"term_months": -12}, "term_months"),
        ({"rate": "-0.01"}, "rate must be >= 0"),
        ({"rate": 4.5}, "string or Decimal"),
        ({"rate": "4,5"}, "not a number"),
        ({"rate": "NaN"}, "finite"),
        ({"principal_cents": 0}, "principal_cents"),
        ({"principal_cents": -100}, "principal_cents"),
        ({"principal_cents": 100.0}, "int"),
        ({"repayment": "balloon"}, "balloon"),
        ({"frequency": "weekly"}, "weekly"),
        ({"start_date": datetime(2025, 1, 1, 12)}, "datetime.date"),
    ],
)
def test_invalid_terms_are_refused(changes, message):
    terms = {
        "principal_cents": 100_000,
        "rate": "5",
        "repayment": "annuity",
        "frequency": "monthly",
        "term_months": 12,
        "start_date": START,
    }
    terms |= changes
    principal, rate = terms.pop("principal_cents"), terms.pop("rate")
    with pytest.raises(ValueError, match=message):
        repayment_schedule(principal, rate, **terms)


def test_parse_rate_and_enums():
    assert parse_rate("4.50") == D("4.5")
    assert parse_rate(D("0")) == 0
    assert parse_rate(3) == D(3)
    assert Frequency("quarterly").periods_per_year == 4
    s = schedule(100, D("1"), Repayment.BULLET, Frequency.YEARLY, 12)
    assert (s.repayment, s.frequency, s.rate) == (Repayment.BULLET, Frequency.YEARLY, D(1))


def test_cash_flows_of_the_lender():
    s = schedule(100_000, "6", "annuity", "yearly", 36)
    assert cash_flows(s) == [
        (START, -100_000),
        (date(2026, 1, 1), 37_411),
        (date(2027, 1, 1), 37_411),
        (date(2028, 1, 1), 37_411),
    ]


def test_member_shares_at_nominal_value():
    assert member_shares_cents(3, 5_000) == 15_000
    assert member_shares_cents(0, 5_000) == 0
    with pytest.raises(ValueError):
        member_shares_cents(-1, 5_000)
    with pytest.raises(ValueError):
        member_shares_cents(2, 0)


# --- properties ------------------------------------------------------------------------------

rates = st.decimals(min_value=0, max_value=25, places=2).map(str)


@settings(max_examples=80, deadline=None)
@given(
    principal=st.integers(1, 10**10),
    rate=rates,
    repayment=st.sampled_from(Repayment),
    frequency=st.sampled_from(Frequency),
    periods=st.integers(1, 120),
    start=st.dates(date(2000, 1, 1), date(2090, 12, 31)),
)
def test_every_schedule_repays_exactly_the_principal(
    principal, rate, repayment, frequency, periods, start
):
    s = schedule(principal, rate, repayment, frequency, periods * frequency.months, start)
    instalments = s.instalments
    assert len(instalments) == periods
    assert sum(i.principal_cents for i in instalments) == principal
    assert instalments[-1].outstanding_cents == 0

    period_rate = Fraction(D(rate)) / (100 * frequency.periods_per_year)
    before = principal
    for instalment in instalments:
        assert 0 <= instalment.principal_cents <= before
        assert instalment.outstanding_cents == before - instalment.principal_cents >= 0
        assert abs(instalment.interest_cents - before * period_rate) <= Fraction(1, 2)
        assert instalment.total_cents == instalment.interest_cents + instalment.principal_cents
        assert instalment.due_date == add_months(start, instalment.number * frequency.months)
        before = instalment.outstanding_cents
    assert [i.number for i in instalments] == list(range(1, periods + 1))
    assert all(a.due_date < b.due_date for a, b in zip(instalments, instalments[1:], strict=False))

    body = instalments[:-1]
    if repayment is Repayment.BULLET:
        assert all(i.principal_cents == 0 for i in body)
    elif repayment is Repayment.LINEAR:
        assert all(i.principal_cents == principal // periods for i in body)
    else:
        payment = annuity_payment_cents(
            principal, rate, frequency=frequency, term_months=periods * frequency.months
        )
        # Level payments, except once a loan of a few cents is repaid early.
        assert all(i.total_cents == payment or i.outstanding_cents == 0 for i in body)
