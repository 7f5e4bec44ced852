"""Additive attribution of an initiative's social value to the funders who paid for it.

A funder's attributed social value in an initiative up to month m is

    attributed(m) = given(m) / inputs(m) × social_value(m)

where, all cumulative up to and including month m:
- given(m): the funder's paid contributions to the initiative, net of refunds and chargebacks;
- inputs(m): the initiative's inputs, i.e. all platform contributions plus declared other inputs;
- social_value(m): the initiative's social value from accepted outcome reports.

The shares of all funders plus the share of "other" inputs sum to exactly 1, so attributed values
add up to the initiative's social value (to Decimal precision) and nothing is counted twice.
Money is in integer cents; shares and values are unrounded Decimals.
"""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Generic, TypeVar

from marketplace.timeutil import month_start

OTHER = "other"
ZERO = Decimal(0)
ONE = Decimal(1)
HUNDRED = Decimal(100)

Amount = TypeVar("Amount", int, Decimal)


def share(funder_cents: int, total_inputs_cents: int) -> Decimal:
    """The funder's share of the inputs; 0 without inputs or when the net amount is negative."""
    if total_inputs_cents <= 0 or funder_cents <= 0:
        return ZERO
    return Decimal(funder_cents) / Decimal(total_inputs_cents)


def attributed_value(funder_cents: int, total_inputs_cents: int, social_value: Decimal) -> Decimal:
    """The funder's part of the social value: share × value (multiplied first, divided once)."""
    if total_inputs_cents <= 0 or funder_cents <= 0:
        return ZERO
    return social_value * funder_cents / total_inputs_cents


def social_return(attributed_value: Decimal, given_cents: int) -> Decimal | None:
    """Attributed social value per euro given; None when nothing (net) was given."""
    if given_cents <= 0:
        return None
    return attributed_value * HUNDRED / given_cents


def split_shares(funders: Mapping[str, int], total_inputs_cents: int) -> dict[str, Decimal]:
    """Each funder's share plus "other" for the remainder; sums to exactly 1 when total > 0.

    "other" is computed as 1 minus the funders' shares, so the sum is exact even though each
    share is a rounded Decimal quotient. Raises ValueError when the funders together gave more
    than the total inputs (the inputs must include every platform contribution).
    """
    if OTHER in funders:
        raise ValueError(f"{OTHER!r} is reserved for the remainder share")
    if total_inputs_cents <= 0:
        return {key: ZERO for key in funders} | {OTHER: ZERO}
    given = sum(max(cents, 0) for cents in funders.values())
    if given > total_inputs_cents:
        raise ValueError(
            f"funders gave {given} cents, more than the total inputs of {total_inputs_cents} cents"
        )
    shares = {key: share(cents, total_inputs_cents) for key, cents in funders.items()}
    shares[OTHER] = ONE - sum(shares.values(), ZERO)
    return shares


@dataclass(frozen=True)
class SeriesPoint:
    """Cumulative position at the end of a month."""

    month: date
    given_cents: int
    inputs_cents: int
    share: Decimal
    social_value: Decimal
    attributed_value: Decimal
    social_return: Decimal | None


class _Cumulator(Generic[Amount]):
    """Running total of per-month amounts, read in ascending month order (each entry read once)."""

    def __init__(self, amounts: Mapping[date, Amount], zero: Amount):
        merged: dict[date, Amount] = {}
        for month, amount in amounts.items():
            key = month_start(month)
            merged[key] = merged.get(key, zero) + amount
        self._items = sorted(merged.items())
        self._next = 0
        self.total = zero

    def up_to(self, month: date) -> Amount:
        while self._next < len(self._items) and self._items[self._next][0] <= month:
            self.total += self._items[self._next][1]
            self._next += 1
        return self.total


def monthly_series(
    funder_monthly_cents: Mapping[date, int],
    initiative_monthly_inputs_cents: Mapping[date, int],
    initiative_monthly_value: Mapping[date, Decimal],
    months: Sequence[date],
) -> list[SeriesPoint]:
    """Cumulative attribution per month from per-month amounts (not cumulative ones).

    Amounts dated before the first month still count towards it; keys may be any date in the
    month. Refunds are negative amounts in the month they happened. `months` must be ascending.
    Runs in O(months + entries).
    """
    given = _Cumulator(funder_monthly_cents, 0)
    inputs = _Cumulator(initiative_monthly_inputs_cents, 0)
    value = _Cumulator(initiative_monthly_value, ZERO)

    points: list[SeriesPoint] = []
    previous: date | None = None
    for raw_month in months:
        month = month_start(raw_month)
        if previous is not None and month < previous:
            raise ValueError("months must be in ascending order")
        previous = month
        given_cents = given.up_to(month)
        inputs_cents = inputs.up_to(month)
        social_value = value.up_to(month)
        attributed = attributed_value(given_cents, inputs_cents, social_value)
        points.append(
            SeriesPoint(
                month=month,
                given_cents=given_cents,
                inputs_cents=inputs_cents,
                share=share(given_cents, inputs_cents),
                social_value=social_value,
                attributed_value=attributed,
                social_return=social_return(attributed, given_cents),
            )
        )
    return points
