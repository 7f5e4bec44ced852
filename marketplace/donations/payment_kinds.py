"""Payments that are not gifts, through the same providers and webhooks (investments'
subscriptions). A domain above donations registers a `PaymentKind` in the app factory; a
webhook or the simulator hands each payment id to the kind that owns it, and to the gifts'
status path otherwise. So there is still one webhook URL per provider, and donations imports
nothing above itself.
"""

from collections.abc import Callable
from dataclasses import dataclass

from flask import Flask, current_app

from marketplace.donations import status
from marketplace.donations.providers.base import ProviderChargeback

EXTENSION = "payment_kinds"


@dataclass(frozen=True)
class PaymentKind:
    name: str
    owns: Callable[[str, str], bool]  # (provider, payment id) -> is it one of ours?
    refresh: Callable[..., object]  # (provider, payment id, source, extra_chargebacks)


def set_payment_kinds(app: Flask, kinds: tuple[PaymentKind, ...]) -> None:
    app.extensions[EXTENSION] = kinds


def refresh_any(
    provider: str,
    payment_id: str,
    source: str = "webhook",
    extra_chargebacks: tuple[ProviderChargeback, ...] = (),
):
    """Refresh a payment through the kind that owns it; gifts otherwise."""
    for kind in current_app.extensions.get(EXTENSION, ()):
        if kind.owns(provider, payment_id):
            return kind.refresh(provider, payment_id, source, extra_chargebacks)
    return status.refresh_payment(provider, payment_id, source, extra_chargebacks)
