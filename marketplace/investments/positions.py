"""Where each subscription stands: its repayment schedule in cents, the payments it received
(from its ledger), what is outstanding, and its money-weighted return.

The arithmetic is the pure `schedules` and `returns` modules; this module only reads the rows.
"""

from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy import select

from marketplace.extensions import db
from marketplace.investments.ledger import today, totals_by_kind
from marketplace.investments.models import (
    PAID_IN_KINDS,
    EntryKind,
    Offer,
    OfferKind,
    Subscription,
    SubscriptionEvent,
    SubscriptionStatus,
)
from marketplace.investments.returns import xirr
from marketplace.investments.schedules import (
    Payment,
    Position,
    Schedule,
    expected_vs_received,
    repayment_schedule,
)

BACK_KINDS = (EntryKind.INTEREST, EntryKind.PRINCIPAL)


def schedule_of(offer: Offer, principal_cents: int) -> Schedule | None:
    """The schedule of `principal_cents` on the offer's terms, from its repayment start."""
    if not offer.kind.has_schedule or offer.repayment_start is None or principal_cents <= 0:
        return None
    return repayment_schedule(
        principal_cents,
        offer.interest_rate,
        repayment=offer.repayment,
        frequency=offer.frequency,
        term_months=offer.term_months,
        start_date=offer.repayment_start,
    )


def received_payments(subscription_ids: list[int]) -> dict[int, list[Payment]]:
    """Per subscription, what each recorded instalment brought it (interest + principal), by
    repayment, in date order: the payments its schedule is measured against."""
    amounts: dict[tuple[int, int], int] = defaultdict(int)
    days: dict[tuple[int, int], date] = {}
    if subscription_ids:
        for subscription_id, repayment_id, on, cents in db.session.execute(
            select(
                SubscriptionEvent.subscription_id,
                SubscriptionEvent.repayment_id,
                SubscriptionEvent.occurred_on,
                SubscriptionEvent.amount_cents,
            )
            .where(
                SubscriptionEvent.subscription_id.in_(subscription_ids),
                SubscriptionEvent.kind.in_(list(BACK_KINDS)),
                SubscriptionEvent.repayment_id.is_not(None),
            )
            .order_by(SubscriptionEvent.occurred_on, SubscriptionEvent.id)
        ):
            amounts[(subscription_id, repayment_id)] += int(cents)
            days[(subscription_id, repayment_id)] = on
    payments: dict[int, list[Payment]] = {i: [] for i in subscription_ids}
    for (subscription_id, repayment_id), cents in amounts.items():
        if cents > 0:
            payments[subscription_id].append(Payment(days[(subscription_id, repayment_id)], cents))
    for rows in payments.values():
        rows.sort(key=lambda p: p.paid_on)
    return payments


@dataclass(frozen=True)
class Standing:
    """A subscription's money at a date: what went in, what came back, what is still owed."""

    subscription: Subscription
    invested_cents: int  # paid in, net of refunds (0 unless the offer was funded)
    interest_cents: int
    principal_back_cents: int
    written_off_cents: int
    outstanding_cents: int  # principal still owed to the investor
    expected_cents: int | None  # instalments due so far (loans and bonds)
    received_cents: int  # interest + principal received
    position: Position | None
    schedule: Schedule | None
    xirr: Decimal | None


def cash_flows(subscription_id: int, on: date, outstanding_cents: int) -> list[tuple[date, int]]:
    """The investor's dated flows: money in negative, money back positive, and what is still
    outstanding valued at par on `on` (a written-off part is worth nothing)."""
    flows: list[tuple[date, int]] = []
    for kind, day, cents in db.session.execute(
        select(
            SubscriptionEvent.kind, SubscriptionEvent.occurred_on, SubscriptionEvent.amount_cents
        )
        .where(
            SubscriptionEvent.subscription_id == subscription_id,
            SubscriptionEvent.occurred_on <= on,
        )
        .order_by(SubscriptionEvent.id)
    ):
        if kind in PAID_IN_KINDS and cents:
            flows.append((day, -int(cents)))
        elif kind in BACK_KINDS and cents:
            flows.append((day, int(cents)))
    if outstanding_cents > 0:
        flows.append((on, outstanding_cents))
    return flows


INVESTED_STATUSES = (
    SubscriptionStatus.ACTIVE,
    SubscriptionStatus.REPAID,
    SubscriptionStatus.WRITTEN_OFF,
)


def standings(subscriptions: list[Subscription], on: date | None = None) -> list[Standing]:
    """The standing of each subscription at the end of `on` (default today)."""
    on = on or today()
    ids = [s.id for s in subscriptions]
    totals = totals_by_kind(ids)
    payments = received_payments(ids)
    result = []
    for subscription in subscriptions:
        sums = totals[subscription.id]
        invested = subscription.status in INVESTED_STATUSES
        net = sum(sums.get(kind, 0) for kind in PAID_IN_KINDS) if invested else 0
        interest, back = sums.get(EntryKind.INTEREST, 0), sums.get(EntryKind.PRINCIPAL, 0)
        written_off = sums.get(EntryKind.WRITE_OFF, 0)
        outstanding = max(net - back - written_off, 0)
        schedule = schedule_of(subscription.offer, subscription.amount_cents) if invested else None
        position = (
            expected_vs_received(schedule, payments[subscription.id], on) if schedule else None
        )
        result.append(
            Standing(
                subscription=subscription,
                invested_cents=net,
                interest_cents=interest,
                principal_back_cents=back,
                written_off_cents=written_off,
                outstanding_cents=outstanding,
                expected_cents=position.expected_cents if position else None,
                received_cents=interest + back,
                position=position,
                schedule=schedule,
                xirr=xirr(cash_flows(subscription.id, on, outstanding)) if invested else None,
            )
        )
    return result


def holding_flows(standings_: list[Standing], on: date) -> list[tuple[date, int]]:
    flows: list[tuple[date, int]] = []
    for standing in standings_:
        flows.extend(cash_flows(standing.subscription.id, on, standing.outstanding_cents))
    return flows


def is_member_share(subscription: Subscription) -> bool:
    return subscription.offer.kind == OfferKind.MEMBER_SHARE
