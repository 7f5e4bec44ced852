"""Transfer batches: the held money of one initiative claimed, then marked paid or failed.

Claiming moves every held balance of the initiative (at one provider) to "transferred" in a new
`pending` transfer, in one transaction, so a second run finds nothing left to send; the provider
is called afterwards (`settlement.transfers`) with the transfer's idempotency key, and a refusal
puts the money back as held. Negative balances (money the initiative owes back after a refund) are
netted in the same batch: the batch sends the sum of all balances, when that sum is positive.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from marketplace.db import advisory_xact_lock
from marketplace.errors import InvalidTransition
from marketplace.extensions import db
from marketplace.payouts.ledger import record_event
from marketplace.payouts.models import (
    TRANSFER_TRANSITIONS,
    Payout,
    PayoutEvent,
    PayoutEventKind,
    Route,
    Transfer,
    TransferStatus,
)
from marketplace.timeutil import utcnow


@dataclass(frozen=True)
class TransferPart:
    """The part of a batch that comes from one provider payment (Mollie routes per payment)."""

    payout_id: int
    payment_reference: str | None
    amount_cents: int


def _begin_write() -> None:
    """A fresh write transaction: serialised per database on SQLite (BEGIN IMMEDIATE)."""
    if db.session().in_transaction():
        db.session.commit()
    if db.engine.dialect.name == "sqlite":
        db.session.connection(execution_options={"sqlite_begin_immediate": True})


def held_payouts(
    initiative_id: int, provider: str, currency: str = "EUR", per_payment: bool = False
) -> list[Payout]:
    """The initiative's payouts with money held (or owed back) that this provider can move.

    `per_payment`: the provider moves money only with the platform's own payments (Mollie
    routes), so money held on a payment the initiative's account owns waits for an admin.
    """
    where = [
        Payout.initiative_id == initiative_id,
        Payout.currency == currency,
        Payout.held_cents != 0,
        Payout.provider.in_([provider, ""]),
    ]
    if per_payment:
        where.append((Payout.held_cents < 0) | (Payout.route == Route.PLATFORM))
    return list(
        db.session.scalars(
            select(Payout)
            .where(*where)
            .order_by(Payout.id)
            .with_for_update()
            .execution_options(populate_existing=True)
        )
    )


def claim_batch(
    initiative_id: int,
    provider: str,
    account_id: str,
    currency: str = "EUR",
    per_payment: bool = False,
) -> Transfer | None:
    """Claim everything held for the initiative into a new pending transfer. Commits.

    None when the held balances do not add up to a positive amount (nothing to send).
    """
    _begin_write()
    advisory_xact_lock("payout-transfer", initiative_id)
    payouts = held_payouts(initiative_id, provider, currency, per_payment)
    total = sum(p.held_cents for p in payouts)
    if total <= 0:
        db.session.rollback()
        return None
    transfer = Transfer(
        initiative_id=initiative_id,
        provider=provider,
        account_id=account_id,
        amount_cents=total,
        currency=currency,
    )
    db.session.add(transfer)
    db.session.flush()
    for payout in payouts:
        held = payout.held_cents
        record_event(
            payout,
            PayoutEventKind.TRANSFERRED,
            held=-held,
            transferred=held,
            transfer_id=transfer.id,
            detail=f"transfer {transfer.id}",
            key=f"transfer:{transfer.id}:{payout.id}",
        )
    db.session.commit()
    return transfer


def transfer_parts(transfer: Transfer) -> list[TransferPart]:
    """Where a batch's money comes from, per provider payment, with debts netted (oldest first).

    The parts are the batch's positive amounts, reduced by what the initiative owes back, and sum
    to the batch's amount.
    """
    amounts = [
        (event.payout, event.transferred_delta)
        for event in transfer.events
        if event.kind == PayoutEventKind.TRANSFERRED
    ]
    debt = -sum(amount for _payout, amount in amounts if amount < 0)
    parts = []
    for payout, amount in amounts:
        if amount <= 0:
            continue
        netted = min(amount, debt)
        debt -= netted
        if amount - netted > 0:
            parts.append(TransferPart(payout.id, payout.payment_reference, amount - netted))
    return parts


def _set_status(transfer: Transfer, status: TransferStatus) -> None:
    if status not in TRANSFER_TRANSITIONS[transfer.status]:
        raise InvalidTransition(f"transfer {transfer.id}: {transfer.status} → {status}")
    transfer.status = status


def mark_paid(transfer_id: int, provider_reference: str) -> Transfer:
    """The provider made the transfer. Commits."""
    transfer = db.session.get(Transfer, transfer_id)
    if transfer.status == TransferStatus.PAID:
        return transfer
    _set_status(transfer, TransferStatus.PAID)
    transfer.provider_reference = provider_reference
    transfer.sent_at = utcnow()
    transfer.checked_at = utcnow()
    db.session.commit()
    return transfer


def mark_failed(transfer_id: int, reason: str) -> Transfer:
    """The provider refused the transfer: its money is held again (ledger rows, not edits)."""
    _begin_write()
    transfer = db.session.get(Transfer, transfer_id)
    if transfer.status == TransferStatus.FAILED:
        db.session.rollback()
        return transfer
    _set_status(transfer, TransferStatus.FAILED)
    transfer.failure = reason[:300]
    for event in list(transfer.events):
        if event.kind != PayoutEventKind.TRANSFERRED:
            continue
        record_event(
            event.payout,
            PayoutEventKind.TRANSFER_FAILED,
            held=event.transferred_delta,
            transferred=-event.transferred_delta,
            transfer_id=transfer.id,
            detail=reason,
            key=f"transfer:{transfer.id}:{event.payout_id}:failed",
        )
    db.session.commit()
    return transfer


def note_attempt(transfer_id: int) -> None:
    transfer = db.session.get(Transfer, transfer_id)
    transfer.attempts += 1
    db.session.commit()


def flag_transfer(transfer_id: int, reason: str) -> None:
    """Reconciliation found the provider disagreeing: an admin must look (once per reason)."""
    transfer = db.session.get(Transfer, transfer_id)
    transfer.checked_at = utcnow()
    if transfer.flag_reason != reason[:300]:
        transfer.flagged = True
        transfer.flag_reason = reason[:300]
    db.session.commit()


def mark_checked(transfer_id: int) -> None:
    transfer = db.session.get(Transfer, transfer_id)
    transfer.checked_at = utcnow()
    db.session.commit()


def transfers_to_check(since: datetime) -> list[int]:
    """Transfers still pending, and paid ones sent since `since` (reconciliation)."""
    return list(
        db.session.scalars(
            select(Transfer.id)
            .where(
                (Transfer.status == TransferStatus.PENDING)
                | ((Transfer.status == TransferStatus.PAID) & (Transfer.sent_at >= since))
            )
            .order_by(Transfer.id)
        )
    )


def payout_events_of(transfer_id: int) -> list[PayoutEvent]:
    return list(
        db.session.scalars(
            select(PayoutEvent)
            .where(PayoutEvent.transfer_id == transfer_id)
            .order_by(PayoutEvent.id)
        )
    )
