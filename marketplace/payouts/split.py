"""How one gift's money is split between the initiative and the platform: pure, in cents.

A donor pays the gift `amount` plus an optional `tip` for the platform. The platform keeps a
`fee` out of the gift. What reaches the initiative (its *share*) is amount − fee. Refunds and
chargebacks (`taken`) come out of the initiative's share first, then out of the platform's fee,
then out of the tip: a partial refund is the initiative giving back part of a gift, and only a
refund of more than its share touches the platform's part. So, for a paid gift:

    initiative  = max(0, amount − fee − taken)
    fee kept    = min(fee, max(0, amount − taken))
    tip kept    = max(0, tip − max(0, taken − amount))

and initiative + fee kept + tip kept == amount + tip − taken, to the cent.
"""

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal


class SplitError(ValueError):
    """A tip or fee that would leave the initiative a negative share."""

    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field = field


@dataclass(frozen=True)
class Split:
    """Where the money of one paid gift is now (all in cents)."""

    initiative: int  # reached the initiative: its share, net of refunds and chargebacks
    fee: int  # the platform fee it keeps
    tip: int  # the tip it keeps
    gift: int  # the donor's gift net of refunds and chargebacks (what a receipt states)

    @property
    def platform(self) -> int:
        return self.fee + self.tip

    @property
    def total(self) -> int:
        return self.initiative + self.fee + self.tip


def percent_of(cents: int, percent: Decimal | str | int) -> int:
    """`percent` % of `cents`, rounded half up to the cent."""
    value = Decimal(cents) * Decimal(str(percent)) / 100
    return int(value.quantize(Decimal(1), rounding=ROUND_HALF_UP))


def platform_fee(amount: int, fixed: int = 0, percent: Decimal | str | int = 0) -> int:
    """The platform's fee on a gift of `amount` cents: a fixed part plus a percentage."""
    return fixed + percent_of(amount, percent)


def check_split(amount: int, tip: int, fee: int) -> None:
    """Refuse a tip or fee that would make the initiative's share negative.

    The fee comes out of the gift, so it may not exceed it; the tip comes on top, and the
    platform never takes more from one gift than the initiative receives from it.
    """
    if tip < 0:
        raise SplitError("tip", "negative tip")
    if fee < 0 or fee > amount:
        raise SplitError("amount", "fee exceeds the gift")
    if tip > amount - fee:
        raise SplitError("tip", "tip exceeds the initiative's share")


def split(amount: int, tip: int = 0, fee: int = 0, taken: int = 0, paid: bool = True) -> Split:
    """The split of a gift after `taken` cents were refunded or charged back (0 when unpaid)."""
    if not paid:
        return Split(0, 0, 0, 0)
    initiative = max(0, amount - fee - taken)
    fee_kept = min(fee, max(0, amount - taken))
    tip_kept = max(0, tip - max(0, taken - amount))
    return Split(initiative, fee_kept, tip_kept, max(0, amount - taken))


def platform_refunded(amount: int, tip: int, fee: int, taken: int) -> int:
    """How much of `taken` the platform's tip and fee carry (0 while the share covers it)."""
    return max(0, min(taken, amount + tip) - (amount - fee))
