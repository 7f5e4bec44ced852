"""The one status path of subscription payments, as gifts have theirs (`donations.status`).

Only `apply_payment` changes a subscription's money: in one transaction, holding the offer's
row lock and then the subscription's (always in that order, as closing and subscribing do, so
none of them can deadlock or miss another), allowing only the transitions of
`SUBSCRIPTION_TRANSITIONS`, and writing one ledger row per provider fact under a unique key.
Provider calls (network) happen outside the locks; their answers go through `apply_payment`.

A payment that arrives when the offer no longer takes it (closed, or the subscription revoked
or expired) is recorded, flagged, and refunded: whatever is owed goes back through `settle_refund`,
idempotently (the provider gets the same key for the same refund), also after a crash.
"""

import logging
from dataclasses import dataclass, replace

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import or_, select, text
from sqlalchemy.exc import IntegrityError, OperationalError

from marketplace.db import get_for_update
from marketplace.donations.providers import get_provider
from marketplace.donations.providers.base import (
    ProviderChargeback,
    ProviderPayment,
    ProviderPaymentRef,
    ProviderRejected,
    ProviderUnavailable,
)
from marketplace.errors import InvalidTransition, NotFound, ServiceUnavailable
from marketplace.extensions import db
from marketplace.investments.ledger import InvestorLedger, apply_chargeback, apply_refund
from marketplace.investments.models import (
    EntryKind,
    Offer,
    OfferStatus,
    Subscription,
    SubscriptionStatus,
    can_transition,
)
from marketplace.timeutil import to_amsterdam, utcnow

log = logging.getLogger(__name__)


@dataclass
class PaymentResult:
    subscription_id: int
    changed: bool = False
    newly_paid: bool = False
    flagged: bool = False


def begin_write() -> None:
    """Start a write transaction: BEGIN IMMEDIATE on SQLite (one writer at a time), a lock
    timeout on PostgreSQL (503 rather than waiting for ever)."""
    if db.session().in_transaction():
        db.session.commit()
    if db.engine.dialect.name == "sqlite":
        db.session.connection(execution_options={"sqlite_begin_immediate": True})
    else:
        timeout_ms = int(current_app.config.get("PAYMENT_LOCK_TIMEOUT_MS", 5000))
        db.session.execute(text(f"SET LOCAL lock_timeout = {timeout_ms}"))


def _locked(model, object_id: int):
    try:
        return get_for_update(model, object_id)
    except OperationalError as error:
        db.session.rollback()
        log.warning("lock on %s %s timed out: %s", model.__tablename__, object_id, error)
        raise ServiceUnavailable(_("Busy; please try again.")) from error


def lock_offer(offer_id: int) -> Offer:
    """A new write transaction holding the offer's row lock (NotFound for an unknown id)."""
    begin_write()
    offer = _locked(Offer, offer_id)
    if offer is None:
        db.session.rollback()
        raise NotFound(_("This offer does not exist."))
    return offer


def lock_subscription(subscription_id: int) -> tuple[Offer, Subscription]:
    """A new write transaction holding the offer's row lock, then the subscription's (503 when
    a lock times out; NotFound for an unknown id)."""
    begin_write()
    offer_id = db.session.scalar(
        select(Subscription.offer_id).where(Subscription.id == subscription_id)
    )
    if offer_id is None:
        db.session.rollback()
        raise NotFound(_("This subscription does not exist."))
    return _locked(Offer, offer_id), _locked(Subscription, subscription_id)


def move(subscription: Subscription, new: SubscriptionStatus, ledger: InvestorLedger) -> None:
    """Change a locked subscription's status along the transition table (409 otherwise)."""
    old = subscription.status
    if old == new:
        return
    if not can_transition(old, new):
        raise InvalidTransition(
            _("A subscription that is %(old)s cannot become %(new)s.", old=old.label, new=new.label)
        )
    subscription.status = new
    ledger.status(old.value, new.value)


def apply_payment(subscription_id: int, payment: ProviderPayment, source: str = "webhook"):
    """Apply the provider's answer to one subscription: locked, idempotent, forwards only.

    A unique-key conflict at commit (a concurrent writer) is retried from the start, where the
    replayed facts are found and skipped; if it keeps conflicting, 503 so the provider retries.
    """
    for _attempt in range(3):
        try:
            return _apply_payment(subscription_id, payment, source)
        except IntegrityError as error:
            db.session.rollback()
            log.warning("apply on subscription %s conflicted, retrying: %s", subscription_id, error)
    raise ServiceUnavailable(_("Busy; please try again."))


def _apply_payment(subscription_id: int, payment: ProviderPayment, source: str) -> PaymentResult:
    result = PaymentResult(subscription_id)
    offer, subscription = lock_subscription(subscription_id)
    ledger = InvestorLedger(subscription, source)
    subscription.checked_at = utcnow()
    if payment.reference and not subscription.provider_reference:
        subscription.provider_reference = payment.reference
    if not _matches(subscription, payment, ledger):
        result.flagged = ledger.flagged
        db.session.commit()
        return result
    if payment.status == "paid" and subscription.paid_at is None:
        _record_paid(offer, subscription, payment, ledger)
        result.changed = result.newly_paid = True
    elif (
        payment.status in ("failed", "canceled", "expired")
        and subscription.status == SubscriptionStatus.OPEN
    ):
        move(subscription, SubscriptionStatus.UNPAID, ledger)
        result.changed = True
    if subscription.paid_at is not None:
        for refund in payment.refunds:
            result.changed |= apply_refund(subscription, refund, ledger)
        for chargeback in payment.chargebacks:
            result.changed |= apply_chargeback(subscription, chargeback, ledger)
    result.flagged = ledger.flagged
    db.session.commit()
    return result


def _matches(subscription: Subscription, payment: ProviderPayment, ledger: InvestorLedger) -> bool:
    """A payment for another subscription, or with another amount: flagged, not credited."""
    claimed = str(payment.metadata.get("subscription_id") or "")
    if claimed and claimed != str(subscription.id):
        ledger.flag("metadata_mismatch", f"provider metadata names subscription {claimed}")
        return False
    if payment.status == "paid" and (
        payment.amount_cents != subscription.amount_cents
        or payment.currency.upper() != subscription.currency
    ):
        ledger.flag(
            "amount_mismatch",
            f"asked {subscription.amount_cents} {subscription.currency}, provider reports "
            f"{payment.amount_cents} {payment.currency.upper()}",
        )
        return False
    return True


def _record_paid(
    offer: Offer, subscription: Subscription, payment: ProviderPayment, ledger: InvestorLedger
) -> None:
    """Paid: reserved while the offer takes it; otherwise recorded, flagged and owed back."""
    paid_at = payment.paid_at or utcnow()
    subscription.paid_at, subscription.paid_cents = paid_at, subscription.amount_cents
    if payment.method:
        subscription.method = payment.method[:30]
    ledger.record(
        f"{ledger.prefix}:paid",
        EntryKind.PAYMENT,
        subscription.amount_cents,
        on=to_amsterdam(paid_at).date(),
    )
    status = subscription.status
    taking = offer.status == OfferStatus.OPEN and utcnow() < offer.closes_at
    if status in (SubscriptionStatus.OPEN, SubscriptionStatus.UNPAID) and taking:
        if status == SubscriptionStatus.UNPAID:
            ledger.flag("late_payment", "paid after the payment was marked failed or expired")
        move(subscription, SubscriptionStatus.RESERVED, ledger)
        return
    if status == SubscriptionStatus.OPEN:
        move(subscription, SubscriptionStatus.UNPAID, ledger)
    ledger.flag("late_payment", f"paid while the subscription was {status.value}: refunded")


# ------------------------------------------------------------------ asking the provider
def find_subscription(provider_name: str, payment_id: str) -> Subscription | None:
    return db.session.scalar(
        select(Subscription).where(
            Subscription.provider == provider_name,
            or_(
                Subscription.provider_payment_id == payment_id,
                Subscription.provider_reference == payment_id,
            ),
        )
    )


def owns_payment(provider_name: str, payment_id: str) -> bool:
    """Whether a provider's payment id is one of ours (the webhook routes it here)."""
    return find_subscription(provider_name, payment_id) is not None


def refresh_payment(
    provider_name: str,
    payment_id: str,
    source: str = "webhook",
    extra_chargebacks: tuple[ProviderChargeback, ...] = (),
) -> PaymentResult | None:
    """Ask the provider about a subscription's payment and apply the answer (then refund what
    is owed); None for an id that is not ours. ServiceUnavailable when the provider is down."""
    subscription = find_subscription(provider_name, payment_id)
    if subscription is None:
        return None
    subscription_id, fetch_id = subscription.id, subscription.provider_payment_id
    db.session.rollback()  # no transaction held open during the network call
    try:
        payment = get_provider(provider_name).fetch_payment(fetch_id)
    except ProviderUnavailable as error:
        raise ServiceUnavailable(_("The payment service is not reachable right now.")) from error
    except ProviderRejected:
        return None
    if payment is None:
        return None
    if extra_chargebacks:
        payment = replace(payment, chargebacks=(*payment.chargebacks, *extra_chargebacks))
    result = apply_payment(subscription_id, payment, source)
    settle_refund(subscription_id, source, quiet=True)
    return result


def refresh_for_investor(subscription: Subscription, source: str = "return") -> Subscription:
    """The investor's return (and polling) triggers the same refresh; errors are quiet."""
    if subscription.provider_payment_id and subscription.status == SubscriptionStatus.OPEN:
        try:
            refresh_payment(subscription.provider, subscription.provider_payment_id, source)
        except ServiceUnavailable as error:
            log.info("refresh of subscription %s postponed: %s", subscription.id, error)
            db.session.rollback()
    return db.session.get(Subscription, subscription.id)


def settle_refund(subscription_id: int, source: str = "refund", *, quiet: bool = False) -> bool:
    """Refund whatever a subscription owes its investor through the provider; True when a refund
    was applied. The key depends only on the state, so a retry after a crash gets the same refund
    back from the provider instead of a second one. `quiet`: a provider failure is logged (the
    closing job's sweep retries) instead of raised."""
    subscription = db.session.get(Subscription, subscription_id)
    owed = subscription.refund_owed_cents if subscription else 0
    if not owed:
        return False
    key = f"subscription-{subscription.id}-refund-{subscription.refunded_cents}-{owed}"
    ref = ProviderPaymentRef(subscription.provider_payment_id, subscription.provider_reference)
    provider_name, currency = subscription.provider, subscription.currency
    answer = dict(
        payment_id=subscription.provider_payment_id, amount_cents=subscription.amount_cents
    )
    db.session.rollback()
    try:
        refund = get_provider(provider_name).create_refund(ref, owed, currency, key)
    except (ProviderUnavailable, ProviderRejected) as error:
        log.warning("refund of subscription %s not made yet: %s", subscription_id, error)
        if quiet:
            return False
        raise ServiceUnavailable(
            _("The payment service is not reachable right now; the refund will follow.")
        ) from error
    payment = ProviderPayment(status="paid", currency=currency, refunds=(refund,), **answer)
    apply_payment(subscription_id, payment, source)
    return True
