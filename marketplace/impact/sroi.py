"""SROI engine: the value of verified outcomes, following the SROI guide (SVI 2012, stage 5).

For each outcome i:

    impact_i        = quantity × proxy × (1 − deadweight) × (1 − displacement) × (1 − attribution)
    value_i,t       = impact_i × (1 − drop_off)^(t − 1)            for t = 1 … duration_years
    PV              = Σ_i Σ_t value_i,t / (1 + r)^t
    NPV             = PV − inputs
    SROI ratio      = PV / inputs                                  (None when inputs are zero)
    payback months  = inputs / (Σ_i impact_i / 12)                  (None when impact is zero)

Year 1 is discounted too (the value arrives at the end of the first year). The default rate is the
Dutch real discount rate for social cost-benefit analysis, 2.25% (Werkgroep Discontovoet 2020).

Pure module: Decimal in, Decimal out, nothing rounded; `round_money` and `round_ratio` are for
display only.
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from decimal import ROUND_HALF_UP, Decimal

DEFAULT_DISCOUNT_RATE = Decimal("0.0225")
VALUE_KINDS = ("fiscal", "wellbeing", "environmental", "economic")
FILTERS = ("deadweight", "displacement", "attribution", "drop_off")

ZERO = Decimal(0)
ONE = Decimal(1)
TWELVE = Decimal(12)
CENT = Decimal("0.01")
RATIO_PLACES = Decimal("0.0001")

# Sensitivity steps: filters move by percentage points, proxies by a relative share.
FILTER_STEP = Decimal("0.10")
PROXY_STEP = Decimal("0.20")


def _as_decimal(name: str, value: object) -> Decimal:
    # Floats are refused: 0.1 as a float is not 0.1, and the totals must be reproducible.
    if isinstance(value, bool) or not isinstance(value, Decimal | int):
        raise ValueError(f"{name} must be a Decimal (or int), got {type(value).__name__}")
    result = Decimal(value)
    if not result.is_finite():
        raise ValueError(f"{name} must be a finite number, got {value}")
    return result


@dataclass(frozen=True)
class Outcome:
    """One outcome with its financial proxy and filters (fractions 0..1, e.g. Decimal("0.25"))."""

    key: str
    value_kind: str
    quantity: Decimal
    proxy: Decimal
    deadweight: Decimal = ZERO
    displacement: Decimal = ZERO
    attribution: Decimal = ZERO
    drop_off: Decimal = ZERO
    duration_years: int = 1

    def __post_init__(self) -> None:
        if self.value_kind not in VALUE_KINDS:
            raise ValueError(
                f"outcome {self.key!r}: value_kind must be one of {', '.join(VALUE_KINDS)}, "
                f"got {self.value_kind!r}"
            )
        for name in ("quantity", "proxy"):
            value = _as_decimal(f"outcome {self.key!r}: {name}", getattr(self, name))
            if value < 0:
                raise ValueError(f"outcome {self.key!r}: {name} must be >= 0, got {value}")
            object.__setattr__(self, name, value)
        for name in FILTERS:
            value = _as_decimal(f"outcome {self.key!r}: {name}", getattr(self, name))
            if not ZERO <= value <= ONE:
                raise ValueError(
                    f"outcome {self.key!r}: {name} must be a fraction between 0 and 1, got {value}"
                )
            object.__setattr__(self, name, value)
        duration = self.duration_years
        if isinstance(duration, bool) or not isinstance(duration, int) or duration < 1:
            raise ValueError(
                f"outcome {self.key!r}: duration_years must be an int >= 1, got {duration!r}"
            )

    @property
    def impact(self) -> Decimal:
        """Year-1 value before discounting: quantity × proxy net of the three filters."""
        return (
            self.quantity
            * self.proxy
            * (ONE - self.deadweight)
            * (ONE - self.displacement)
            * (ONE - self.attribution)
        )

    def yearly_values(self) -> tuple[Decimal, ...]:
        """Undiscounted value in years 1 … duration_years (drop-off applied from year 2)."""
        values = []
        value = self.impact
        remain = ONE - self.drop_off
        for _ in range(self.duration_years):
            values.append(value)
            value *= remain
        return tuple(values)


@dataclass(frozen=True)
class OutcomeValue:
    key: str
    value_kind: str
    impact: Decimal
    yearly_values: tuple[Decimal, ...]
    present_value: Decimal


@dataclass(frozen=True)
class SroiResult:
    inputs: Decimal
    present_value: Decimal
    net_present_value: Decimal
    sroi_ratio: Decimal | None
    payback_months: Decimal | None
    year_one_impact: Decimal
    discount_rate: Decimal
    by_outcome: tuple[OutcomeValue, ...]
    by_value_kind: dict[str, Decimal] = field(default_factory=dict)


@dataclass(frozen=True)
class SensitivityCase:
    parameter: str  # "deadweight" | "displacement" | "attribution" | "drop_off" | "proxy"
    change: str  # "-10pp", "+10pp", "-20%", "+20%"
    sroi_ratio: Decimal | None
    present_value: Decimal


def _check_rate(discount_rate: Decimal) -> Decimal:
    rate = _as_decimal("discount_rate", discount_rate)
    if rate <= -ONE:
        raise ValueError(f"discount_rate must be greater than -1, got {rate}")
    return rate


def _discounted(values: Sequence[Decimal], rate: Decimal) -> Decimal:
    total = ZERO
    factor = ONE
    growth = ONE + rate
    for value in values:
        factor *= growth
        total += value / factor
    return total


def value_of_outcome(outcome: Outcome, discount_rate: Decimal = DEFAULT_DISCOUNT_RATE) -> Decimal:
    """Present value of one outcome over its duration (unrounded)."""
    return _discounted(outcome.yearly_values(), _check_rate(discount_rate))


def evaluate(
    outcomes: Iterable[Outcome],
    inputs: Decimal,
    discount_rate: Decimal = DEFAULT_DISCOUNT_RATE,
) -> SroiResult:
    """Value a set of outcomes against the inputs (euros) that produced them."""
    inputs = _as_decimal("inputs", inputs)
    if inputs < 0:
        raise ValueError(f"inputs must be >= 0, got {inputs}")
    rate = _check_rate(discount_rate)

    by_outcome: list[OutcomeValue] = []
    by_kind: dict[str, Decimal] = {}
    present_value = ZERO
    year_one = ZERO
    for outcome in outcomes:
        yearly = outcome.yearly_values()
        pv = _discounted(yearly, rate)
        impact = outcome.impact
        by_outcome.append(OutcomeValue(outcome.key, outcome.value_kind, impact, yearly, pv))
        by_kind[outcome.value_kind] = by_kind.get(outcome.value_kind, ZERO) + pv
        present_value += pv
        year_one += impact

    return SroiResult(
        inputs=inputs,
        present_value=present_value,
        net_present_value=present_value - inputs,
        sroi_ratio=present_value / inputs if inputs else None,
        payback_months=inputs * TWELVE / year_one if year_one else None,
        year_one_impact=year_one,
        discount_rate=rate,
        by_outcome=tuple(by_outcome),
        by_value_kind=by_kind,
    )


def _clamp(value: Decimal) -> Decimal:
    return min(ONE, max(ZERO, value))


def _signed(step: Decimal, unit: str) -> tuple[str, str]:
    amount = f"{step * 100:.0f}{unit}"
    return f"-{amount}", f"+{amount}"


def sensitivity(
    outcomes: Iterable[Outcome],
    inputs: Decimal,
    discount_rate: Decimal = DEFAULT_DISCOUNT_RATE,
) -> list[SensitivityCase]:
    """The result with one assumption moved for all outcomes at once.

    Each filter moves 10 percentage points down and up (clamped to [0, 1]); proxies move 20% down
    and up. Cases come in a fixed order: the four filters, then the proxy, each "-" before "+".
    """
    outcomes = list(outcomes)
    cases: list[SensitivityCase] = []

    def add(parameter: str, change: str, changed: list[Outcome]) -> None:
        result = evaluate(changed, inputs, discount_rate)
        cases.append(SensitivityCase(parameter, change, result.sroi_ratio, result.present_value))

    minus, plus = _signed(FILTER_STEP, "pp")
    for name in FILTERS:
        for label, step in ((minus, -FILTER_STEP), (plus, FILTER_STEP)):
            changed = [replace(o, **{name: _clamp(getattr(o, name) + step)}) for o in outcomes]
            add(name, label, changed)

    minus, plus = _signed(PROXY_STEP, "%")
    for label, factor in ((minus, ONE - PROXY_STEP), (plus, ONE + PROXY_STEP)):
        add("proxy", label, [replace(o, proxy=o.proxy * factor) for o in outcomes])
    return cases


def round_money(value: Decimal) -> Decimal:
    """Display helper: euros to cents, half up."""
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def round_ratio(value: Decimal) -> Decimal:
    """Display helper: a ratio to 4 decimals, half up."""
    return value.quantize(RATIO_PLACES, rounding=ROUND_HALF_UP)
