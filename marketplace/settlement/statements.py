"""An initiative's monthly statement: its gifts, refunds, chargebacks, the platform's fees (and
the donors' tips, shown apart), what was paid out, and what the platform still holds.

Everything is read from the two ledgers, by the date each fact happened (Amsterdam months): the
gifts' ledger (`ContributionEvent`) for the money of the gifts, the payout ledger
(`PayoutEvent`) for where that money went. The statement adds up exactly:

    held at the start + received for the initiative − paid into its own account
        − transferred by the platform = held at the end
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import func, select

from marketplace.donations.models import Contribution, ContributionEvent, EventKind
from marketplace.extensions import db
from marketplace.initiatives.models import Initiative
from marketplace.payouts.models import Payout, PayoutEvent, SourceKind, Transfer
from marketplace.timeutil import (
    amsterdam_month,
    amsterdam_month_bounds,
    month_start,
    next_month,
    utcnow,
)

# Which ledger rows of a gift land in which statement total.
GIFT_KINDS = {
    EventKind.PAYMENT: "payments",
    EventKind.TIP: "tips",
    EventKind.FEE: "fees",
    EventKind.REFUND: "refunds",
    EventKind.REFUND_REVERSED: "refunds",
    EventKind.CHARGEBACK: "chargebacks",
    EventKind.CHARGEBACK_REVERSED: "chargebacks",
    EventKind.PLATFORM_REFUND: "platform_back",
    EventKind.PLATFORM_REFUND_REVERSED: "platform_back",
}


# The platform's part of a fact follows it in the ledger: folded into the fact's line.
PLATFORM_PART = {
    EventKind.TIP,
    EventKind.FEE,
    EventKind.PLATFORM_REFUND,
    EventKind.PLATFORM_REFUND_REVERSED,
}


@dataclass
class Line:
    """One fact of the month: the money that moved (`amount`: a payment of gift and tip, a
    refund...), the platform's part of it (its tip and fee out, or its share of a refund back),
    and what that meant for the initiative (`cents`)."""

    at: datetime
    kind: str
    reference: str
    amount: int
    platform: int = 0

    @property
    def cents(self) -> int:
        return self.amount + self.platform


@dataclass
class Statement:
    initiative: Initiative
    month: date
    currency: str = "EUR"
    totals: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    held_start: int = 0
    held_end: int = 0
    lines: list[Line] = field(default_factory=list)
    transfers: list[Transfer] = field(default_factory=list)

    @property
    def gifts(self) -> int:
        """The gifts themselves (what the donors paid, without their tips)."""
        return self.totals["payments"] + self.totals["tips"]

    @property
    def tips(self) -> int:
        """Tips the donors added for the platform (not the initiative's money)."""
        return -self.totals["tips"]

    @property
    def fees(self) -> int:
        return -self.totals["fees"]

    @property
    def refunds(self) -> int:
        return -self.totals["refunds"]

    @property
    def chargebacks(self) -> int:
        return -self.totals["chargebacks"]

    @property
    def platform_back(self) -> int:
        """Refunds beyond the initiative's share that the platform's fee and tip carried."""
        return self.totals["platform_back"]

    @property
    def net_gifts(self) -> int:
        """What the month's gift facts meant for the initiative (the ledger rows' sum)."""
        return sum(self.totals[k] for k in ("payments", "tips", "fees", "refunds", "chargebacks",
                                            "platform_back"))  # fmt: skip

    @property
    def investments(self) -> int:
        return self.totals["investments"]

    @property
    def received(self) -> int:
        return self.totals["owed_gift"] + self.totals["owed_investment"]

    @property
    def paid_direct(self) -> int:
        return self.totals["direct"]

    @property
    def transferred(self) -> int:
        return self.totals["transferred"]


def monthly_statement(initiative: Initiative, month: date) -> Statement:
    """The statement of `initiative` for the Amsterdam month `month` falls in."""
    month = month_start(month)
    statement = Statement(initiative, month, initiative.currency)
    low, high = amsterdam_month_bounds(month)
    _gift_facts(statement, low, high)
    _payout_facts(statement, low, high)
    statement.lines.sort(key=lambda line: (line.at, line.reference))
    return statement


def _gift_facts(statement: Statement, low: datetime, high: datetime) -> None:
    rows = db.session.execute(
        select(ContributionEvent, Contribution.id)
        .join(Contribution, Contribution.id == ContributionEvent.contribution_id)
        .where(
            Contribution.initiative_id == statement.initiative.id,
            ContributionEvent.kind.in_(list(GIFT_KINDS)),
            ContributionEvent.created_at >= low,
            ContributionEvent.created_at < high,
        )
        .order_by(ContributionEvent.id)
    ).all()
    last: Line | None = None
    for event, contribution_id in rows:
        statement.totals[GIFT_KINDS[event.kind]] += event.amount_cents
        ref = f"IB-{contribution_id:06d}"
        if event.kind in PLATFORM_PART and last is not None and last.reference == ref:
            last.platform += event.amount_cents
            continue
        last = Line(event.created_at, event.kind.value, ref, event.amount_cents)
        statement.lines.append(last)


def _payout_facts(statement: Statement, low: datetime, high: datetime) -> None:
    initiative_id = statement.initiative.id
    statement.held_start = db.session.scalar(
        select(func.coalesce(func.sum(PayoutEvent.held_delta), 0))
        .join(Payout, Payout.id == PayoutEvent.payout_id)
        .where(Payout.initiative_id == initiative_id, PayoutEvent.created_at < low)
    )
    rows = db.session.execute(
        select(PayoutEvent, Payout.source_kind, Payout.source_id)
        .join(Payout, Payout.id == PayoutEvent.payout_id)
        .where(
            Payout.initiative_id == initiative_id,
            PayoutEvent.created_at >= low,
            PayoutEvent.created_at < high,
        )
        .order_by(PayoutEvent.id)
    ).all()
    held = statement.held_start
    for event, kind, source_id in rows:
        owed = event.held_delta + event.transferred_delta + event.direct_delta
        statement.totals[f"owed_{kind.value}"] += owed
        statement.totals["direct"] += event.direct_delta
        statement.totals["transferred"] += event.transferred_delta
        held += event.held_delta
        if kind == SourceKind.INVESTMENT and owed:
            statement.totals["investments"] += owed
            statement.lines.append(Line(event.created_at, "investment", f"#{source_id}", owed))
    statement.held_end = held
    statement.transfers = list(
        db.session.scalars(
            select(Transfer)
            .where(
                Transfer.initiative_id == initiative_id,
                Transfer.created_at >= low,
                Transfer.created_at < high,
            )
            .order_by(Transfer.id)
        )
    )


def statement_months(initiative: Initiative) -> list[date]:
    """The months with anything to state, newest first (from the first gift or payout on)."""
    first = db.session.scalar(
        select(func.min(PayoutEvent.created_at))
        .join(Payout, Payout.id == PayoutEvent.payout_id)
        .where(Payout.initiative_id == initiative.id)
    )
    first_gift = db.session.scalar(
        select(func.min(ContributionEvent.created_at))
        .join(Contribution, Contribution.id == ContributionEvent.contribution_id)
        .where(
            Contribution.initiative_id == initiative.id,
            ContributionEvent.kind == EventKind.PAYMENT,
        )
    )
    starts = [amsterdam_month(m) for m in (first, first_gift) if m is not None]
    if not starts:
        return []
    months, current, last = [], min(starts), amsterdam_month(utcnow())
    while current <= last:
        months.append(current)
        current = next_month(current)
    return list(reversed(months))
