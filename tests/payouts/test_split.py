"""The split of a gift between the initiative and the platform: pure, exact to the cent."""

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from marketplace.payouts.split import (
    SplitError,
    check_split,
    percent_of,
    platform_fee,
    platform_refunded,
    split,
)


def test_a_gift_with_tip_and_fee_splits_as_the_give_form_says():
    result = split(amount=2500, tip=250, fee=100)
    assert (result.initiative, result.fee, result.tip, result.gift) == (2400, 100, 250, 2500)
    assert result.total == 2750


def test_a_partial_refund_comes_out_of_the_initiatives_share_first():
    result = split(2500, tip=250, fee=100, taken=1000)
    assert (result.initiative, result.fee, result.tip) == (1400, 100, 250)
    assert platform_refunded(2500, 250, 100, 1000) == 0


def test_a_refund_beyond_the_share_is_carried_by_the_fee_then_the_tip():
    assert split(2500, 250, 100, taken=2450) == split(2500, 250, 100, 2450)
    result = split(2500, tip=250, fee=100, taken=2450)
    assert (result.initiative, result.fee, result.tip, result.gift) == (0, 50, 250, 50)
    result = split(2500, tip=250, fee=100, taken=2600)
    assert (result.initiative, result.fee, result.tip, result.gift) == (0, 0, 150, 0)
    assert platform_refunded(2500, 250, 100, 2750) == 350


def test_an_unpaid_gift_splits_into_nothing():
    assert split(2500, 250, 100, paid=False).total == 0


@given(
    amount=st.integers(100, 2_500_000),
    tip=st.integers(0, 100_000),
    fee=st.integers(0, 10_000),
    taken_share=st.floats(0, 1),
)
def test_the_parts_always_add_up_to_what_the_donor_still_paid(amount, tip, fee, taken_share):
    fee = min(fee, amount)
    taken = int((amount + tip) * taken_share)
    result = split(amount, tip, fee, taken)
    assert result.total == amount + tip - taken
    assert min(result.initiative, result.fee, result.tip, result.gift) >= 0
    assert (fee + tip) - result.platform == platform_refunded(amount, tip, fee, taken)


def test_fees_are_rounded_half_up_to_the_cent():
    assert percent_of(2500, "2.5") == 63  # 62.5 -> 63
    assert percent_of(999, Decimal("1")) == 10  # 9.99 -> 10
    assert platform_fee(2500, fixed=25, percent="1") == 50


@pytest.mark.parametrize(
    ("amount", "tip", "fee", "field"),
    [(500, 0, 600, "amount"), (500, 450, 100, "tip"), (500, -1, 0, "tip")],
)
def test_a_tip_or_fee_that_makes_the_share_negative_is_refused(amount, tip, fee, field):
    with pytest.raises(SplitError) as caught:
        check_split(amount, tip, fee)
    assert caught.value.field == field


def test_a_tip_as_large_as_the_share_is_allowed():
    check_split(500, 400, 100)
