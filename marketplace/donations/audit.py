"""The money invariant, checked for every gift: what the gift left the initiative (paid − tip −
fee − refunded − charged back, the tip and fee carrying refunds beyond its share:
`Contribution.balance_cents`) equals the sum of the gift's ledger rows (`flask --app wsgi
payments audit`, for operators after an incident)."""

from collections.abc import Iterator
from dataclasses import dataclass

from sqlalchemy import case, func, select

from marketplace.donations.models import Contribution, ContributionEvent
from marketplace.extensions import db
from marketplace.money import format_cents


@dataclass(frozen=True)
class Violation:
    contribution_id: int
    currency: str
    paid_cents: int
    refunded_cents: int
    charged_back_cents: int
    balance_cents: int  # what the ledger rows should sum to
    ledger_cents: int

    def describe(self) -> str:
        difference = self.balance_cents - self.ledger_cents
        return (
            f"gift {self.contribution_id}: paid {format_cents(self.paid_cents)}, refunded "
            f"{format_cents(self.refunded_cents)}, charged back "
            f"{format_cents(self.charged_back_cents)}: balance {format_cents(self.balance_cents)} "
            f"{self.currency}, but its ledger rows sum to {format_cents(self.ledger_cents)} "
            f"(difference {format_cents(difference)})"
        )


def count_gifts() -> int:
    return db.session.scalar(select(func.count()).select_from(Contribution)) or 0


def ledger_violations(batch: int = 1000) -> Iterator[Violation]:
    """Every gift whose money disagrees with its ledger, in id order; one grouped query, read in
    batches, so memory does not grow with the number of gifts."""
    sums = (
        select(
            ContributionEvent.contribution_id.label("contribution_id"),
            func.sum(ContributionEvent.amount_cents).label("total"),
        )
        .group_by(ContributionEvent.contribution_id)
        .subquery()
    )
    ledger = func.coalesce(sums.c.total, 0)
    # Not `balance_cents`, which is 0 for an unpaid gift: a refund counted on one is a violation.
    paid = case((Contribution.paid_at.is_(None), 0), else_=Contribution.amount_cents)
    balance = Contribution.ledger_balance(audit=True)
    query = (
        select(
            Contribution.id,
            Contribution.currency,
            paid,
            Contribution.refunded_cents,
            Contribution.charged_back_cents,
            balance,
            ledger,
        )
        .outerjoin(sums, sums.c.contribution_id == Contribution.id)
        .where(balance != ledger)
        .order_by(Contribution.id)
    )
    for row in db.session.execute(query.execution_options(yield_per=batch)):
        yield Violation(*row[:6], int(row[6]))
