"""Applying what a provider's webhook says, now (in the request) or later (from the inbox).

A trigger names a payment to fetch again (and, for a connected account, the account); the
payment is then applied through the one status path. As JSON, a trigger is what the inbox
stores: plain values, with the chargebacks a Stripe dispute brought along.
"""

import hashlib
import json
import logging
from dataclasses import asdict

from marketplace import signals
from marketplace.donations.payment_kinds import refresh_any
from marketplace.donations.providers.base import ProviderChargeback, WebhookTrigger
from marketplace.payouts.accounts import find_by_account_id

log = logging.getLogger(__name__)


def apply_trigger(provider: str, trigger: WebhookTrigger) -> None:
    """A payment is fetched again; news from a connected account goes to whoever follows it.

    An account the platform does not know (another platform's, or one long disconnected) is
    ignored: the provider gets its 200 and nothing changes.
    """
    if trigger.account_id:
        account = find_by_account_id(provider, trigger.account_id)
        if account is None:
            log.info("%s webhook for an unknown connected account ignored", provider)
            return
        if not trigger.payment_id:
            signals.notify(signals.payout_account_event, provider=provider, account_pk=account.id)
            return
    refresh_any(
        provider, trigger.payment_id, source="webhook", extra_chargebacks=trigger.chargebacks
    )


def trigger_to_json(trigger: WebhookTrigger) -> dict:
    return {
        "payment_id": trigger.payment_id,
        "account_id": trigger.account_id,
        "chargebacks": [asdict(chargeback) for chargeback in trigger.chargebacks],
    }


def trigger_from_json(data: dict) -> WebhookTrigger:
    return WebhookTrigger(
        data["payment_id"],
        tuple(ProviderChargeback(**chargeback) for chargeback in data.get("chargebacks", ())),
        data.get("account_id"),
    )


def trigger_key(data: dict) -> str:
    """The same trigger twice (a provider's retry) has the same key: it waits once in the inbox."""
    return hashlib.sha256(json.dumps(data, sort_keys=True).encode()).hexdigest()
