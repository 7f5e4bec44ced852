"""Exchange index maths, checked against numbers worked out by hand."""

from datetime import date
from decimal import Decimal

import pytest

from marketplace.exchange.indices import (
    SIZE_BAND_LABELS,
    ComparableCandidate,
    aggregate_return,
    change,
    comparables,
    index_series,
    metric_overlap,
    percentile_rank,
    quartiles,
    size_band,
    size_similarity,
    social_return,
)

D = Decimal
JAN, FEB, MAR, APR, MAY = (date(2025, m, 1) for m in (1, 2, 3, 4, 5))
MONTHS = [JAN, FEB, MAR, APR, MAY]
FOUR_PLACES = D("0.0001")

# Cumulative (inputs in cents, value in euros) per month, only for months in which quoted.
#   A: 1.5 in Jan, 2.0 in Feb and Mar, 2.5 in Apr and May
#   B: joins in Mar at 6.0; 6.0 in Apr; 3.0 in May
#   C: an accepted report but no inputs yet: never counts
THEME = {
    "A": {
        JAN: (100_00, D(150)),
        FEB: (100_00, D(200)),
        MAR: (200_00, D(400)),
        APR: (200_00, D(500)),
        MAY: (200_00, D(500)),
    },
    "B": {MAR: (100_00, D(600)), APR: (100_00, D(600)), MAY: (300_00, D(900))},
    "C": {APR: (0, D(50))},
}


def values(series):
    return [None if v is None else v.quantize(FOUR_PLACES) for _, v in series]


def test_social_return_of_an_initiative():
    assert social_return(200_00, D(500)) == D("2.5")
    assert social_return(0, D(500)) is None


def test_aggregate_return_is_input_weighted():
    # (400 + 600) / (200 + 100) = 10/3, not the plain mean of 2.0 and 6.0
    assert aggregate_return([(200_00, D(400)), (100_00, D(600))]) == D(10) / D(3)
    assert aggregate_return([]) is None


def test_chain_linked_index():
    # Jan: base 100 (A at 1.5)
    # Feb: A only, 2.0 / 1.5              -> 133.3333
    # Mar: B joins; A alone links, 2.0/2.0 -> 133.3333 (no jump from B's 6.0)
    # Apr: A+B link 1100/300 over 1000/300 = 1.1 -> 146.6667
    # May: A+B link 1400/500 over 1100/300 = 42/55 -> 440/3 × 42/55 = 112
    series = index_series(THEME, MONTHS)
    assert [m for m, _ in series] == MONTHS
    assert values(series) == [
        D("100.0000"),
        D("133.3333"),
        D("133.3333"),
        D("146.6667"),
        D("112.0000"),
    ]


def test_fixed_base_index_is_the_rescaled_aggregate_return():
    # R: 1.5, 2.0, 1000/300, 1100/300, 1400/500 -> 100 × R / 1.5
    series = index_series(THEME, MONTHS, chain_linked=False)
    assert values(series) == [
        D("100.0000"),
        D("133.3333"),
        D("222.2222"),
        D("244.4444"),
        D("186.6667"),
    ]


def test_index_starts_at_the_first_month_with_a_positive_return():
    # Jan: nothing quoted; Feb: quoted with zero value (no base yet); Mar: base; Apr: gap;
    # May links to Mar: 3.0 / 2.0.
    theme = {"A": {FEB: (100_00, D(0)), MAR: (100_00, D(200)), MAY: (100_00, D(300))}}
    assert values(index_series(theme, MONTHS)) == [None, None, D("100.0000"), None, D("150.0000")]


def test_index_carries_over_when_no_initiative_continues():
    # A quoted in Jan only, B from Feb: nothing to link, so the index stays at 100.
    theme = {"A": {JAN: (100_00, D(100))}, "B": {FEB: (100_00, D(900)), MAR: (100_00, D(450))}}
    assert values(index_series(theme, [JAN, FEB, MAR])) == [
        D("100.0000"),
        D("100.0000"),
        D("50.0000"),
    ]


def test_index_accepts_mid_month_dates_and_empty_input():
    theme = {"A": {date(2025, 1, 31): (100_00, D(100)), date(2025, 2, 28): (100_00, D(120))}}
    assert values(index_series(theme, [date(2025, 1, 15), FEB])) == [D("100.0000"), D("120.0000")]
    assert index_series({}, [JAN]) == [(JAN, None)]


def test_change_over_three_and_twelve_months():
    series = [D(2), D("2.5"), None, D(3)]
    assert change(series, 3) == D("0.5")  # 3 / 2 - 1
    assert change(series, 2) == D("0.2")  # 3 / 2.5 - 1
    assert change(series, 1) is None  # no value a month ago
    assert change(series, 12) is None  # history too short
    assert change([D(0), D(1)], 1) is None
    assert change([D(4), D(3)], 1) == D("-0.25")
    assert change([D(4), None], 1) is None
    with pytest.raises(ValueError):
        change(series, 0)


def test_percentile_rank_counts_half_of_the_ties():
    peers = [D(1), D(2), D(3), D(3), D(5), None]
    assert percentile_rank(D(3), peers) == D(60)  # (2 below + 2 ties / 2) / 5
    assert percentile_rank(D(6), peers) == D(100)
    assert percentile_rank(D(0), peers) == D(0)
    assert percentile_rank(D(4), peers) == D(80)
    assert percentile_rank(D(1), [D(1)]) == D(50)
    assert percentile_rank(D(1), [None]) is None
    assert percentile_rank(D(1), []) is None


def test_quartiles_by_linear_interpolation():
    # numpy.percentile([1, 2, 3, 4], [25, 50, 75]) == [1.75, 2.5, 3.25]
    assert quartiles([D(1), D(2), D(3), D(4)]) == (D("1.75"), D("2.5"), D("3.25"))
    assert quartiles([D(5), D(1), D(4), D(2), D(3)]) == (D(2), D(3), D(4))
    assert quartiles([D(10), None, D(0), D(5)]) == (D("2.5"), D(5), D("7.5"))
    assert quartiles([D(7)]) == (D(7), D(7), D(7))
    assert quartiles([None]) is None
    assert quartiles([]) is None


@pytest.mark.parametrize(
    ("cents", "band"),
    [
        (0, "<10k"),
        (9_999_99, "<10k"),
        (10_000_00, "10k-50k"),
        (49_999_99, "10k-50k"),
        (50_000_00, "50k-250k"),
        (250_000_00, "250k-1m"),
        (999_999_99, "250k-1m"),
        (1_000_000_00, ">=1m"),
        (50_000_000_00, ">=1m"),
    ],
)
def test_size_band(cents, band):
    assert size_band(cents) == band


def test_size_band_labels():
    assert SIZE_BAND_LABELS == ("<10k", "10k-50k", "50k-250k", "250k-1m", ">=1m")


def test_size_similarity_and_metric_overlap():
    assert size_similarity(10_000_00, 10_000_00) == D(1)
    assert size_similarity(10_000_00, 100_000_00) == D("0.5")  # factor 10
    assert size_similarity(100_000_00, 10_000_00) == D("0.5")
    assert size_similarity(10_000_00, 1_000_000_00) == D(1) / D(3)  # factor 100
    assert size_similarity(0, 10_000_00) == 0
    assert metric_overlap(frozenset({"a", "b"}), frozenset({"b", "c"})) == D(1) / D(3)
    assert metric_overlap(frozenset(), frozenset()) == 0


def candidate(key, municipality, inputs_cents, codes, theme="energy", sr=None):
    return ComparableCandidate(key, theme, municipality, inputs_cents, frozenset(codes), sr)


TARGET = candidate("T", "Utrecht", 10_000_00, {"kwh", "co2", "volunteer_hours"})
CANDIDATES = [
    candidate("T", "Utrecht", 10_000_00, {"kwh", "co2", "volunteer_hours"}),  # itself
    candidate("X", "Leiden", 10_000_00, {"kwh"}, theme="care"),  # other theme
    candidate("U", " utrecht ", 10_000_00, {"kwh", "co2", "volunteer_hours"}),  # same place
    # size 1, overlap 1            -> 1
    candidate("A", "Amsterdam", 10_000_00, {"kwh", "co2", "volunteer_hours"}, sr=D("1.2")),
    # size 1/2, overlap 2/3        -> 1/4 + 1/3 = 0.5833
    candidate("B", "Zwolle", 100_000_00, {"kwh", "co2"}),
    # size 1/2, overlap 1/3        -> 1/4 + 1/6 = 0.4167
    candidate("C", "Delft", 1_000_00, {"kwh"}),
    # size 0 (no inputs), overlap 3/4 -> 0.375
    candidate("E", "Gouda", 0, {"kwh", "co2", "volunteer_hours", "trees"}),
    # size 1/3, overlap 0          -> 1/6 = 0.1667
    candidate("F", "Breda", 1_000_000_00, set()),
]


def test_comparables_rank_by_size_and_metric_overlap():
    found = comparables(TARGET, CANDIDATES)
    assert [(c.key, c.score.quantize(FOUR_PLACES)) for c in found] == [
        ("A", D("1.0000")),
        ("B", D("0.5833")),
        ("C", D("0.4167")),
        ("E", D("0.3750")),
        ("F", D("0.1667")),
    ]
    assert found[0].social_return == D("1.2")
    assert (found[1].size_similarity, found[1].metric_overlap) == (D("0.5"), D(2) / D(3))


def test_comparables_limit_and_ties_by_key():
    assert [c.key for c in comparables(TARGET, CANDIDATES, limit=2)] == ["A", "B"]
    twins = [candidate("z", "Ede", 10_000_00, {"kwh"}), candidate("m", "Epe", 10_000_00, {"kwh"})]
    assert [c.key for c in comparables(TARGET, twins)] == ["m", "z"]
    assert comparables(TARGET, CANDIDATES, limit=0) == []


def test_comparables_without_a_target_municipality_keep_everyone_in_the_theme():
    target = candidate("T", None, 10_000_00, {"kwh"})
    assert {c.key for c in comparables(target, CANDIDATES, limit=10)} == {
        "U",
        "A",
        "B",
        "C",
        "E",
        "F",
    }
