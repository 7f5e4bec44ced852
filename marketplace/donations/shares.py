"""Who a gift's money belongs to: the initiative's share, the platform's fee and tip.

Mixed into `Contribution`. `net_cents` is what reached the initiative (what every figure,
portfolio and social return counts), defined once, in Python and in SQL, with the rule of
`payouts.split`: refunds and chargebacks come out of the initiative's share first.
"""

from sqlalchemy import case
from sqlalchemy.ext.hybrid import hybrid_property

from marketplace.payouts.split import Split, split


class GiftShares:
    """The split of a gift; needs amount, tip, fee, refunded, charged back and paid_at."""

    @property
    def split(self) -> Split:
        return split(
            self.amount_cents,
            self.tip_cents or 0,
            self.fee_cents or 0,
            (self.refunded_cents or 0) + (self.charged_back_cents or 0),
            paid=self.paid_at is not None,
        )

    @hybrid_property
    def net_cents(self) -> int:
        """What reached the initiative: its share (gift − platform fee), net of refunds and
        chargebacks, 0 unless paid.

        Also a SQL expression (`select(func.sum(Contribution.net_cents))`): the one definition
        for every query, equal to this value row by row.
        """
        return self.split.initiative

    @net_cents.inplace.expression
    @classmethod
    def _net_cents_expression(cls):
        share = cls.amount_cents - cls.fee_cents - cls.refunded_cents - cls.charged_back_cents
        return case((cls.paid_at.is_(None), 0), (share < 0, 0), else_=share)

    @property
    def charged_cents(self) -> int:
        """What the donor pays: the gift plus the tip."""
        return self.amount_cents + (self.tip_cents or 0)

    @property
    def received_cents(self) -> int:
        """What is left of the payment after refunds and chargebacks (0 unless paid)."""
        if self.paid_at is None:
            return 0
        return self.charged_cents - self.refunded_cents - self.charged_back_cents

    @property
    def gift_cents(self) -> int:
        """The donor's gift net of refunds and chargebacks (the tip is not part of it)."""
        return self.split.gift

    @property
    def platform_cents(self) -> int:
        """What the platform keeps of this gift: its fee and the tip, net of refunds."""
        return self.split.platform
