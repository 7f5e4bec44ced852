"""Splitting money over investors exactly, and the nominal value of member shares.

Pure module: ints in, ints out.
"""

from collections.abc import Mapping
from typing import TypeVar

from marketplace.investments.schedules import check_int

Key = TypeVar("Key", str, int)


def pro_rata(amount_cents: int, weights: Mapping[Key, int]) -> dict[Key, int]:
    """Split `amount_cents` over holdings in proportion to their weights, exact to the cent.

    Each holding first gets floor(amount × weight / total weight). The cents left over (fewer than
    the number of holdings with a fraction) go one each to the holdings with the largest fraction
    (amount × weight mod total); ties go to the larger weight, then to the lower id. The result
    sums to exactly `amount_cents`, no holding gets more than one cent above its exact share,
    zero weights get 0, and it does not depend on the order of `weights` (whose key order it
    keeps). Ids must be comparable with each other (all str or all int). ValueError for a
    negative amount or weight, or when there is no positive weight.
    """
    check_int("amount_cents", amount_cents, minimum=0)
    for key, weight in weights.items():
        check_int(f"weight of {key!r}", weight, minimum=0)
    total = sum(weights.values())
    if total == 0:
        raise ValueError("pro_rata needs at least one positive weight")

    shares: dict[Key, int] = {}
    fractions: dict[Key, int] = {}
    for key, weight in weights.items():
        shares[key], fractions[key] = divmod(amount_cents * weight, total)
    left = amount_cents - sum(shares.values())
    if left:
        candidates = [key for key, remainder in fractions.items() if remainder]
        candidates.sort(key=lambda key: (-fractions[key], -weights[key], key))
        for key in candidates[:left]:
            shares[key] += 1
    return shares


def member_shares_cents(units: int, unit_price_cents: int) -> int:
    """Nominal value of cooperative member shares: what a member pays in and is repaid at exit."""
    check_int("units", units, minimum=0)
    check_int("unit_price_cents", unit_price_cents, minimum=1)
    return units * unit_price_cents
