"""Index maths for the social stock exchange. Definitions (published on the methodology page):

Social return of an initiative at month m
    SR(m) = V(m) / I(m): the initiative's cumulative social value up to and including month m
    (euros, from accepted outcome reports) divided by its cumulative inputs up to m (euros: platform
    contributions net of refunds plus declared other inputs). Undefined when I(m) is zero.

Quoted
    An initiative is quoted at month m when it has at least one accepted outcome report whose
    period ends on or before m, and its cumulative inputs at m are above zero.

Aggregate return of a group S of initiatives at month m
    R_m(S) = Σ V_i(m) / Σ I_i(m) over i in S: the input-weighted average social return, i.e. euros
    of social value per euro of input for the group as a whole.

Theme index (chain-linked, base 100)
    Let Q_m be the initiatives of a theme quoted at m. The base month b is the first month in which
    Q_b is not empty and R_b(Q_b) > 0; index_b = 100. For each later month m with Q_m not empty,
    let p be the latest earlier month with an index value and C = Q_m ∩ Q_p the initiatives quoted
    in both months. Then

        index_m = index_p × R_m(C) / R_p(C)

    and when C is empty or R_p(C) = 0, index_m = index_p. An initiative therefore moves the index
    only through its own change from one month to the next: joining (or leaving) the index causes
    no jump, as with the divisor adjustment of a stock index. Months before the base month and
    months without quoted initiatives have no index value.
    The fixed-base variant, index_m = 100 × R_m(Q_m) / R_b(Q_b), is the aggregate return itself
    rescaled; it is easy to read but jumps when an initiative with a high or low return joins.

Change over k months
    change = X(m) / X(m − k) − 1 for a series X (social return or index), as a fraction
    (0.25 = +25%); undefined when either value is missing or X(m − k) is not above zero.

Percentile rank of a value among peers
    100 × (number of peers strictly below + ½ × number of peers equal) / number of peers.
    Peers without a value are left out; the caller decides whether the value itself is a peer.

Quartiles
    Linear interpolation between order statistics (numpy's default, Hyndman & Fan type 7): for
    sorted x_0 … x_(n−1), the p-quantile is at position h = (n − 1) × p and equals
    x_⌊h⌋ + (h − ⌊h⌋) × (x_⌊h⌋+1 − x_⌊h⌋). Q1, median and Q3 use p = 0.25, 0.5, 0.75.

Size bands (cumulative inputs, euros)
    "<10k", "10k-50k", "50k-250k", "250k-1m", ">=1m"; lower bounds inclusive.

Comparables
    Candidates in the same theme, excluding the initiative itself and any in the same municipality
    (comparables come from elsewhere in the country), ranked by
        score = ½ × size similarity + ½ × metric overlap
    with size similarity = 1 / (1 + |log10(inputs_a) − log10(inputs_b)|) (1 for equal inputs, ½ for
    a factor 10 apart, 0 when either has no inputs) and metric overlap the Jaccard index of the
    sets of metric codes reported, |A ∩ B| / |A ∪ B| (0 when both are empty). Ties go to the key
    in alphabetical order.
"""

from bisect import bisect_left
from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from functools import lru_cache

from marketplace.timeutil import month_start

ZERO = Decimal(0)
ONE = Decimal(1)
HALF = Decimal("0.5")
HUNDRED = Decimal(100)
BASE = HUNDRED

# Upper bounds (exclusive) in cents, with the label of the band below them; the last band is open.
SIZE_BANDS: tuple[tuple[int, str], ...] = (
    (10_000_00, "<10k"),
    (50_000_00, "10k-50k"),
    (250_000_00, "50k-250k"),
    (1_000_000_00, "250k-1m"),
)
TOP_SIZE_BAND = ">=1m"
SIZE_BAND_LABELS: tuple[str, ...] = (*(label for _, label in SIZE_BANDS), TOP_SIZE_BAND)

SIZE_WEIGHT = HALF
OVERLAP_WEIGHT = HALF

# Per initiative: month -> (cumulative inputs in cents, cumulative social value in euros).
Position = tuple[int, Decimal]


def social_return(inputs_cents: int, value: Decimal) -> Decimal | None:
    """Cumulative social value per euro of cumulative inputs; None without inputs."""
    if inputs_cents <= 0:
        return None
    return value * HUNDRED / inputs_cents


def aggregate_return(positions: Iterable[Position]) -> Decimal | None:
    """Input-weighted average social return: Σ value / Σ inputs (None without inputs)."""
    inputs = 0
    value = ZERO
    for inputs_cents, initiative_value in positions:
        inputs += inputs_cents
        value += initiative_value
    return social_return(inputs, value)


def _quoted(
    per_initiative: Mapping[Hashable, Mapping[date, Position]],
) -> dict[date, dict[Hashable, Position]]:
    """Month -> {initiative: position} for the initiatives quoted that month."""
    by_month: dict[date, dict[Hashable, Position]] = {}
    for key, positions in per_initiative.items():
        for month, (inputs_cents, value) in positions.items():
            if inputs_cents > 0:
                by_month.setdefault(month_start(month), {})[key] = (inputs_cents, value)
    return by_month


def index_series(
    per_initiative: Mapping[Hashable, Mapping[date, Position]],
    months: Sequence[date],
    *,
    chain_linked: bool = True,
) -> list[tuple[date, Decimal | None]]:
    """The theme index per month (base 100), as defined in the module docstring.

    `per_initiative` holds, per initiative, an entry (cumulative inputs in cents, cumulative value
    in euros) for each month in which it has an accepted report with period end on or before that
    month; entries with zero inputs are ignored. `months` must be ascending.
    """
    quoted = _quoted(per_initiative)
    series: list[tuple[date, Decimal | None]] = []
    base_return: Decimal | None = None
    previous: tuple[dict[Hashable, Position], Decimal] | None = None  # (quoted at p, index_p)
    for raw_month in months:
        month = month_start(raw_month)
        current = quoted.get(month, {})
        if not current:
            series.append((month, None))
            continue
        if previous is None:
            ratio = aggregate_return(current.values())
            if not ratio:  # None or zero: no base yet
                series.append((month, None))
                continue
            base_return = ratio
            index = BASE
        elif chain_linked:
            earlier, index = previous
            common = current.keys() & earlier.keys()
            now = aggregate_return(current[key] for key in common)
            then = aggregate_return(earlier[key] for key in common)
            if now is not None and then:
                index = index * now / then
        else:
            index = BASE * aggregate_return(current.values()) / base_return
        series.append((month, index))
        previous = (current, index)
    return series


def change(series_values: Sequence[Decimal | None], months_back: int) -> Decimal | None:
    """Relative change of the last value against the one `months_back` entries earlier.

    The sequence has one entry per month, oldest first. Returns a fraction (0.25 = +25%), or None
    when the history is too short, either value is missing, or the earlier value is not above zero.
    """
    if months_back < 1:
        raise ValueError("months_back must be at least 1")
    if len(series_values) <= months_back:
        return None
    now, then = series_values[-1], series_values[-1 - months_back]
    if now is None or then is None or then <= 0:
        return None
    return now / then - ONE


def percentile_rank(value: Decimal, peers: Iterable[Decimal | None]) -> Decimal | None:
    """Percentile (0..100): peers strictly below plus half the ties; None without peers."""
    below = equal = count = 0
    for peer in peers:
        if peer is None:
            continue
        count += 1
        if peer < value:
            below += 1
        elif peer == value:
            equal += 1
    if count == 0:
        return None
    return HUNDRED * (below + HALF * equal) / count


def _quantile(ordered: Sequence[Decimal], p: Decimal) -> Decimal:
    position = (len(ordered) - 1) * p
    low = int(position)
    fraction = position - low
    if fraction == 0:
        return ordered[low]
    return ordered[low] + fraction * (ordered[low + 1] - ordered[low])


def quartiles(values: Iterable[Decimal | None]) -> tuple[Decimal, Decimal, Decimal] | None:
    """(Q1, median, Q3) by linear interpolation (numpy's default); None when there are no values."""
    ordered = sorted(v for v in values if v is not None)
    if not ordered:
        return None
    return (
        _quantile(ordered, Decimal("0.25")),
        _quantile(ordered, HALF),
        _quantile(ordered, Decimal("0.75")),
    )


def size_band(inputs_cents: int) -> str:
    """The size band label for cumulative inputs in cents (see SIZE_BANDS)."""
    for upper, label in SIZE_BANDS:
        if inputs_cents < upper:
            return label
    return TOP_SIZE_BAND


@dataclass(frozen=True)
class ComparableCandidate:
    key: Hashable
    theme: str
    municipality: str | None
    inputs_cents: int
    metric_codes: frozenset[str]
    social_return: Decimal | None = None


@dataclass(frozen=True)
class Comparable:
    key: Hashable
    score: Decimal
    size_similarity: Decimal
    metric_overlap: Decimal
    social_return: Decimal | None


@lru_cache(maxsize=1 << 16)
def _log10(cents: int) -> Decimal:
    return Decimal(cents).log10()


def _distance(inputs_a_cents: int, inputs_b_cents: int) -> Decimal | None:
    """|log10 a − log10 b|, or None when either has no inputs."""
    if inputs_a_cents <= 0 or inputs_b_cents <= 0:
        return None
    return abs(_log10(inputs_a_cents) - _log10(inputs_b_cents))


def size_similarity(inputs_a_cents: int, inputs_b_cents: int) -> Decimal:
    """1 / (1 + |log10 a − log10 b|): 1 when equal, ½ a factor 10 apart, 0 without inputs."""
    distance = _distance(inputs_a_cents, inputs_b_cents)
    return ZERO if distance is None else ONE / (ONE + distance)


def metric_overlap(codes_a: frozenset[str], codes_b: frozenset[str]) -> Decimal:
    """Jaccard index of two sets of metric codes (0 when both are empty)."""
    union = len(codes_a | codes_b)
    if union == 0:
        return ZERO
    return Decimal(len(codes_a & codes_b)) / Decimal(union)


def _place(municipality: str | None) -> str:
    return (municipality or "").strip().casefold()


class ComparablePool:
    """Candidates prepared once, so that the comparables of each of many targets cost about the
    number of distinct metric-code sets instead of the number of candidates.

    Within one set of metric codes the overlap with a target is the same for every candidate,
    so the score only falls with the distance in size: the best `limit` of a group are its
    `limit` nearest in log size (with every tie at the last distance), and the overall best are
    among those of all groups. The result is exactly `comparables`'s.
    """

    def __init__(self, candidates: Iterable[ComparableCandidate]):
        groups: dict[frozenset[str], list] = {}
        for candidate in candidates:
            groups.setdefault(candidate.metric_codes, []).append(candidate)
        self.groups = []
        for codes, members in groups.items():
            sized = sorted(
                (c for c in members if c.inputs_cents > 0), key=lambda c: _log10(c.inputs_cents)
            )
            unsized = sorted((c for c in members if c.inputs_cents <= 0), key=lambda c: str(c.key))
            logs = [_log10(c.inputs_cents) for c in sized]
            self.groups.append((codes, sized, logs, unsized))

    def best(self, target: ComparableCandidate, limit: int = 5) -> list[Comparable]:
        """The most similar initiatives in the same theme elsewhere in the country, best first."""
        if limit <= 0:
            return []
        place = _place(target.municipality)

        def eligible(candidate: ComparableCandidate) -> bool:
            if candidate.key == target.key or candidate.theme != target.theme:
                return False
            return not (place and _place(candidate.municipality) == place)

        found: list[Comparable] = []
        for codes, sized, logs, unsized in self.groups:
            overlap = metric_overlap(target.metric_codes, codes)
            chosen = self._nearest(target, sized, logs, eligible, limit)
            chosen += [c for c in unsized if eligible(c)][:limit]
            for candidate in chosen:
                size = size_similarity(target.inputs_cents, candidate.inputs_cents)
                score = SIZE_WEIGHT * size + OVERLAP_WEIGHT * overlap
                found.append(
                    Comparable(candidate.key, score, size, overlap, candidate.social_return)
                )
        found.sort(key=lambda c: (-c.score, str(c.key)))
        return found[:limit]

    @staticmethod
    def _nearest(target, sized, logs, eligible, limit) -> list[ComparableCandidate]:
        """The `limit` eligible candidates nearest in size (all of them without target inputs),
        and every further one at the same distance as the last (ties go by key later)."""
        if target.inputs_cents <= 0:
            return [c for c in sized if eligible(c)]
        center = _log10(target.inputs_cents)
        right = bisect_left(logs, center)
        left = right - 1
        chosen: list[ComparableCandidate] = []
        last_distance = None
        while left >= 0 or right < len(sized):
            go_left = right >= len(sized) or (
                left >= 0 and center - logs[left] <= logs[right] - center
            )
            index = left if go_left else right
            distance = abs(logs[index] - center)
            if len(chosen) >= limit and distance > last_distance:
                break
            if go_left:
                left -= 1
            else:
                right += 1
            if eligible(sized[index]):
                chosen.append(sized[index])
                last_distance = distance
        return chosen


def comparables(
    target: ComparableCandidate,
    candidates: Iterable[ComparableCandidate],
    limit: int = 5,
) -> list[Comparable]:
    """The most similar initiatives in the same theme elsewhere in the country, best first."""
    return ComparablePool(candidates).best(target, limit)
