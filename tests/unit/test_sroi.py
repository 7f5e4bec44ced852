"""SROI engine against the worked examples in the shared data (Examples C and D)."""

from decimal import Decimal

import pytest

from marketplace.impact.sroi import (
    DEFAULT_DISCOUNT_RATE,
    Outcome,
    evaluate,
    round_money,
    round_ratio,
    sensitivity,
    value_of_outcome,
)

D = Decimal


def example_c() -> Outcome:
    """10 people from social assistance into work, bijstand norm 2024 as the proxy."""
    return Outcome(
        key="bijstand_to_work",
        value_kind="fiscal",
        quantity=D(10),
        proxy=D("15405.96"),
        deadweight=D("0.25"),
        displacement=D("0"),
        attribution=D("0.20"),
        drop_off=D("0.10"),
        duration_years=3,
    )


def example_d() -> list[Outcome]:
    def row(key, kind, q, p, dw, ds, at, do, years):
        return Outcome(key, kind, D(q), D(p), D(dw), D(ds), D(at), D(do), years)

    return [
        row("volunteer_hours", "economic", "1900", "20.00", "0.10", "0", "0.25", "0", 1),
        row("renewable_kwh", "environmental", "48000", "0.12", "0.30", "0.05", "0.10", "0.05", 10),
        row("co2_tonnes", "environmental", "18.5", "130.00", "0.30", "0", "0.10", "0.05", 10),
        row("lonely_elderly", "wellbeing", "35", "1200.00", "0.40", "0", "0.50", "0.50", 2),
    ]


def test_default_discount_rate_is_the_dutch_standard():
    assert D("0.0225") == DEFAULT_DISCOUNT_RATE


def test_example_c_year_values():
    result = evaluate([example_c()], D(50000))
    years = result.by_outcome[0].yearly_values
    assert [round_money(v) for v in years] == [D("92435.76"), D("83192.18"), D("74872.97")]
    # Undiscounted values are exact, not rounded.
    assert years == (D("92435.76"), D("83192.184"), D("74872.9656"))
    assert result.year_one_impact == D("92435.76")


@pytest.mark.parametrize(
    ("rate", "pv", "npv", "ratio"),
    [
        (D("0.035"), D("234501.83"), D("184501.83"), D("4.6900")),
        (D("0.0225"), D("240011.14"), D("190011.14"), D("4.8002")),
    ],
)
def test_example_c_at_both_discount_rates(rate, pv, npv, ratio):
    result = evaluate([example_c()], D(50000), rate)
    assert round_money(result.present_value) == pv
    assert round_money(result.net_present_value) == npv
    assert round_ratio(result.sroi_ratio) == ratio
    assert result.discount_rate == rate


def test_example_c_payback_months():
    result = evaluate([example_c()], D(50000))
    assert result.payback_months.quantize(D("0.01")) == D("6.49")


def test_example_c_default_rate_is_used_when_none_given():
    assert evaluate([example_c()], D(50000)) == evaluate([example_c()], D(50000), D("0.0225"))


def test_example_d_each_outcome():
    result = evaluate(example_d(), D(60000))
    assert [(o.key, round_money(o.present_value)) for o in result.by_outcome] == [
        ("volunteer_hours", D("25085.57")),
        ("renewable_kwh", D("24759.42")),
        ("co2_tonnes", D("10882.02")),
        ("lonely_elderly", D("18348.53")),
    ]
    assert [o.impact for o in result.by_outcome] == [
        D("25650"),
        D("3447.36"),
        D("1515.15"),
        D("12600"),
    ]


def test_example_d_totals():
    result = evaluate(example_d(), D(60000))
    assert round_money(result.present_value) == D("79075.53")
    assert round_money(result.net_present_value) == D("19075.53")
    assert round_ratio(result.sroi_ratio) == D("1.3179")
    assert round_money(result.year_one_impact) == D("43212.51")
    assert result.payback_months.quantize(D("0.01")) == D("16.66")


def test_example_d_value_by_kind_sums_to_total():
    result = evaluate(example_d(), D(60000))
    by_kind = {kind: round_money(pv) for kind, pv in result.by_value_kind.items()}
    assert by_kind == {
        "economic": D("25085.57"),
        "environmental": D("35641.43"),  # 24,759.42 + 10,882.02 before rounding
        "wellbeing": D("18348.53"),
    }
    assert sum(result.by_value_kind.values()) == result.present_value


def test_value_of_outcome_matches_evaluate():
    outcomes = example_d()
    result = evaluate(outcomes, D(60000))
    for outcome, valued in zip(outcomes, result.by_outcome, strict=True):
        assert value_of_outcome(outcome) == valued.present_value
    assert round_money(value_of_outcome(example_c(), D("0.035"))) == D("234501.83")


def test_niaa_youth_prevention_plausibility_without_discounting():
    # NIAA / SVA 2014: PV of benefits AUD 4,760,250 against AUD 847,166 invested, ratio 5.62.
    benefits = Outcome("benefits", "fiscal", D(1), D(4760250))
    result = evaluate([benefits], D(847166), discount_rate=D(0))
    assert result.present_value == D(4760250)
    assert result.net_present_value == D(3913084)
    assert result.sroi_ratio.quantize(D("0.01")) == D("5.62")


def test_zero_inputs_gives_no_ratio_instead_of_crashing():
    result = evaluate([example_c()], D(0))
    assert result.sroi_ratio is None
    assert result.payback_months == 0
    assert result.net_present_value == result.present_value


def test_no_outcomes_gives_zero_value_and_no_payback():
    result = evaluate([], D(1000))
    assert result.present_value == 0
    assert result.sroi_ratio == 0
    assert result.payback_months is None
    assert result.by_value_kind == {}


def test_full_deadweight_gives_zero_value():
    outcome = Outcome("x", "wellbeing", D(100), D(500), deadweight=D(1), duration_years=5)
    result = evaluate([outcome], D(1000))
    assert result.present_value == 0
    assert result.sroi_ratio == 0
    assert result.payback_months is None


def test_duration_one_discounts_the_first_year():
    outcome = Outcome("x", "economic", D(1), D("1022.50"))
    assert value_of_outcome(outcome) == D(1000)  # 1,022.50 / 1.0225


def test_duration_ten_without_drop_off_or_discounting_is_ten_times_impact():
    outcome = Outcome("x", "economic", D(4), D(250), duration_years=10)
    assert value_of_outcome(outcome, D(0)) == D(10000)
    assert len(evaluate([outcome], D(1)).by_outcome[0].yearly_values) == 10


def test_duration_ten_with_drop_off_halving_each_year():
    outcome = Outcome("x", "economic", D(1), D(1024), drop_off=D("0.5"), duration_years=10)
    years = evaluate([outcome], D(1), D(0)).by_outcome[0].yearly_values
    assert years == tuple(D(v) for v in (1024, 512, 256, 128, 64, 32, 16, 8, 4, 2))
    assert value_of_outcome(outcome, D(0)) == D(2046)


def test_sensitivity_cases_and_labels():
    cases = sensitivity(example_d(), D(60000))
    assert [(c.parameter, c.change) for c in cases] == [
        ("deadweight", "-10pp"),
        ("deadweight", "+10pp"),
        ("displacement", "-10pp"),
        ("displacement", "+10pp"),
        ("attribution", "-10pp"),
        ("attribution", "+10pp"),
        ("drop_off", "-10pp"),
        ("drop_off", "+10pp"),
        ("proxy", "-20%"),
        ("proxy", "+20%"),
    ]


def test_sensitivity_higher_filters_lower_the_ratio():
    base = evaluate(example_d(), D(60000)).sroi_ratio
    cases = {(c.parameter, c.change): c.sroi_ratio for c in sensitivity(example_d(), D(60000))}
    for name in ("deadweight", "displacement", "attribution", "drop_off"):
        assert cases[(name, "-10pp")] >= base >= cases[(name, "+10pp")]
    assert cases[("deadweight", "-10pp")] > base > cases[("deadweight", "+10pp")]


def test_sensitivity_clamps_filters_to_zero_and_one():
    # Displacement 0 cannot go below 0: the "-10pp" case equals the base case.
    base = evaluate([example_c()], D(50000))
    cases = {(c.parameter, c.change): c for c in sensitivity([example_c()], D(50000))}
    assert cases[("displacement", "-10pp")].present_value == base.present_value
    full = Outcome("x", "fiscal", D(1), D(100), deadweight=D("0.95"))
    assert sensitivity([full], D(10))[1].present_value == 0  # deadweight 1.05 -> 1


def test_sensitivity_proxy_moves_ratio_proportionally():
    base = evaluate([example_c()], D(50000), D("0.035")).sroi_ratio
    cases = sensitivity([example_c()], D(50000), D("0.035"))
    down, up = cases[-2], cases[-1]
    # Linear in the proxy: equal to 28 significant digits; allow the last digit of rounding.
    assert abs(up.sroi_ratio - base * D("1.2")) < D("1e-24")
    assert abs(down.sroi_ratio - base * D("0.8")) < D("1e-24")
    assert round_ratio(up.sroi_ratio) == D("5.6280")  # 4.690036... × 1.2


def test_sensitivity_with_zero_inputs_has_no_ratio():
    assert all(c.sroi_ratio is None for c in sensitivity([example_c()], D(0)))


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"deadweight": D("1.5")}, "deadweight"),
        ({"attribution": D("-0.1")}, "attribution"),
        ({"drop_off": D("2")}, "drop_off"),
        ({"quantity": D(-1)}, "quantity"),
        ({"proxy": D("-0.01")}, "proxy"),
        ({"duration_years": 0}, "duration_years"),
        ({"duration_years": D("1.5")}, "duration_years"),
        ({"value_kind": "happiness"}, "value_kind"),
        ({"proxy": 0.12}, "Decimal"),
        ({"quantity": D("NaN")}, "finite"),
    ],
)
def test_invalid_outcome_raises_value_error(changes, message):
    fields = {
        "key": "x",
        "value_kind": "fiscal",
        "quantity": D(1),
        "proxy": D(1),
        "deadweight": D(0),
        "displacement": D(0),
        "attribution": D(0),
        "drop_off": D(0),
        "duration_years": 1,
    }
    with pytest.raises(ValueError, match=message):
        Outcome(**(fields | changes))


def test_invalid_inputs_and_rate_raise_value_error():
    with pytest.raises(ValueError, match="inputs"):
        evaluate([example_c()], D(-1))
    with pytest.raises(ValueError, match="discount_rate"):
        evaluate([example_c()], D(1), D(-1))


def test_int_quantities_are_accepted_as_decimals():
    outcome = Outcome("x", "fiscal", 3, 100)
    assert outcome.quantity == D(3)
    assert isinstance(outcome.proxy, Decimal)


def test_display_helpers_round_half_up():
    assert round_money(D("0.005")) == D("0.01")
    assert round_money(D("-1.234")) == D("-1.23")
    assert round_ratio(D("1.23445")) == D("1.2345")
