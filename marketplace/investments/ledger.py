"""The investor's ledger: facts recorded under unique keys, refunds and chargebacks counted.

The same discipline as the gifts' ledger (`donations.ledger`): everything here runs inside a
service that holds the subscription's row lock and commits once; a known key is a replay and
adds nothing.
"""

import logging
from datetime import date

from sqlalchemy import func, select

from marketplace.donations.providers.base import REFUND_FINAL, ProviderChargeback, ProviderRefund
from marketplace.extensions import db
from marketplace.investments.models import (
    EntryKind,
    Subscription,
    SubscriptionEvent,
    SubscriptionRefund,
)
from marketplace.timeutil import to_amsterdam, utcnow

log = logging.getLogger(__name__)


def today() -> date:
    """Today in Amsterdam: the day money facts are dated by."""
    return to_amsterdam(utcnow()).date()


class InvestorLedger:
    """Ledger rows and flags for one locked subscription."""

    def __init__(self, subscription: Subscription, source: str):
        self.subscription = subscription
        self.source = source
        ref = subscription.provider_payment_id or f"subscription-{subscription.id}"
        self.prefix = f"{subscription.provider}:{ref}"
        self.flagged = False

    def record(
        self,
        key: str,
        kind: EntryKind,
        amount_cents: int = 0,
        on: date | None = None,
        *,
        fresh: bool = False,
        **fields,
    ) -> bool:
        """Add a ledger row unless its key is known (a replay). `fresh`: the key names a row
        created in this transaction (a new repayment), so it cannot be known: no lookup."""
        if not fresh and db.session.scalar(
            select(SubscriptionEvent.id).where(SubscriptionEvent.event_key == key)
        ):
            return False
        db.session.add(
            SubscriptionEvent(
                subscription_id=self.subscription.id,
                event_key=key,
                kind=kind,
                amount_cents=amount_cents,
                currency=self.subscription.currency,
                occurred_on=on or today(),
                source=self.source,
                **fields,
            )
        )
        return True

    def status(self, old: str, new: str, detail: str = "") -> None:
        self.record(
            f"subscription-{self.subscription.id}:status:{new}",
            EntryKind.STATUS,
            from_status=old,
            to_status=new,
            detail=detail,
        )

    def flag(self, reason: str, detail: str) -> None:
        """Ask an admin to look (once per reason); the flag stays in the ledger."""
        if self.record(f"{self.prefix}:flag:{reason}", EntryKind.FLAG, detail=detail):
            self.subscription.flagged = True
            self.subscription.flag_reason = f"{reason}: {detail}"[:200]
            self.flagged = True
            log.warning("subscription %s flagged: %s %s", self.subscription.id, reason, detail)


def apply_refund(
    subscription: Subscription, refund: ProviderRefund, ledger: InvestorLedger
) -> bool:
    """One refund as the provider reports it now; True when the money changed."""
    row = db.session.scalar(
        select(SubscriptionRefund).where(SubscriptionRefund.provider_refund_id == refund.refund_id)
    )
    if row is not None and row.subscription_id != subscription.id:
        log.error("refund %s belongs to another subscription", refund.refund_id)
        return False
    if row is None:
        row = SubscriptionRefund(
            subscription_id=subscription.id,
            provider_refund_id=refund.refund_id,
            amount_cents=refund.amount_cents,
            currency=refund.currency.upper(),
            status=refund.status,
        )
        db.session.add(row)
    elif row.status in REFUND_FINAL and row.status != refund.status:
        return False  # a final refund status never changes back
    row.status = refund.status
    key = f"{subscription.provider}:refund:{row.provider_refund_id}"
    if refund.counts and not row.counted:
        if row.amount_cents > subscription.net_cents:
            ledger.flag("refund-exceeds", f"refund {row.provider_refund_id} exceeds what remains")
            return False
        if ledger.record(key, EntryKind.REFUND, -row.amount_cents, detail=row.status):
            subscription.refunded_cents += row.amount_cents
            row.counted = True
            return True
    reversed_key = f"{key}:reversed"
    if (
        not refund.counts
        and row.counted
        and ledger.record(reversed_key, EntryKind.REFUND_REVERSED, row.amount_cents)
    ):
        subscription.refunded_cents -= row.amount_cents
        row.counted = False
        return True
    return False


def apply_chargeback(
    subscription: Subscription, chargeback: ProviderChargeback, ledger: InvestorLedger
) -> bool:
    """A chargeback (or its reversal) taken off the subscription once, and flagged."""
    key = f"{subscription.provider}:chargeback:{chargeback.chargeback_id}"
    changed = False
    if ledger.record(key, EntryKind.CHARGEBACK, -chargeback.amount_cents, detail=chargeback.reason):
        subscription.charged_back_cents += chargeback.amount_cents
        ledger.flag("chargeback", f"chargeback {chargeback.chargeback_id}")
        changed = True
    if chargeback.reversed and ledger.record(
        f"{key}:reversed", EntryKind.CHARGEBACK_REVERSED, chargeback.amount_cents
    ):
        subscription.charged_back_cents -= chargeback.amount_cents
        changed = True
    return changed


def totals_by_kind(subscription_ids: list[int]) -> dict[int, dict[EntryKind, int]]:
    """Per subscription, the sum of its ledger amounts per kind (one query)."""
    totals: dict[int, dict[EntryKind, int]] = {i: {} for i in subscription_ids}
    if not subscription_ids:
        return totals
    for subscription_id, kind, cents in db.session.execute(
        select(
            SubscriptionEvent.subscription_id,
            SubscriptionEvent.kind,
            func.sum(SubscriptionEvent.amount_cents),
        )
        .where(SubscriptionEvent.subscription_id.in_(subscription_ids))
        .group_by(SubscriptionEvent.subscription_id, SubscriptionEvent.kind)
    ):
        totals[subscription_id][EntryKind(kind)] = int(cents or 0)
    return totals
