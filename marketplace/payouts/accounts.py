"""Initiatives' payout accounts: finding them, saving a connection, following their onboarding.

No provider is called here (that is `settlement.onboarding`); these functions keep the record and
its state machine (`ACCOUNT_TRANSITIONS`).
"""

from __future__ import annotations

import json
import logging

from sqlalchemy import select, update

from marketplace.errors import InvalidTransition
from marketplace.extensions import db
from marketplace.payouts.models import ACCOUNT_TRANSITIONS, AccountStatus, PayoutAccount
from marketplace.timeutil import utcnow

log = logging.getLogger(__name__)


def account_for(initiative_id: int, provider: str) -> PayoutAccount | None:
    """The initiative's account at `provider` (in whatever state), or None."""
    return db.session.scalar(
        select(PayoutAccount).where(
            PayoutAccount.initiative_id == initiative_id, PayoutAccount.provider == provider
        )
    )


def active_account(initiative_id: int, provider: str) -> PayoutAccount | None:
    """The account payments can be routed to: connected and fully onboarded."""
    account = account_for(initiative_id, provider)
    return account if account is not None and account.is_active else None


def find_by_account_id(provider: str, account_id: str) -> PayoutAccount | None:
    """The account a provider's id (acct_..., org_...) belongs to; None when we do not know it."""
    if not account_id:
        return None
    return db.session.scalar(
        select(PayoutAccount).where(
            PayoutAccount.provider == provider, PayoutAccount.account_id == account_id
        )
    )


def save_connection(
    initiative_id: int,
    provider: str,
    account_id: str,
    *,
    profile_id: str = "",
    token: dict | None = None,
    name: str = "",
    user_id: int | None = None,
) -> PayoutAccount:
    """Store a new (or renewed) connection; onboarding starts as pending. Commits."""
    account = account_for(initiative_id, provider)
    if account is None:
        account = PayoutAccount(initiative_id=initiative_id, provider=provider)
        db.session.add(account)
    elif account.status == AccountStatus.DISCONNECTED:
        account.status = AccountStatus.PENDING
    account.account_id = account_id
    account.profile_id = profile_id or account.profile_id
    account.oauth_token = json.dumps(token) if token else account.oauth_token
    account.name = name or account.name
    account.connected_by_id = user_id
    db.session.commit()
    return account


def token_of(account: PayoutAccount) -> dict | None:
    """The account's stored OAuth token (Mollie), or None."""
    return json.loads(account.oauth_token) if account.oauth_token else None


def store_token(account_pk: int, token: dict) -> None:
    """Keep a refreshed OAuth token (called by the provider client while it refreshes). Commits."""
    db.session.execute(
        update(PayoutAccount)
        .where(PayoutAccount.id == account_pk)
        .values(oauth_token=json.dumps(token), updated_at=utcnow())
    )
    db.session.commit()


def update_state(
    account_pk: int,
    status: AccountStatus,
    *,
    requirements: str = "",
    name: str = "",
    onboarding_url: str = "",
) -> tuple[PayoutAccount, bool]:
    """Apply the provider's view of the account; returns (account, became active). Commits.

    A state the transition table does not allow is an error; an unchanged state is a no-op.
    """
    account = db.session.get(PayoutAccount, account_pk)
    old = account.status
    if status != old and status not in ACCOUNT_TRANSITIONS[old]:
        raise InvalidTransition(f"payout account {account.id}: {old} → {status}")
    account.status = status
    account.requirements = requirements[:2000]
    account.onboarding_url = onboarding_url[:500]
    account.name = name or account.name
    account.checked_at = utcnow()
    became_active = status == AccountStatus.ACTIVE and old != AccountStatus.ACTIVE
    if became_active:
        account.activated_at = utcnow()
    db.session.commit()
    if status != old:
        log.info("payout account %s: %s → %s", account.id, old.value, status.value)
    return account, became_active


def disconnect(account_pk: int) -> PayoutAccount:
    """The connection was revoked: no more payments are routed to it; tokens are forgotten."""
    account = db.session.get(PayoutAccount, account_pk)
    account.status = AccountStatus.DISCONNECTED
    account.oauth_token = ""
    account.checked_at = utcnow()
    db.session.commit()
    return account
