"""The ledger side of the status path: provider facts recorded under unique keys, and refunds and
chargebacks counted against a contribution.

Everything here runs inside `status.apply_payment_status`, on a contribution whose row that
function has locked, before its one commit; nothing here commits or is called from elsewhere.
"""

from __future__ import annotations

import logging

from sqlalchemy import func, select

from marketplace.donations.models import (
    Chargeback,
    Contribution,
    ContributionEvent,
    ContributionStatus,
    EventKind,
    Flag,
    Refund,
    can_transition,
)
from marketplace.donations.providers.base import REFUND_FINAL, ProviderChargeback, ProviderRefund
from marketplace.extensions import db
from marketplace.money import format_cents
from marketplace.payouts.split import platform_refunded

log = logging.getLogger(__name__)


class Ledger:
    """Ledger rows and flags for one locked contribution; a known key is skipped (a replay)."""

    def __init__(self, contribution: Contribution, source: str):
        self.contribution = contribution
        self.source = source
        self.prefix = (
            f"{contribution.provider}:{contribution.provider_payment_id or contribution.id}"
        )
        self.flagged = False

    def record(self, key: str, kind: EventKind, amount_cents: int = 0, **fields) -> bool:
        exists = db.session.scalar(
            select(ContributionEvent.id).where(ContributionEvent.event_key == key)
        )
        if exists:
            return False
        db.session.add(
            ContributionEvent(
                contribution_id=self.contribution.id,
                event_key=key,
                kind=kind,
                amount_cents=amount_cents,
                currency=self.contribution.currency,
                source=self.source,
                **fields,
            )
        )
        return True

    def flag(self, reason: Flag, detail: str, occasion: str = "") -> None:
        """Ask an admin to look (once per reason and occasion): the flag stays in the ledger."""
        key = f"{self.prefix}:flag:{reason.value}" + (f":{occasion}" if occasion else "")
        if self.record(key, EventKind.FLAG, detail=detail):
            contribution = self.contribution
            contribution.flagged = True
            contribution.flag_reason = f"{reason.value}: {detail}"[:200]
            self.flagged = True
            log.warning("contribution %s flagged: %s %s", contribution.id, reason, detail)


def record_platform_part(contribution: Contribution, ledger: Ledger) -> None:
    """At payment: the tip and the platform fee leave the initiative's side (once each)."""
    if contribution.tip_cents:
        ledger.record(f"{ledger.prefix}:tip", EventKind.TIP, -contribution.tip_cents)
    if contribution.fee_cents:
        ledger.record(f"{ledger.prefix}:fee", EventKind.FEE, -contribution.fee_cents)


def rebalance_platform_part(contribution: Contribution, ledger: Ledger) -> bool:
    """Refunds and chargebacks beyond the initiative's share are carried by the platform's fee
    and tip: one ledger row for each change of that part, so the rows keep summing to net_cents.
    """
    target = platform_refunded(
        contribution.amount_cents,
        contribution.tip_cents,
        contribution.fee_cents,
        contribution.refunded_cents + contribution.charged_back_cents,
    )
    kinds = (EventKind.PLATFORM_REFUND, EventKind.PLATFORM_REFUND_REVERSED)
    recorded, count = db.session.execute(
        select(func.coalesce(func.sum(ContributionEvent.amount_cents), 0), func.count()).where(
            ContributionEvent.contribution_id == contribution.id,
            ContributionEvent.kind.in_(kinds),
        )
    ).one()
    delta = target - int(recorded)
    if not delta:
        return False
    kind = EventKind.PLATFORM_REFUND if delta > 0 else EventKind.PLATFORM_REFUND_REVERSED
    return ledger.record(f"{ledger.prefix}:platform-refund:{count + 1}", kind, delta)


def apply_refund(contribution: Contribution, refund: ProviderRefund, ledger: Ledger) -> bool:
    """One refund as the provider reports it now; True when it changed the gift's money or flag."""
    row = db.session.scalar(select(Refund).where(Refund.provider_refund_id == refund.refund_id))
    if row is not None and row.contribution_id != contribution.id:
        log.error("refund %s belongs to another contribution", refund.refund_id)
        return False
    if row is None:
        row = Refund(
            contribution_id=contribution.id,
            provider_refund_id=refund.refund_id,
            amount_cents=refund.amount_cents,
            currency=refund.currency.upper(),
            status=refund.status,
            counted=False,
        )
        db.session.add(row)
    elif row.status in REFUND_FINAL and row.status != refund.status:
        return False  # a final refund status never changes back (a stale answer)
    row.status = refund.status
    if refund.counts and not row.counted:
        return _count_refund(contribution, row, ledger)
    if not refund.counts and row.counted:
        return _uncount_refund(contribution, row, ledger)
    return False


def _count_refund(contribution: Contribution, row: Refund, ledger: Ledger) -> bool:
    """A pending or done refund counts against the gift (once), exactly as the provider reports
    it, even beyond what remains: the money left, so the books say so (`flag_below_zero`)."""
    if ledger.record(
        f"{contribution.provider}:refund:{row.provider_refund_id}",
        EventKind.REFUND,
        -row.amount_cents,
        detail=row.status,
    ):
        contribution.refunded_cents += row.amount_cents
        row.counted = True
        return True
    return False


def _uncount_refund(contribution: Contribution, row: Refund, ledger: Ledger) -> bool:
    """A counted refund that failed or was canceled gives the money back to the gift."""
    if ledger.record(
        f"{contribution.provider}:refund:{row.provider_refund_id}:reversed",
        EventKind.REFUND_REVERSED,
        row.amount_cents,
        detail=row.status,
    ):
        contribution.refunded_cents -= row.amount_cents
        row.counted = False
        return True
    return False


def apply_chargeback(
    contribution: Contribution, chargeback: ProviderChargeback, ledger: Ledger
) -> bool:
    """A chargeback (or its reversal) taken off the gift once; True when the money changed."""
    provider = contribution.provider
    row = db.session.scalar(
        select(Chargeback).where(Chargeback.provider_chargeback_id == chargeback.chargeback_id)
    )
    changed = False
    if row is not None and row.contribution_id != contribution.id:
        return False
    if row is None:
        row = Chargeback(
            contribution_id=contribution.id,
            provider_chargeback_id=chargeback.chargeback_id,
            amount_cents=chargeback.amount_cents,
            currency=chargeback.currency.upper(),
            reason=chargeback.reason[:200],
        )
        db.session.add(row)
        if ledger.record(
            f"{provider}:chargeback:{chargeback.chargeback_id}",
            EventKind.CHARGEBACK,
            -row.amount_cents,
            detail=chargeback.reason[:200],
        ):
            contribution.charged_back_cents += row.amount_cents
            changed = True
    if chargeback.reversed and not row.reversed:
        row.reversed = True
        if ledger.record(
            f"{provider}:chargeback:{chargeback.chargeback_id}:reversed",
            EventKind.CHARGEBACK_REVERSED,
            row.amount_cents,
        ):
            contribution.charged_back_cents -= row.amount_cents
            changed = True
    return changed


def flag_below_zero(contribution: Contribution, ledger: Ledger) -> None:
    """Refunds and chargebacks beyond the payment: the gift counts as zero (`net_cents`) and an
    admin must look. Each new below-zero state flags again, also after an earlier resolution."""
    if contribution.balance_cents >= 0:
        return
    ledger.flag(
        Flag.BELOW_ZERO,
        f"paid {format_cents(contribution.amount_cents)}, refunded "
        f"{format_cents(contribution.refunded_cents)}, charged back "
        f"{format_cents(contribution.charged_back_cents)} {contribution.currency}",
        occasion=f"{contribution.refunded_cents}:{contribution.charged_back_cents}",
    )


def paid_family_status(contribution: Contribution) -> ContributionStatus:
    """A paid gift's status follows its refunded and charged-back amounts."""
    if contribution.charged_back_cents > 0:
        return ContributionStatus.CHARGED_BACK
    if contribution.refunded_cents >= contribution.charged_cents:
        return ContributionStatus.REFUNDED
    if contribution.refunded_cents > 0:
        return ContributionStatus.PARTIALLY_REFUNDED
    return ContributionStatus.PAID


def settle_paid_status(contribution: Contribution) -> None:
    """Set a paid gift's status from its amounts (where the transition table allows it)."""
    new = paid_family_status(contribution)
    old = contribution.status
    if new != old and can_transition(old, new):
        contribution.status = new
