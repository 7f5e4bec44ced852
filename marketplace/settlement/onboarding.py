"""Connecting an initiative's own provider account and following its onboarding.

The provider does the identity checks (Stripe's Express onboarding, Mollie's own onboarding);
this module sends the owner there, stores the connection, and asks the provider for the state
when the owner returns, when a webhook says the account changed, and from the scheduled job.
The moment an account becomes active, the money the platform held for the initiative is
transferred (`transfers.transfer_held`).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import select

from marketplace.accounts.models import User
from marketplace.donations.providers import get_provider
from marketplace.donations.providers.base import (
    ConnectRequest,
    NotSupported,
    PaymentProvider,
    ProviderRejected,
    ProviderUnavailable,
)
from marketplace.donations.routing import as_connected
from marketplace.donations.urls import path_for, public_url
from marketplace.errors import InvalidInput, InvalidTransition, NotFound, ServiceUnavailable
from marketplace.extensions import db
from marketplace.initiatives.models import Initiative
from marketplace.payouts import accounts
from marketplace.payouts.models import AccountStatus, PayoutAccount
from marketplace.settlement import transfers

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class PendingConnect:
    """What the owner's session remembers while they are at the provider."""

    initiative_id: int
    provider: str
    state: str

    def as_dict(self) -> dict:
        return {"initiative_id": self.initiative_id, "provider": self.provider, "state": self.state}


def connect_provider() -> PaymentProvider:
    """The configured provider, when it can pay initiatives' own accounts."""
    provider = get_provider()
    if not provider.supports_connect:
        raise InvalidInput(_("Payouts to your own account are not available with this provider."))
    return provider


def _request(initiative: Initiative, user: User) -> ConnectRequest:
    return ConnectRequest(
        initiative_id=initiative.id,
        name=initiative.legal_name or initiative.name,
        email=user.email,
        return_url=public_url(path_for("settlement.connect_return")),
        refresh_url=public_url(path_for("settlement.connect", slug=initiative.slug)),
        locale=user.locale or "nl",
    )


def start_connect(initiative: Initiative, user: User) -> tuple[str, PendingConnect]:
    """Where to send the owner to connect (or continue onboarding), and what to remember."""
    provider = connect_provider()
    existing = accounts.account_for(initiative.id, provider.name)
    account_id = existing.account_id if existing is not None else None
    if existing is not None and existing.status == AccountStatus.DISCONNECTED:
        account_id = None
    try:
        start = provider.start_connect(_request(initiative, user), account_id)
    except ProviderUnavailable as error:
        raise ServiceUnavailable(_("The payment service is not reachable right now.")) from error
    except (ProviderRejected, NotSupported) as error:
        raise InvalidInput(_("The payment service refused: %(e)s", e=str(error))) from error
    if start.account_id and start.account_id != account_id:
        accounts.save_connection(
            initiative.id, provider.name, start.account_id, name=initiative.name, user_id=user.id
        )
    return start.url, PendingConnect(initiative.id, provider.name, start.state)


def finish_connect(pending: PendingConnect, user: User, args: dict) -> PayoutAccount:
    """The owner is back from the provider: store what it established, then ask its state."""
    initiative = db.session.get(Initiative, pending.initiative_id)
    if initiative is None or not initiative.can_edit(user):
        raise NotFound()
    provider = get_provider(pending.provider)
    if pending.state:  # OAuth (Mollie): exchange the code for the organisation's tokens
        return_url = public_url(path_for("settlement.connect_return"))
        try:
            result = provider.finish_connect(args, pending.state, return_url)
        except ProviderUnavailable as error:
            raise ServiceUnavailable(
                _("The payment service is not reachable right now.")
            ) from error
        except ProviderRejected as error:
            raise InvalidInput(_("The connection was not made: %(e)s", e=str(error))) from error
        owner = accounts.find_by_account_id(provider.name, result.account_id)
        if owner is not None and owner.initiative_id != initiative.id:
            raise InvalidInput(_("This account is already connected to another initiative."))
        accounts.save_connection(
            initiative.id, provider.name, result.account_id, profile_id=result.profile_id or "",
            token=result.token, name=result.name, user_id=user.id,
        )  # fmt: skip
    account = accounts.account_for(initiative.id, provider.name)
    if account is None:
        raise NotFound()
    return refresh_account(account.id)


def refresh_account(account_pk: int) -> PayoutAccount:
    """Ask the provider for the account's state; held money follows once it is active."""
    account = db.session.get(PayoutAccount, account_pk)
    if account is None or account.status == AccountStatus.DISCONNECTED:
        return account
    provider = get_provider(account.provider)
    connected = as_connected(account)
    db.session.rollback()  # no transaction open during the network call
    try:
        state = provider.fetch_account(connected)
    except ProviderUnavailable as error:
        raise ServiceUnavailable(_("The payment service is not reachable right now.")) from error
    except ProviderRejected as error:
        log.warning("payout account %s refused by %s: %s", account_pk, provider.name, error)
        return accounts.disconnect(account_pk)
    try:
        account, became_active = accounts.update_state(
            account_pk,
            AccountStatus(state.status),
            requirements="\n".join(state.requirements),
            name=state.name,
            onboarding_url=state.onboarding_url or "",
        )
    except InvalidTransition:
        log.error("payout account %s: unexpected state %s", account_pk, state.status)
        return db.session.get(PayoutAccount, account_pk)
    if became_active or account.is_active:
        transfers.transfer_held_quietly(account.initiative_id)
    return db.session.get(PayoutAccount, account_pk)


def refresh_pending_accounts() -> int:
    """Ask about every account still onboarding (Mollie sends no webhook for that). The job."""
    provider_name = current_app.config["PAYMENT_PROVIDER"]
    ids = db.session.scalars(
        select(PayoutAccount.id).where(
            PayoutAccount.provider == provider_name,
            PayoutAccount.status.in_(
                [AccountStatus.PENDING, AccountStatus.IN_REVIEW, AccountStatus.RESTRICTED]
            ),
        )
    ).all()
    changed = 0
    for account_pk in ids:
        before = db.session.get(PayoutAccount, account_pk).status
        try:
            after = refresh_account(account_pk).status
        except ServiceUnavailable:
            db.session.rollback()
            continue
        changed += int(after != before)
    return changed
