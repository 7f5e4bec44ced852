"""Who a gift's money belongs to: the initiative's share, the platform's fee and tip.

Mixed into `Contribution`. `balance_cents` is what the gift left the initiative as the ledger
counts it (the sum of its ledger rows), and `net_cents` that balance never below zero: what
reached the initiative, what every figure, portfolio and social return counts. Both are defined
once, in Python and in SQL, with the rule of `payouts.split`: refunds and chargebacks come out of
the initiative's share first, then out of the platform's fee and tip; beyond what was paid, the
balance goes below zero (and the gift is flagged).
"""

from sqlalchemy import case, literal
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
    def balance_cents(self) -> int:
        """The sum of the gift's ledger rows (0 unless paid): its share (gift − fee) net of refunds
        and chargebacks; 0 once they reach into the platform's part; below zero only for refunds
        and chargebacks beyond what was paid."""
        if self.paid_at is None:
            return 0
        taken = self.refunded_cents + self.charged_back_cents
        share = self.amount_cents - (self.fee_cents or 0)
        if taken <= share:
            return share - taken
        return min(0, self.charged_cents - taken)

    @balance_cents.inplace.expression
    @classmethod
    def _balance_cents_expression(cls):
        return cls.ledger_balance()

    @classmethod
    def ledger_balance(cls, audit: bool = False):
        """The SQL of `balance_cents`. For the audit (`audit=True`) an unpaid gift's rows must
        sum to 0 minus whatever was (wrongly) counted against it, instead of 0."""
        taken = cls.refunded_cents + cls.charged_back_cents
        share = cls.amount_cents - cls.fee_cents - taken
        beyond = cls.amount_cents + cls.tip_cents - taken
        unpaid = literal(0) - taken if audit else literal(0)
        return case(
            (cls.paid_at.is_(None), unpaid),
            (share >= 0, share),
            (beyond >= 0, 0),
            else_=beyond,
        )

    @hybrid_property
    def net_cents(self) -> int:
        """What reached the initiative: its share (gift − platform fee), net of refunds and
        chargebacks, never below zero, 0 unless paid.

        Also a SQL expression (`select(func.sum(Contribution.net_cents))`): the one definition
        for every query, equal to this value row by row.
        """
        return max(self.balance_cents, 0)

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
