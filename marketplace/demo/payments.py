"""Paying as a donor pays, at a moment in the past.

A demo gift takes the path of a real one: `checkout.start_checkout` with the payment simulator,
the payer's choice on the simulator's side, then the one status path
(`status.apply_payment_status`, with the provider's answer: paid at a past date) and what follows
a webhook (`status.after_apply`: the receipt, the monthly subscription). Refunds go through the
admin's refund service, chargebacks arrive as the provider reports them (`ProviderChargeback`),
and each later payment of a monthly gift as the subscription payment a provider announces. So for
every demo gift, paid − refunded − charged back equals the sum of its ledger rows, and the
figures follow through `signals.contribution_changed` like for any gift.

The simulator keeps its "provider side" in the `simulator_payments` table; the demo, playing the
payer and the provider's clock, sets the moment of payment there before the app asks about it.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from flask import current_app

from marketplace.accounts.models import User
from marketplace.donations.checkout import start_checkout
from marketplace.donations.models import Contribution, RecurringGift
from marketplace.donations.providers.base import ProviderChargeback, ProviderPayment
from marketplace.donations.providers.simulator import SimulatorProvider
from marketplace.donations.recurring import contribution_for_subscription_payment
from marketplace.donations.refunds import refund_contribution
from marketplace.donations.simulator_state import SimulatorPayment
from marketplace.donations.status import after_apply, apply_payment_status
from marketplace.errors import NotAllowed
from marketplace.extensions import db
from marketplace.initiatives.models import Initiative
from marketplace.money import format_cents

SOURCE = "demo"


@dataclass(frozen=True)
class Gift:
    """One planned gift: to the initiative at `initiative` (its index in the demo list)."""

    initiative: int
    cents: int
    days_ago: int
    outcome: str = "paid"  # or what else the payer picks on the simulator: failed, canceled
    anonymous: bool = False
    message: str = ""
    method: str = "ideal"
    refund_cents: int = 0  # refunded by the admin afterwards
    chargeback_cents: int = 0  # charged back by the payer's bank afterwards


@dataclass(frozen=True)
class Monthly:
    """A planned monthly gift to the initiative at `initiative`, paid `months` times so far."""

    initiative: int
    cents: int
    months: int

    def days_ago(self, number: int) -> int:
        """When its `number`-th payment (0 = the first) was made: mid-month, a month apart."""
        return 30 * (self.months - number) - 15


@contextmanager
def simulated_payments() -> Iterator[None]:
    """Pay through the simulator whatever provider is configured (it is refused in production).

    The demo's gifts never reach a real provider; the setting is restored afterwards.
    """
    config = current_app.config
    require_simulator()
    configured = config["PAYMENT_PROVIDER"]
    config["PAYMENT_PROVIDER"] = SimulatorProvider.name
    try:
        yield
    finally:
        config["PAYMENT_PROVIDER"] = configured


def require_simulator() -> None:
    """The demo pays through the simulator, so it is refused where the simulator is."""
    if not SimulatorProvider.is_configured(current_app.config):
        raise NotAllowed("The demo pays through the payment simulator, refused in production.")


def simulator() -> SimulatorProvider:
    return SimulatorProvider(current_app.config)


def _pay_at_simulator(payment_id: str, outcome: str, paid_at: datetime) -> ProviderPayment:
    """The payer's choice on the simulator page, made at `paid_at`; the provider's answer."""
    provider = simulator()
    provider.choose(payment_id, outcome)
    if outcome == "paid":
        db.session.get(SimulatorPayment, payment_id).paid_at = paid_at
        db.session.commit()
    return provider.fetch_payment(payment_id)


def give(
    donor: User,
    initiative: Initiative,
    gift: Gift,
    now: datetime,
    admin: User | None = None,
    organisation_id: int | None = None,
    interval: str = "once",
) -> Contribution:
    """Give as `donor` (for an organisation, or monthly) and settle the payment `days_ago`."""
    contribution = start_checkout(
        donor,
        initiative.id,
        format_cents(gift.cents),
        method=gift.method,
        interval=interval,
        anonymous=gift.anonymous,
        message=gift.message,
        organisation_id=organisation_id,
        locale=donor.locale,
    )
    paid_at = now - timedelta(days=gift.days_ago)
    answer = _pay_at_simulator(contribution.provider_payment_id, gift.outcome, paid_at)
    after_apply(apply_payment_status(contribution.id, answer, source=SOURCE))
    if gift.refund_cents and admin is not None:
        refund_contribution(admin, contribution.id, format_cents(gift.refund_cents))
    if gift.chargeback_cents:
        charge_back(contribution.id, gift.chargeback_cents)
    return db.session.get(Contribution, contribution.id)


def charge_back(contribution_id: int, cents: int) -> None:
    """The payer's bank reverses (part of) the payment; the provider reports it with the payment."""
    contribution = db.session.get(Contribution, contribution_id)
    answer = simulator().fetch_payment(contribution.provider_payment_id)
    chargeback = ProviderChargeback(
        f"chb_demo_{contribution_id}", cents, contribution.currency, reason="AC06 disputed"
    )
    apply_payment_status(contribution_id, replace(answer, chargebacks=(chargeback,)), SOURCE)


def collect_monthly(gift: RecurringGift, number: int, paid_at: datetime) -> Contribution:
    """The `number`-th later payment of a running monthly gift, as its provider announces it.

    The provider collects it (a row on the simulator's side), the app turns the subscription
    payment into its own contribution and applies it through the one status path.
    """
    payment_id = f"sim_demo_sub_{gift.id}_{number:03d}"
    payment = ProviderPayment(
        payment_id=payment_id,
        status="paid",
        amount_cents=gift.amount_cents,
        currency=gift.currency,
        method="directdebit",
        paid_at=paid_at,
        customer_id=gift.provider_customer_id,
        subscription_id=gift.provider_subscription_id,
    )
    contribution = contribution_for_subscription_payment(SimulatorProvider.name, payment)
    db.session.add(
        SimulatorPayment(
            id=payment_id,
            idempotency_key=f"demo-subscription-{gift.id}-{number}",
            amount_cents=gift.amount_cents,
            currency=gift.currency,
            description=f"Monthly gift #{gift.id}",
            method="directdebit",
            status="paid",
            contribution_id=contribution.id,
            created_at=paid_at,
            paid_at=paid_at,
        )
    )
    db.session.commit()
    after_apply(apply_payment_status(contribution.id, payment, source=SOURCE))
    return contribution
