"""Where a gift's money goes: straight to the initiative's own provider account once it has
finished onboarding (with the platform's tip and fee as the application fee), otherwise to the
platform, which holds the initiative's share in its payout ledger until it can transfer it.
"""

from __future__ import annotations

from functools import partial

from marketplace.donations.models import Contribution, Interval
from marketplace.donations.providers import PROVIDERS
from marketplace.donations.providers.base import ConnectedAccount, Destination, PaymentProvider
from marketplace.payouts import accounts, ledger
from marketplace.payouts.models import PayoutAccount, SourceKind


def as_connected(account: PayoutAccount) -> ConnectedAccount:
    """What a provider needs to act for the account (refreshed OAuth tokens are stored again)."""
    return ConnectedAccount(
        account_id=account.account_id,
        profile_id=account.profile_id or None,
        token=accounts.token_of(account),
        on_token=partial(accounts.store_token, account.id),
    )


def destination_for(
    provider: PaymentProvider, initiative_id: int, interval: Interval, application_fee_cents: int
) -> Destination | None:
    """The initiative's active account, for a one-off gift with a provider that routes payments.

    Monthly gifts are always received by the platform and routed per payment (a subscription's
    application fee can only be a percentage, which would not be exact to the cent).
    """
    if interval != Interval.ONCE or not provider.supports_connect:
        return None
    account = accounts.active_account(initiative_id, provider.name)
    if account is None:
        return None
    return Destination(as_connected(account), application_fee_cents)


def connected_account(contribution: Contribution) -> ConnectedAccount | None:
    """The account a direct payment lives in (its provider calls need that account's access)."""
    if not contribution.destination_account:
        return None
    account = accounts.find_by_account_id(contribution.provider, contribution.destination_account)
    return as_connected(account) if account is not None else None


def direct_cents(contribution: Contribution) -> int:
    """What the payment moved in and out of the initiative's own account.

    The provider pays it the share (the payment minus the application fee); a refund or chargeback
    comes out of that account where the provider debits it (Mollie), and out of the platform's
    balance where the provider does (Stripe destination charges).
    """
    if not contribution.destination_account or contribution.paid_at is None:
        return 0
    share = contribution.amount_cents - contribution.fee_cents
    provider = PROVIDERS.get(contribution.provider)
    if provider is not None and provider.refunds_from_connected_account:
        share -= contribution.refunded_cents + contribution.charged_back_cents
    return share


def settle_gift_payout(contribution: Contribution) -> None:
    """Bring the gift's payout in line with its money (inside the status path's transaction)."""
    ledger.settle_source(
        initiative_id=contribution.initiative_id,
        source_kind=SourceKind.GIFT,
        source_id=contribution.id,
        currency=contribution.currency,
        owed_cents=contribution.net_cents,
        direct_cents=direct_cents(contribution),
        provider=contribution.provider,
        payment_reference=contribution.provider_payment_id,
        account_id=contribution.destination_account,
        detail=contribution.status.value,
    )
