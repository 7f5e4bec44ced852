"""Closing offers (the `offers-close` job and `offers close`): settle payments still open, decide
funded or failed, release the money of a funded offer (a payout), refund a failed one.

An offer takes subscriptions until its closing time and is decided once the reflection period
of its last paid subscription has ended (at most four days later), so that every investor could
still revoke and be refunded before the money goes to the initiative.

The decision is one transaction under the offer's row lock: the offer's status, every
subscription's status and, for a funded offer, its payout are committed together. The refunds
that follow are made one subscription at a time, each idempotent (`payments.settle_refund`), and
every run first finishes what an earlier run left owed, so a crash halfway is finished by the
next run and nobody is refunded twice.
"""

import logging
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import or_, select

from marketplace import signals
from marketplace.errors import InvalidTransition, ServiceUnavailable
from marketplace.extensions import db
from marketplace.investments.ledger import InvestorLedger
from marketplace.investments.models import (
    REFUND_DUE,
    Offer,
    OfferStatus,
    Payout,
    Subscription,
    SubscriptionStatus,
    can_move,
)
from marketplace.investments.notices import queue_closing_notices
from marketplace.investments.payments import lock_offer, move, refresh_payment, settle_refund
from marketplace.payouts.ledger import hold
from marketplace.payouts.models import SourceKind
from marketplace.timeutil import as_utc, to_amsterdam, utcnow

log = logging.getLogger(__name__)
UNSTARTED_AFTER = timedelta(hours=1)


@dataclass
class CloseReport:
    checked: int = 0
    funded: list[int] = field(default_factory=list)
    failed: list[int] = field(default_factory=list)
    refunds: int = 0
    refunds_waiting: int = 0


def close_due_offers(now: datetime | None = None) -> CloseReport:
    """Settle open payments, close every open offer whose closing time has passed, and make the
    refunds that are owed (also those an earlier, interrupted run left)."""
    now = now or utcnow()
    report = CloseReport()
    report.checked = reconcile_open_payments(now)
    due = db.session.scalars(
        select(Offer.id).where(
            Offer.status.in_(CLOSABLE),
            Offer.approved_version.is_not(None),
            Offer.closes_at <= now,
        )
    ).all()
    for offer_id in due:
        outcome = close_offer(offer_id, now)
        if outcome is not None:
            (report.funded if outcome == OfferStatus.FUNDED else report.failed).append(offer_id)
    report.refunds, report.refunds_waiting = settle_refunds()
    return report


def reconcile_open_payments(now: datetime) -> int:
    """Ask the provider about payments still open after their checkout expired; a subscription
    whose provider call never succeeded gives up its room after an hour."""
    stale = db.session.execute(
        select(Subscription.id, Subscription.provider, Subscription.provider_payment_id).where(
            Subscription.status == SubscriptionStatus.OPEN,
            or_(
                Subscription.checkout_expires_at < now,
                Subscription.provider_payment_id.is_(None),
                Subscription.checkout_expires_at.is_(None)
                & (Subscription.created_at < now - UNSTARTED_AFTER),
            ),
        )
    ).all()
    for subscription_id, provider, payment_id in stale:
        if payment_id is None:
            _expire_unstarted(subscription_id, now)
            continue
        try:
            refresh_payment(provider, payment_id, source="reconcile")
        except ServiceUnavailable:
            db.session.rollback()
    return len(stale)


def _expire_unstarted(subscription_id: int, now: datetime) -> None:
    subscription = db.session.get(Subscription, subscription_id)
    if subscription.created_at > now - UNSTARTED_AFTER:
        return
    offer = lock_offer(subscription.offer_id)
    subscription = db.session.get(Subscription, subscription_id)
    if offer and subscription.status == SubscriptionStatus.OPEN and not subscription.paid_at:
        move(subscription, SubscriptionStatus.UNPAID, InvestorLedger(subscription, "reconcile"))
    db.session.commit()


# An approved offer closes at its closing time, also when a later change was still in review
# (it is decided on the version investors subscribed to).
CLOSABLE = (OfferStatus.OPEN, OfferStatus.IN_REVIEW)


def _due(offer: Offer, now: datetime) -> bool:
    return (
        offer.status in CLOSABLE and offer.approved_version is not None and offer.closes_at <= now
    )


def _still_reflecting(subscriptions: list[Subscription], now: datetime) -> bool:
    """A paid subscription may still be revoked: the offer is decided once that period ends."""
    return any(
        s.status == SubscriptionStatus.RESERVED and as_utc(s.reflection_ends_at) > now
        for s in subscriptions
    )


def close_offer(offer_id: int, now: datetime | None = None) -> OfferStatus | None:
    """Decide one due offer: funded when the paid subscriptions reach the target (or, without
    all-or-nothing, when anything was paid), failed otherwise. None when it is not due yet: not
    approved, before its closing time, or while a paid subscription's reflection period runs."""
    now = now or utcnow()
    offer = lock_offer(offer_id)
    subscriptions = None
    if _due(offer, now):
        subscriptions = list(
            db.session.scalars(
                select(Subscription)
                .where(Subscription.offer_id == offer.id)
                .order_by(Subscription.id)
                .with_for_update()
            )
        )
    if subscriptions is None or _still_reflecting(subscriptions, now):
        db.session.rollback()
        return None
    reserved = [s for s in subscriptions if s.status == SubscriptionStatus.RESERVED]
    raised = sum(s.amount_cents for s in reserved)
    funded = raised >= offer.target_cents if offer.all_or_nothing else raised > 0
    _decide(offer, subscriptions, funded, now)
    if funded:
        offer.funded_cents = raised
        offer.repayment_start = to_amsterdam(now).date()
        db.session.add(
            Payout(offer_id=offer.id, initiative_id=offer.initiative_id, amount_cents=raised)
        )
        for subscription in reserved:  # held for the initiative, per payment (Mollie routes)
            hold(
                offer.initiative_id, SourceKind.INVESTMENT, subscription.id,
                subscription.amount_cents, offer.currency, provider=subscription.provider,
                payment_reference=subscription.provider_payment_id, detail=f"offer {offer.id}",
            )  # fmt: skip
    queue_closing_notices(offer, reserved)
    db.session.commit()
    log.info("offer %s closed: %s (%s cents)", offer_id, offer.status.value, raised)
    if funded:
        signals.notify(
            signals.investment_changed,
            initiative_id=offer.initiative_id,
            offer_id=offer.id,
            kind=offer.kind.value,
            reason="funded",
        )
    return offer.status


def _decide(offer: Offer, subscriptions: list[Subscription], funded: bool, now) -> None:
    """The offer's and every subscription's new status (under the offer's lock)."""
    outcome = OfferStatus.FUNDED if funded else OfferStatus.FAILED
    if not can_move(offer.kind, offer.status, outcome):
        raise InvalidTransition(f"offer {offer.id} cannot become {outcome.value}")
    offer.status, offer.closed_at = outcome, now
    kept = SubscriptionStatus.ACTIVE if funded else SubscriptionStatus.REFUNDED
    for subscription in subscriptions:
        ledger = InvestorLedger(subscription, "close")
        if subscription.status == SubscriptionStatus.OPEN:
            move(subscription, SubscriptionStatus.UNPAID, ledger)  # too late to pay now
        elif subscription.status == SubscriptionStatus.RESERVED:
            move(subscription, kept, ledger)


def settle_refunds(limit: int = 500) -> tuple[int, int]:
    """Refund every subscription that owes its investor money; (refunded, still waiting)."""
    owed = db.session.scalars(
        select(Subscription.id)
        .where(
            Subscription.status.in_(list(REFUND_DUE)),
            Subscription.paid_cents > Subscription.refunded_cents + Subscription.charged_back_cents,
        )
        .order_by(Subscription.id)
        .limit(limit)
    ).all()
    done = 0
    for subscription_id in owed:
        done += int(settle_refund(subscription_id, "close", quiet=True))
    return done, len(owed) - done
