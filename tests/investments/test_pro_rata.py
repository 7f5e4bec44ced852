"""Pro-rata distribution over holdings, exact to the cent by largest remainder."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from marketplace.investments.distribution import pro_rata


def test_exact_shares_need_no_remainder():
    holdings = {"x": 50_000, "y": 30_000, "z": 20_000}
    assert pro_rata(1_000, holdings) == {"x": 500, "y": 300, "z": 200}


def test_the_left_over_cent_goes_to_the_largest_remainder():
    # 10 over weights 3, 3, 1: exact 4.29, 4.29, 1.43 -> floors 4, 4, 1; the cent to the .43
    assert pro_rata(10, {1: 3, 2: 3, 3: 1}) == {1: 4, 2: 4, 3: 2}


def test_equal_remainders_go_to_the_larger_weight():
    # 3 over weights 1, 3, 2: exact 0.5, 1.5, 1.0 -> floors 0, 1, 1; 0.5 and 1.5 tie
    assert pro_rata(3, {"a": 1, "b": 3, "c": 2}) == {"a": 0, "b": 2, "c": 1}


def test_equal_remainders_and_weights_go_to_the_lower_id():
    assert pro_rata(100, {"c": 1, "a": 1, "b": 1}) == {"c": 33, "a": 34, "b": 33}
    assert pro_rata(2, {30: 5, 10: 5, 20: 5}) == {30: 0, 10: 1, 20: 1}


def test_zero_weights_get_nothing_and_zero_amount_gives_zeros():
    assert pro_rata(7, {"a": 0, "b": 3}) == {"a": 0, "b": 7}
    assert pro_rata(0, {"a": 1, "b": 2}) == {"a": 0, "b": 0}


@pytest.mark.parametrize(
    ("amount", "weights", "message"),
    [
        (100, {}, "positive weight"),
        (100, {"a": 0, "b": 0}, "positive weight"),
        (-1, {"a": 1}, "amount_cents"),
        (100, {"a": -5, "b": 10}, "weight of 'a'"),
        (100, {"a": 1.5}, "weight of 'a'"),
    ],
)
def test_invalid_distributions_are_refused(amount, weights, message):
    with pytest.raises(ValueError, match=message):
        pro_rata(amount, weights)


@settings(max_examples=100, deadline=None)
@given(
    amount=st.integers(0, 10**12),
    weights=st.dictionaries(st.integers(0, 500), st.integers(0, 10**9), min_size=1, max_size=40),
)
def test_distribution_sums_exactly_and_does_not_depend_on_order(amount, weights):
    total = sum(weights.values())
    if total == 0:
        with pytest.raises(ValueError):
            pro_rata(amount, weights)
        return
    shares = pro_rata(amount, weights)
    assert list(shares) == list(weights)
    assert sum(shares.values()) == amount
    for key, weight in weights.items():
        floor = amount * weight // total
        assert floor <= shares[key] <= floor + 1
        if weight == 0:
            assert shares[key] == 0
    # The extra cents went to the largest remainders.
    remainder = {key: amount * weight % total for key, weight in weights.items()}
    topped = [remainder[k] for k in weights if shares[k] > amount * weights[k] // total]
    rest = [remainder[k] for k in weights if shares[k] == amount * weights[k] // total]
    if topped and rest:
        assert min(topped) >= max(rest)
    assert pro_rata(amount, dict(reversed(weights.items()))) == shares
    assert pro_rata(amount, weights) == shares
