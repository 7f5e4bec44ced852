"""Attribution of social value to funders, with numbers worked out by hand."""

from datetime import date, datetime
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from marketplace.portfolios.attribution import (
    attributed_value,
    monthly_series,
    share,
    social_return,
    split_shares,
)
from marketplace.timeutil import month_range, month_start

D = Decimal
JAN, FEB, MAR, APR = (date(2025, m, 1) for m in (1, 2, 3, 4))
MONTHS = [JAN, FEB, MAR, APR]

# One initiative, two funders and €300 of declared (non-platform) inputs in January.
#   funder A: €100 in Jan, €50 in Mar         -> cumulative 100, 100, 150, 150
#   funder B: €200 in Feb                     -> cumulative   0, 200, 200, 200
#   inputs: A + B + €300 declared             -> cumulative 400, 600, 650, 650
#   social value: first accepted report in Feb -> cumulative   0, 600, 650, 1300
FUNDER_A = {JAN: 10_000, MAR: 5_000}
FUNDER_B = {FEB: 20_000}
INPUTS = {JAN: 10_000 + 30_000, FEB: 20_000, MAR: 5_000}
VALUE = {FEB: D(600), MAR: D(50), APR: D(650)}


def test_two_funders_and_declared_inputs_funder_a():
    points = monthly_series(FUNDER_A, INPUTS, VALUE, MONTHS)
    assert [p.month for p in points] == MONTHS
    assert [p.given_cents for p in points] == [10_000, 10_000, 15_000, 15_000]
    assert [p.inputs_cents for p in points] == [40_000, 60_000, 65_000, 65_000]
    assert [p.social_value for p in points] == [D(0), D(600), D(650), D(1300)]
    # shares 1/4, 1/6, 3/13, 3/13 of the value
    assert points[0].share == D("0.25")
    assert points[1].share == D(1) / D(6)
    assert points[2].share == points[3].share == D(3) / D(13)
    assert [p.attributed_value for p in points] == [D(0), D(100), D(150), D(300)]
    # euros of value per euro given: 0/100, 100/100, 150/150, 300/150
    assert [p.social_return for p in points] == [D(0), D(1), D(1), D(2)]


def test_two_funders_and_declared_inputs_funder_b():
    points = monthly_series(FUNDER_B, INPUTS, VALUE, MONTHS)
    assert [p.given_cents for p in points] == [0, 20_000, 20_000, 20_000]
    assert [p.attributed_value for p in points] == [D(0), D(200), D(200), D(400)]
    assert [p.social_return for p in points] == [None, D(1), D(1), D(2)]
    assert points[0].share == 0


def test_funders_and_other_inputs_add_up_to_the_social_value():
    a = monthly_series(FUNDER_A, INPUTS, VALUE, MONTHS)[-1].attributed_value
    b = monthly_series(FUNDER_B, INPUTS, VALUE, MONTHS)[-1].attributed_value
    other = attributed_value(30_000, 65_000, D(1300))
    assert (a, b, other) == (D(300), D(400), D(600))
    assert a + b + other == D(1300)


def test_refund_reduces_the_share():
    # B has €50 refunded in April: B 150, inputs 600; A 150/600 = 1/4, B 1/4, other 1/2.
    funder_b = FUNDER_B | {APR: -5_000}
    inputs = INPUTS | {APR: -5_000}
    b = monthly_series(funder_b, inputs, VALUE, MONTHS)
    a = monthly_series(FUNDER_A, inputs, VALUE, MONTHS)
    assert b[-1].given_cents == 15_000
    assert b[-1].inputs_cents == 60_000
    assert b[-1].share == a[-1].share == D("0.25")
    assert b[-1].attributed_value == a[-1].attributed_value == D(325)
    assert b[-1].social_return.quantize(D("0.000001")) == D("2.166667")  # 325 / 150


def test_full_refund_leaves_nothing_attributed_and_no_return():
    points = monthly_series({FEB: 20_000, MAR: -20_000}, {FEB: 20_000, MAR: -20_000}, VALUE, MONTHS)
    assert [p.given_cents for p in points] == [0, 20_000, 0, 0]
    assert [p.attributed_value for p in points] == [D(0), D(600), D(0), D(0)]
    assert points[2].social_return is None
    assert points[2].share == 0


def test_no_value_before_the_first_accepted_report():
    points = monthly_series(FUNDER_A, INPUTS, {MAR: D(650)}, MONTHS)
    assert [p.attributed_value for p in points] == [D(0), D(0), D(150), D(150)]
    assert points[0].social_return == points[1].social_return == D(0)


def test_amounts_before_the_window_and_mid_month_dates_count():
    funder = {date(2024, 11, 20): 10_000}
    inputs = {date(2024, 11, 20): 10_000, date(2025, 2, 14): 30_000}
    value = {date(2025, 2, 28): D(80)}
    points = monthly_series(funder, inputs, value, [JAN, FEB])
    assert [(p.given_cents, p.inputs_cents) for p in points] == [(10_000, 10_000), (10_000, 40_000)]
    assert [p.attributed_value for p in points] == [D(0), D(20)]


def test_months_must_ascend():
    with pytest.raises(ValueError, match="ascending"):
        monthly_series(FUNDER_A, INPUTS, VALUE, [FEB, JAN])


def test_empty_window():
    assert monthly_series(FUNDER_A, INPUTS, VALUE, []) == []


def test_split_shares_with_other_remainder():
    shares = split_shares({"a": 15_000, "b": 20_000}, 65_000)
    assert shares["a"] == D(3) / D(13)
    assert shares["b"] == D(4) / D(13)
    assert abs(shares["other"] - D(6) / D(13)) < D("1e-27")
    assert sum(shares.values()) == D(1)


def test_split_shares_exact_when_divisible():
    assert split_shares({"a": 1_000, "b": 3_000}, 8_000) == {
        "a": D("0.125"),
        "b": D("0.375"),
        "other": D("0.5"),
    }


def test_split_shares_zero_inputs():
    assert split_shares({"a": 0}, 0) == {"a": D(0), "other": D(0)}


def test_split_shares_rejects_funders_above_total_and_reserved_key():
    with pytest.raises(ValueError, match="more than the total"):
        split_shares({"a": 600, "b": 500}, 1_000)
    with pytest.raises(ValueError, match="reserved"):
        split_shares({"other": 1}, 10)


@given(
    st.dictionaries(st.text(min_size=1, max_size=3), st.integers(0, 10**9), max_size=30),
    st.integers(0, 10**10),
)
def test_shares_always_sum_to_exactly_one(funders, extra):
    funders.pop("other", None)
    total = sum(funders.values()) + extra
    shares = split_shares(funders, total)
    if total > 0:
        assert sum(shares.values()) == D(1)
        assert all(s >= 0 for s in shares.values())
    else:
        assert all(s == 0 for s in shares.values())


def test_share_and_value_with_zero_inputs():
    assert share(0, 0) == 0
    assert share(500, 0) == 0
    assert attributed_value(500, 0, D(1000)) == 0
    assert share(-100, 1_000) == 0  # net refunded: nothing left to attribute


def test_share_and_attributed_value():
    assert share(2_500, 10_000) == D("0.25")
    assert attributed_value(2_500, 10_000, D("1234.56")) == D("308.64")


def test_social_return_per_euro_given():
    assert social_return(D(300), 15_000) == D(2)
    assert social_return(D("12.34"), 1_000) == D("1.234")
    assert social_return(D(5), 0) is None
    assert social_return(D(5), -100) is None


def test_month_start():
    assert month_start(date(2025, 3, 31)) == date(2025, 3, 1)
    assert month_start(datetime(2025, 3, 31, 23, 59)) == date(2025, 3, 1)
    assert type(month_start(datetime(2025, 3, 31, 23, 59))) is date


def test_month_range_crosses_the_year_and_is_inclusive():
    assert month_range(date(2024, 11, 15), date(2025, 2, 3)) == [
        date(2024, 11, 1),
        date(2024, 12, 1),
        date(2025, 1, 1),
        date(2025, 2, 1),
    ]
    assert month_range(JAN, JAN) == [JAN]
    assert month_range(FEB, JAN) == []
