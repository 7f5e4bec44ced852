"""Recording what a source owes an initiative: the payout ledger's writers.

`settle_source` is called by the domains that receive money for initiatives, inside their own
transaction (the gift status path calls it with the gift's row locked), so the money and its
payout are committed together or not at all. `hold` is the short form for money the platform
received and holds (a funded investment offer).
"""

from __future__ import annotations

from sqlalchemy import func, select

from marketplace.extensions import db
from marketplace.payouts.models import (
    Payout,
    PayoutEvent,
    PayoutEventKind,
    Route,
    SourceKind,
)


def find_payout(source_kind: SourceKind | str, source_id: int) -> Payout | None:
    return db.session.scalar(
        select(Payout).where(
            Payout.source_kind == SourceKind(source_kind), Payout.source_id == source_id
        )
    )


def settle_source(
    *,
    initiative_id: int,
    source_kind: SourceKind | str,
    source_id: int,
    currency: str,
    owed_cents: int,
    direct_cents: int = 0,
    provider: str = "",
    payment_reference: str | None = None,
    account_id: str | None = None,
    detail: str = "",
) -> Payout | None:
    """Make the payout of one source owe `owed_cents`, of which `direct_cents` were paid into the
    initiative's own account; the rest is held by the platform (or transferred already).

    Idempotent: a second call with the same figures writes nothing. Runs inside the caller's
    transaction (no commit). Returns None while nothing was ever owed.
    """
    payout = find_payout(source_kind, source_id)
    first_key = None
    if payout is None:
        if owed_cents == 0 and direct_cents == 0:
            return None
        payout = Payout(
            initiative_id=initiative_id,
            source_kind=SourceKind(source_kind),
            source_id=source_id,
            currency=currency,
            route=Route.DIRECT if account_id else Route.PLATFORM,
            provider=provider,
            payment_reference=payment_reference,
            account_id=account_id,
            held_cents=0,
            transferred_cents=0,
            direct_cents=0,
        )
        db.session.add(payout)  # inserted at the commit with its balances: no separate UPDATE
        first_key = f"{payout.source_kind.value}:{payout.source_id}:1"  # no rows to count yet
    else:
        payout = lock_payout(payout.id)
    direct_delta = direct_cents - payout.direct_cents
    held_delta = owed_cents - payout.owed_cents - direct_delta
    if direct_delta or held_delta:
        kind = PayoutEventKind.ADJUSTED
        if not direct_delta:
            kind = PayoutEventKind.HELD
        elif not held_delta:
            kind = PayoutEventKind.DIRECT
        record_event(
            payout, kind, held=held_delta, direct=direct_delta, detail=detail, key=first_key
        )
    return payout


def lock_payout(payout_id: int) -> Payout:
    """The payout's row, locked for the rest of the transaction and read fresh."""
    return db.session.execute(
        select(Payout)
        .where(Payout.id == payout_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    ).scalar_one()


def hold(
    initiative_id: int,
    source_kind: SourceKind | str,
    source_id: int,
    amount_cents: int,
    currency: str = "EUR",
    *,
    provider: str = "",
    payment_reference: str | None = None,
    detail: str = "",
) -> Payout | None:
    """The platform holds `amount_cents` for the initiative from this source until it transfers.

    For money received outside the gift path (a funded investment offer): call it inside your
    own transaction, before your commit, with the source's *total* (not an increment): calling it
    again with the same total adds nothing; a lower total after a refund reduces what is held
    (or, once transferred, what the initiative owes back); 0 cancels it. `payment_reference` is
    the provider's payment id, which lets Mollie route the money to the initiative later.
    """
    if amount_cents < 0:
        raise ValueError("amount_cents must not be negative")
    return settle_source(
        initiative_id=initiative_id,
        source_kind=source_kind,
        source_id=source_id,
        currency=currency,
        owed_cents=amount_cents,
        provider=provider,
        payment_reference=payment_reference,
        detail=detail,
    )


def record_event(
    payout: Payout,
    kind: PayoutEventKind,
    *,
    held: int = 0,
    transferred: int = 0,
    direct: int = 0,
    transfer_id: int | None = None,
    detail: str = "",
    key: str | None = None,
) -> PayoutEvent:
    """One ledger row, and the payout's balances moved by it (the row is the truth).

    `key` (unique) defaults to the source and the row's number; transfers pass their own.
    """
    if key is None:
        count = db.session.scalar(
            select(func.count()).select_from(PayoutEvent).where(PayoutEvent.payout_id == payout.id)
        )
        key = f"{payout.source_kind.value}:{payout.source_id}:{count + 1}"
    owner = {"payout_id": payout.id} if payout.id is not None else {"payout": payout}  # new
    event = PayoutEvent(
        **owner,
        key=key,
        kind=kind,
        held_delta=held,
        transferred_delta=transferred,
        direct_delta=direct,
        transfer_id=transfer_id,
        detail=detail[:200],
    )
    db.session.add(event)
    payout.held_cents += held
    payout.transferred_cents += transferred
    payout.direct_cents += direct
    return event
