"""Money-weighted annual return (XIRR) of dated cash flows.

The return r solves

    Σ_k c_k / (1 + r)^t_k = 0,    t_k = (d_k − d_0).days / 365    (Actual/365, d_0 the first date)

with negative amounts for money put in and positive ones for money back. It is the rate a
savings account would have needed to pay (compounded yearly, pro rata for parts of a year) to give
the same flows, so a loan at a nominal 5% paid monthly returns about 5.12%.

It is solved for x = ln(1 + r), in which every real x is a valid rate (r > −1) and the flows'
value Σ c_k e^(−t_k x) is smooth; for the usual flows (money in, then money back) it falls and is
convex, so Newton's method cannot diverge. Newton starts at 10%; when it stalls or has not
converged in 100 steps (a far overshoot on extreme flows, or flows that change sign more than
once), x is bisected in the bracket nearest 0 found on a fixed grid. Flows that change sign more
than once can have several solutions; one of them is returned. None when there is none: no money
in or no money out, all flows on one day, or no sign change on the grid (see LOG_GROWTH_GRID).

Pure module: Decimal arithmetic in a local context of 34 digits, the result rounded to 12 decimals.
"""

from collections.abc import Iterable
from datetime import date, datetime
from decimal import MAX_EMAX, MIN_EMIN, ROUND_HALF_EVEN, Context, Decimal, localcontext

ZERO = Decimal(0)
ONE = Decimal(1)
DAYS_PER_YEAR = Decimal(365)
PRECISION = 34
GUESS = Decimal("1.1").ln(context=Context(prec=PRECISION))  # x for 10% a year
TOLERANCE = Decimal("1E-20")
RESULT_PLACES = Decimal("1E-12")
MAX_NEWTON_STEPS = 100
MAX_BISECTION_STEPS = 300

# Values of x = ln(1 + r) tried for a bracket. ±100,000 covers flows at least a day apart whose
# amounts differ by up to a factor e^(100,000 / 365), about 10^119.
LOG_GROWTH_GRID = tuple(
    Decimal(x)
    for x in (
        "-100000", "-10000", "-1000", "-100", "-20", "-10", "-5", "-2", "-1", "-0.5", "-0.2",
        "-0.1", "0", "0.1", "0.2", "0.5", "1", "2", "5", "10", "20", "100", "1000", "10000",
        "100000",
    )
)  # fmt: skip


def _years_and_amounts(
    flows: Iterable[tuple[date, int | Decimal]],
) -> list[tuple[Decimal, Decimal]]:
    by_date: dict[date, Decimal] = {}
    for day, amount in flows:
        if not isinstance(day, date) or isinstance(day, datetime):
            raise ValueError(f"cash flow dates must be datetime.date, got {type(day).__name__}")
        if isinstance(amount, bool) or not isinstance(amount, int | Decimal):
            raise ValueError(
                f"cash flow amounts must be int or Decimal, got {type(amount).__name__}"
            )
        if not Decimal(amount).is_finite():
            raise ValueError(f"cash flow amounts must be finite, got {amount}")
        by_date[day] = by_date.get(day, ZERO) + Decimal(amount)
    if not by_date:
        return []
    first = min(by_date)
    return [
        (Decimal((day - first).days) / DAYS_PER_YEAR, amount)
        for day, amount in sorted(by_date.items())
        if amount
    ]


def _value(flows: list[tuple[Decimal, Decimal]], x: Decimal) -> tuple[Decimal, Decimal]:
    """Present value of the flows at x = ln(1 + r), and its derivative in x."""
    value = slope = ZERO
    for years, amount in flows:
        present = amount * (-years * x).exp()
        value += present
        slope -= years * present
    return value, slope


def _newton(flows: list[tuple[Decimal, Decimal]]) -> Decimal | None:
    x = GUESS
    for _ in range(MAX_NEWTON_STEPS):
        value, slope = _value(flows, x)
        if not value:
            return x
        if not slope:
            return None
        step = value / slope
        x -= step
        if abs(step) <= TOLERANCE:
            return x
    return None


def _bisect(flows: list[tuple[Decimal, Decimal]]) -> Decimal | None:
    values = [(x, _value(flows, x)[0]) for x in LOG_GROWTH_GRID]
    for x, value in values:
        if not value:
            return x
    brackets = [
        (low, high, low_value)
        for (low, low_value), (high, high_value) in zip(values, values[1:], strict=False)
        if (low_value < 0) != (high_value < 0)
    ]
    if not brackets:
        return None
    low, high, low_value = min(brackets, key=lambda b: min(abs(b[0]), abs(b[1])))
    for _ in range(MAX_BISECTION_STEPS):
        middle = (low + high) / 2
        value = _value(flows, middle)[0]
        if not value:
            return middle
        if (value < 0) == (low_value < 0):
            low, low_value = middle, value
        else:
            high = middle
        if high - low <= TOLERANCE:
            break
    return (low + high) / 2


def xirr(flows: Iterable[tuple[date, int | Decimal]]) -> Decimal | None:
    """Annual money-weighted return of dated flows (cents; negative = money in), Actual/365."""
    with localcontext() as context:
        context.prec = PRECISION
        context.Emax, context.Emin = MAX_EMAX, MIN_EMIN
        context.rounding = ROUND_HALF_EVEN
        merged = _years_and_amounts(flows)
        if not any(amount < 0 for _, amount in merged) or not any(a > 0 for _, a in merged):
            return None
        x = _newton(merged)
        if x is None:
            x = _bisect(merged)
        if x is None:
            return None
        rate = x.exp() - ONE
        # Absurd rates (a doubling in a day is 2^365) have more digits than the context holds.
        return rate.quantize(RESULT_PLACES) if rate.adjusted() < PRECISION - 13 else rate
