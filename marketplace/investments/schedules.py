"""Repayment schedules for loans and bonds to initiatives, and the position of a loan at a date.

A loan of P cents at a yearly rate (a percentage: "4.50" is 4.5% a year) over `term_months` is
repaid in n = term_months / frequency.months instalments. Instalment k falls due k periods after
the start date, counted in calendar months from the start date itself; a day past the end of a
shorter month becomes that month's last day (a start on 31 January falls due on 28/29 February,
31 March, 30 April, ...).

    i           = rate / 100 / periods per year                     (per period)
    interest_k  = half_up(outstanding_(k-1) × i)
    annuity A   = half_up(P × i / (1 − (1 + i)^−n))                 (half_up(P / n) when i = 0)

    annuity:  principal_k = A − interest_k;  the last instalment takes what is still outstanding
    linear:   principal_k = P // n;          the last instalment takes P − (n − 1) × (P // n)
    bullet:   principal_k = 0;               the last instalment takes P

so the principal parts always sum to exactly P. The arithmetic is exact (`fractions.Fraction`),
each amount rounded once, half up to the cent; no float and no Decimal context is involved.

Pure module: ints, Decimals and dates in; ints and frozen dataclasses out.
"""

import calendar
from bisect import bisect_right
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from enum import StrEnum
from fractions import Fraction


class Repayment(StrEnum):
    ANNUITY = "annuity"  # equal totals: interest falls, principal rises
    LINEAR = "linear"  # equal principal parts: totals fall
    BULLET = "bullet"  # interest only, all principal at the end


class Frequency(StrEnum):
    MONTHLY = "monthly"
    QUARTERLY = "quarterly"
    YEARLY = "yearly"

    @property
    def months(self) -> int:
        return _PERIOD_MONTHS[self]

    @property
    def periods_per_year(self) -> int:
        return 12 // _PERIOD_MONTHS[self]


_PERIOD_MONTHS = {Frequency.MONTHLY: 1, Frequency.QUARTERLY: 3, Frequency.YEARLY: 12}


def check_int(name: str, value: object, *, minimum: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValueError(f"{name} must be an int, got {type(value).__name__}")
    if value < minimum:
        raise ValueError(f"{name} must be >= {minimum}, got {value}")
    return value


def _check_date(name: str, value: object) -> date:
    # A datetime is a date too, but which day it is depends on a time zone: the caller decides.
    if not isinstance(value, date) or isinstance(value, datetime):
        raise ValueError(f"{name} must be a datetime.date, got {type(value).__name__}")
    return value


def _half_up(value: Fraction) -> int:
    """Round a non-negative fraction to a whole number, halves up (0.5 -> 1, 2.5 -> 3)."""
    return (2 * value.numerator + value.denominator) // (2 * value.denominator)


def parse_rate(value: str | Decimal | int) -> Decimal:
    """A yearly interest percentage ("4.50" is 4.5% a year) as a Decimal; ValueError if invalid."""
    # Floats are refused: 4.1 as a float is not 4.1, and schedules must be reproducible.
    if isinstance(value, bool) or not isinstance(value, str | Decimal | int):
        raise ValueError(f"rate must be a string or Decimal, got {type(value).__name__}")
    try:
        rate = Decimal(value)
    except InvalidOperation:
        raise ValueError(f"rate is not a number: {value!r}") from None
    if not rate.is_finite():
        raise ValueError(f"rate must be a finite number, got {value!r}")
    if rate < 0:
        raise ValueError(f"rate must be >= 0, got {rate}")
    return rate


def add_months(day: date, months: int) -> date:
    """The same day `months` calendar months later, or that month's last day if it is shorter."""
    year, month_index = divmod(day.year * 12 + day.month - 1 + months, 12)
    last_day = calendar.monthrange(year, month_index + 1)[1]
    return date(year, month_index + 1, min(day.day, last_day))


@dataclass(frozen=True)
class Instalment:
    """One instalment; `outstanding_cents` is the principal still owed after it is paid."""

    number: int  # 1 … n
    due_date: date
    interest_cents: int
    principal_cents: int
    outstanding_cents: int
    total_cents: int = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "total_cents", self.interest_cents + self.principal_cents)


@dataclass(frozen=True)
class Schedule:
    principal_cents: int
    rate: Decimal  # yearly percentage
    repayment: Repayment
    frequency: Frequency
    term_months: int
    start_date: date
    instalments: tuple[Instalment, ...]

    @property
    def maturity_date(self) -> date:
        return self.instalments[-1].due_date

    @property
    def total_interest_cents(self) -> int:
        return sum(instalment.interest_cents for instalment in self.instalments)

    @property
    def total_cents(self) -> int:
        return self.principal_cents + self.total_interest_cents


def _check_terms(
    principal_cents: int, rate: str | Decimal, repayment: str, frequency: str, term_months: int
) -> tuple[Decimal, Repayment, Frequency, int]:
    check_int("principal_cents", principal_cents, minimum=1)
    rate = parse_rate(rate)
    repayment, frequency = Repayment(repayment), Frequency(frequency)
    if isinstance(term_months, bool) or not isinstance(term_months, int) or term_months <= 0:
        raise ValueError(f"term_months must be an int > 0, got {term_months!r}")
    if term_months % frequency.months:
        raise ValueError(
            f"term_months must be a multiple of {frequency.months} for {frequency} instalments, "
            f"got {term_months}"
        )
    return rate, repayment, frequency, term_months // frequency.months


def _period_rate(rate: Decimal, frequency: Frequency) -> Fraction:
    return Fraction(rate) / (100 * frequency.periods_per_year)


def _annuity(principal_cents: int, period_rate: Fraction, periods: int) -> int:
    if not period_rate:
        return _half_up(Fraction(principal_cents, periods))
    growth = (1 + period_rate) ** periods
    return _half_up(principal_cents * period_rate * growth / (growth - 1))


def annuity_payment_cents(
    principal_cents: int, rate: str | Decimal, *, frequency: Frequency | str, term_months: int
) -> int:
    """The level instalment of an annuity (the last one may differ by the rounding remainder)."""
    rate, _, frequency, periods = _check_terms(
        principal_cents, rate, Repayment.ANNUITY, frequency, term_months
    )
    return _annuity(principal_cents, _period_rate(rate, frequency), periods)


def repayment_schedule(
    principal_cents: int,
    rate: str | Decimal,
    *,
    repayment: Repayment | str,
    frequency: Frequency | str,
    term_months: int,
    start_date: date,
) -> Schedule:
    """The instalments of a loan; principal parts sum to exactly the principal (see module doc)."""
    rate, repayment, frequency, periods = _check_terms(
        principal_cents, rate, repayment, frequency, term_months
    )
    start_date = _check_date("start_date", start_date)
    period_rate = _period_rate(rate, frequency)
    payment = _annuity(principal_cents, period_rate, periods)
    linear_part = principal_cents // periods

    instalments: list[Instalment] = []
    outstanding = principal_cents
    for number in range(1, periods + 1):
        interest = _half_up(outstanding * period_rate)
        if number == periods:
            principal = outstanding
        elif repayment is Repayment.ANNUITY:
            # payment >= interest always: the exact payment exceeds P × i, outstanding never
            # exceeds P, and rounding half up keeps that order. The cap only bites for loans of
            # a few cents whose rounded payment would repay them early.
            principal = min(payment - interest, outstanding)
        elif repayment is Repayment.LINEAR:
            principal = linear_part
        else:
            principal = 0
        outstanding -= principal
        due_date = add_months(start_date, number * frequency.months)
        instalments.append(Instalment(number, due_date, interest, principal, outstanding))

    return Schedule(
        principal_cents=principal_cents,
        rate=rate,
        repayment=repayment,
        frequency=frequency,
        term_months=term_months,
        start_date=start_date,
        instalments=tuple(instalments),
    )


def cash_flows(schedule: Schedule) -> list[tuple[date, int]]:
    """The lender's cash flows: the principal out on the start date, each instalment back."""
    flows = [(schedule.start_date, -schedule.principal_cents)]
    flows.extend((i.due_date, i.total_cents) for i in schedule.instalments)
    return flows


# --- Position at a date ---------------------------------------------------------------------
#
# "On a date" means at the end of that day: instalments due on it are due, payments made on it
# are received. Before the start date nothing has been lent, so nothing is outstanding.


@dataclass(frozen=True)
class Payment:
    """Money received from the borrower for the whole loan (not yet split over investors)."""

    paid_on: date
    amount_cents: int

    def __post_init__(self) -> None:
        _check_date("paid_on", self.paid_on)
        check_int("amount_cents", self.amount_cents, minimum=1)


@dataclass(frozen=True)
class InstalmentPosition:
    instalment: Instalment
    interest_paid_cents: int
    principal_paid_cents: int

    @property
    def open_cents(self) -> int:
        return self.instalment.total_cents - self.interest_paid_cents - self.principal_paid_cents

    @property
    def is_paid(self) -> bool:
        return self.open_cents == 0


@dataclass(frozen=True)
class Position:
    """Expected against received at the end of `on`.

    expected_*: instalments due on or before `on`; received_*: payments made on or before `on`,
    allocated as described at `expected_vs_received`. arrears_cents is what is still open on due
    instalments, prepaid_cents what was paid towards instalments not yet due, surplus_cents what
    was paid beyond the whole schedule, so received_cents = expected − arrears + prepaid + surplus.
    """

    on: date
    expected_interest_cents: int
    expected_principal_cents: int
    received_interest_cents: int
    received_principal_cents: int
    arrears_cents: int
    prepaid_cents: int
    surplus_cents: int
    outstanding_cents: int  # principal not yet received (0 before the start date)
    scheduled_outstanding_cents: int  # principal not yet due (0 before the start date)
    instalments: tuple[InstalmentPosition, ...]

    @property
    def expected_cents(self) -> int:
        return self.expected_interest_cents + self.expected_principal_cents

    @property
    def received_cents(self) -> int:
        return self.received_interest_cents + self.received_principal_cents + self.surplus_cents


def _due_count(schedule: Schedule, on: date) -> int:
    return bisect_right([i.due_date for i in schedule.instalments], on)


def expected_vs_received(schedule: Schedule, payments: Iterable[Payment], on: date) -> Position:
    """The loan's position at the end of `on`: what was due, what was received, what is open.

    Payments are allocated in date order (same-day payments in the given order), each one first to
    the interest of every instalment already due, oldest first, then to their principal, oldest
    first, then ahead to the next instalments, interest before principal (as art. 6:44 BW: costs,
    then interest that has fallen due, then principal). What is left after the whole schedule is
    surplus. The schedule is not recalculated: early repayment with less interest needs a new
    schedule from the new outstanding principal.
    """
    on = _check_date("on", on)
    instalments = schedule.instalments
    count = len(instalments)
    interest_paid = [0] * count
    principal_paid = [0] * count
    surplus = 0

    for payment in sorted((p for p in payments if p.paid_on <= on), key=lambda p: p.paid_on):
        left = payment.amount_cents
        due = _due_count(schedule, payment.paid_on)
        order = [(k, True) for k in range(due)] + [(k, False) for k in range(due)]
        order += [(k, interest) for k in range(due, count) for interest in (True, False)]
        for k, interest in order:
            if not left:
                break
            paid = interest_paid if interest else principal_paid
            owed = instalments[k].interest_cents if interest else instalments[k].principal_cents
            take = min(left, owed - paid[k])
            paid[k] += take
            left -= take
        surplus += left

    due = _due_count(schedule, on)
    positions = tuple(
        InstalmentPosition(instalments[k], interest_paid[k], principal_paid[k])
        for k in range(count)
    )
    received_principal = sum(principal_paid)
    started = on >= schedule.start_date
    return Position(
        on=on,
        expected_interest_cents=sum(i.interest_cents for i in instalments[:due]),
        expected_principal_cents=sum(i.principal_cents for i in instalments[:due]),
        received_interest_cents=sum(interest_paid),
        received_principal_cents=received_principal,
        arrears_cents=sum(p.open_cents for p in positions[:due]),
        prepaid_cents=sum(p.interest_paid_cents + p.principal_paid_cents for p in positions[due:]),
        surplus_cents=surplus,
        outstanding_cents=schedule.principal_cents - received_principal if started else 0,
        scheduled_outstanding_cents=outstanding_principal(schedule, on),
        instalments=positions,
    )


def outstanding_principal(
    schedule: Schedule, on: date, payments: Iterable[Payment] | None = None
) -> int:
    """Principal owed at the end of `on`: per the schedule, or net of principal actually received
    when `payments` are given; 0 before the start date."""
    on = _check_date("on", on)
    if on < schedule.start_date:
        return 0
    if payments is not None:
        return expected_vs_received(schedule, payments, on).outstanding_cents
    due = _due_count(schedule, on)
    return schedule.instalments[due - 1].outstanding_cents if due else schedule.principal_cents


def interest_received(schedule: Schedule, payments: Iterable[Payment], up_to: date) -> int:
    """Interest received on or before `up_to`, with payments allocated as `expected_vs_received`."""
    return expected_vs_received(schedule, payments, up_to).received_interest_cents
