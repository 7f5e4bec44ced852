"""The one status path: how a provider's answer about a payment becomes a gift's status and money.

The rule that keeps every cent accounted for: **only `apply_payment_status` changes a
contribution's money or status**, inside one transaction, holding the contribution's row lock,
allowing only the transitions in `models.TRANSITIONS`, and writing one ledger row per provider fact
under a unique key (a replayed webhook finds the key and changes nothing). After its commit it
sends `signals.contribution_changed` when the status or the money did change. Provider calls
(network) happen *outside* that lock (`refresh_payment`); their answers are then applied through it.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, replace
from datetime import timedelta

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError, OperationalError

from marketplace import signals
from marketplace.db import get_for_update
from marketplace.donations import recurring, routing
from marketplace.donations.ledger import (
    Ledger,
    apply_chargeback,
    apply_refund,
    flag_below_zero,
    rebalance_platform_part,
    record_platform_part,
    settle_paid_status,
)
from marketplace.donations.models import (
    PAID_FAMILY,
    UNPAID_FINAL,
    Contribution,
    ContributionStatus,
    EventKind,
    Flag,
    RecurringGift,
    can_transition,
)
from marketplace.donations.providers import get_provider
from marketplace.donations.providers.base import (
    ConnectedAccount,
    PaymentProvider,
    ProviderChargeback,
    ProviderError,
    ProviderPayment,
    ProviderRejected,
    ProviderUnavailable,
)
from marketplace.donations.queries import find_contribution
from marketplace.donations.receipts import send_receipt
from marketplace.errors import NotFound, ServiceUnavailable
from marketplace.extensions import db
from marketplace.money import format_cents
from marketplace.timeutil import as_utc, utcnow

log = logging.getLogger(__name__)

# How often the return page's polling may ask the provider again.
STATUS_REFRESH_INTERVAL = timedelta(seconds=5)


@dataclass
class ApplyResult:
    contribution_id: int
    changed: bool = False
    newly_paid: bool = False
    flagged: bool = False
    recurring_gift_id: int | None = None  # read under the lock: no reload after the commit


def lock_contribution(contribution_id: int) -> Contribution | None:
    """Start a write transaction and lock the contribution's row (503 when the lock times out)."""
    if db.session().in_transaction():
        db.session.commit()
    timeout_ms = int(current_app.config.get("PAYMENT_LOCK_TIMEOUT_MS", 5000))
    try:
        if db.engine.dialect.name == "sqlite":
            db.session.connection(execution_options={"sqlite_begin_immediate": True})
        else:
            db.session.execute(text(f"SET LOCAL lock_timeout = {timeout_ms}"))
        return get_for_update(Contribution, contribution_id)
    except OperationalError as error:
        db.session.rollback()
        log.warning("lock on contribution %s timed out: %s", contribution_id, error)
        raise ServiceUnavailable(_("Busy; please try again.")) from error


def apply_payment_status(
    contribution_id: int, payment: ProviderPayment, source: str = "webhook"
) -> ApplyResult:
    """Apply the provider's answer to one contribution: locked, idempotent, forwards only.

    A unique-key conflict at commit (a concurrent writer) is retried from the start: the replayed
    facts are then found and skipped. If it keeps conflicting, 503 so the provider retries later;
    a payment is never silently dropped. After the commit, `signals.contribution_changed` is sent
    when the status or the money changed (never for a replay that changed nothing).
    """
    for _attempt in range(3):
        try:
            result, change = _apply_payment_status(contribution_id, payment, source)
        except IntegrityError as error:
            db.session.rollback()
            log.warning("apply on contribution %s conflicted, retrying: %s", contribution_id, error)
            continue
        if change is not None:
            signals.notify(signals.contribution_changed, **change)
        return result
    raise ServiceUnavailable(_("Busy; please try again."))


def _apply_payment_status(
    contribution_id: int, payment: ProviderPayment, source: str
) -> tuple[ApplyResult, dict | None]:
    """One locked attempt; returns the result and, when something changed, the signal's facts."""
    result = ApplyResult(contribution_id)
    contribution = lock_contribution(contribution_id)
    if contribution is None:
        db.session.rollback()
        raise NotFound()
    before = _status_and_money(contribution)
    result.recurring_gift_id = contribution.recurring_gift_id
    ledger = Ledger(contribution, source)
    contribution.checked_at = utcnow()
    if payment.reference and not contribution.provider_reference:
        contribution.provider_reference = payment.reference
    if _does_not_match(contribution, payment, ledger):
        result.flagged = ledger.flagged
        db.session.commit()
        return result, None

    result.changed, result.newly_paid = _apply_status(contribution, payment, ledger)
    if contribution.status in PAID_FAMILY:
        for refund in payment.refunds:
            result.changed |= apply_refund(contribution, refund, ledger)
        for chargeback in payment.chargebacks:
            result.changed |= apply_chargeback(contribution, chargeback, ledger)
        rebalance_platform_part(contribution, ledger)
        settle_paid_status(contribution)
        flag_below_zero(contribution, ledger)
    result.flagged = ledger.flagged
    change = None
    if _status_and_money(contribution) != before:
        routing.settle_gift_payout(contribution)  # in this transaction: money and payout agree
        change = _change_facts(contribution, result.newly_paid)
    db.session.commit()
    return result, change


def _status_and_money(contribution: Contribution) -> tuple:
    return (
        contribution.status,
        contribution.paid_at,
        contribution.refunded_cents,
        contribution.charged_back_cents,
    )


def _change_facts(contribution: Contribution, newly_paid: bool) -> dict:
    """The keyword arguments of `signals.contribution_changed`: plain values, read before commit."""
    return {
        "contribution_id": contribution.id,
        "initiative_id": contribution.initiative_id,
        "user_id": contribution.user_id,
        "organisation_id": contribution.organisation_id,
        "paid_at": as_utc(contribution.paid_at) if contribution.paid_at else None,
        "newly_paid": newly_paid,
    }


def _does_not_match(contribution: Contribution, payment: ProviderPayment, ledger: Ledger) -> bool:
    """A payment for another contribution, or paid with another amount: flagged, not credited."""
    claimed = str(payment.metadata.get("contribution_id") or "")
    if claimed and claimed != str(contribution.id):
        ledger.flag(Flag.METADATA_MISMATCH, f"provider metadata names contribution {claimed}")
        return True
    if ContributionStatus(payment.status) == ContributionStatus.PAID and (
        payment.amount_cents != contribution.charged_cents
        or payment.currency.upper() != contribution.currency
    ):
        ledger.flag(
            Flag.AMOUNT_MISMATCH,
            f"asked {format_cents(contribution.charged_cents)} {contribution.currency}, "
            f"provider reports {format_cents(payment.amount_cents)} {payment.currency.upper()}",
        )
        return True
    return False


def _apply_status(
    contribution: Contribution, payment: ProviderPayment, ledger: Ledger
) -> tuple[bool, bool]:
    """Move the status forwards if the table allows it; returns (changed, newly paid)."""
    status = ContributionStatus(payment.status)
    old = contribution.status
    if status == ContributionStatus.PAID:
        if old in PAID_FAMILY:
            return False, False
        contribution.status = ContributionStatus.PAID
        contribution.paid_at = payment.paid_at or utcnow()
        if payment.method:
            contribution.method = payment.method[:30]
        ledger.record(
            f"{ledger.prefix}:paid",
            EventKind.PAYMENT,
            contribution.charged_cents,
            from_status=old.value,
            to_status=ContributionStatus.PAID.value,
        )
        record_platform_part(contribution, ledger)
        if old in UNPAID_FINAL:
            ledger.flag(Flag.LATE_PAYMENT, f"paid after the gift was marked {old.value}")
        return True, True
    if status != old and can_transition(old, status):
        contribution.status = status
        ledger.record(
            f"{ledger.prefix}:status:{status.value}",
            EventKind.STATUS,
            from_status=old.value,
            to_status=status.value,
        )
        return True, False
    # Anything else (a late "expired" after "paid", "open" after "pending", ...) changes nothing.
    return False, False


# --------------------------------------------------------------------- refreshing payments
def refresh_payment(
    provider_name: str,
    payment_id: str,
    source: str = "webhook",
    extra_chargebacks: tuple[ProviderChargeback, ...] = (),
) -> ApplyResult | None:
    """Ask the provider about a payment and apply the answer; None for an id nobody knows.

    Raises ServiceUnavailable when the provider cannot be reached or the row lock times out.
    """
    provider = get_provider(provider_name)
    contribution = find_contribution(provider_name, payment_id)
    fetch_id = contribution.provider_payment_id if contribution else payment_id
    account = routing.connected_account(contribution) if contribution else None
    contribution_id = contribution.id if contribution else None
    db.session.rollback()  # no transaction held open during the network call
    payment = _fetch_payment(provider, fetch_id, account)
    if payment is None:
        return None
    if extra_chargebacks:
        payment = replace(payment, chargebacks=(*payment.chargebacks, *extra_chargebacks))
    if contribution_id is None:
        found = find_contribution(provider_name, payment.payment_id) or (
            recurring.contribution_for_subscription_payment(provider_name, payment)
        )
        if found is None:
            return None
        contribution_id = found.id
    result = apply_payment_status(contribution_id, payment, source)
    if payment.subscription_id and payment.first_of_subscription:
        recurring.link_subscription(result.contribution_id, payment)
    after_apply(result)
    return result


def _fetch_payment(
    provider: PaymentProvider, payment_id: str, account: ConnectedAccount | None = None
) -> ProviderPayment | None:
    try:
        return provider.fetch_payment(payment_id, account)
    except ProviderUnavailable as error:
        raise ServiceUnavailable(_("The payment service is not reachable right now.")) from error
    except ProviderRejected:
        return None


def after_apply(result: ApplyResult) -> None:
    """Work that follows a committed status change: the receipt, the monthly subscription."""
    if not result.newly_paid:
        return
    send_receipt(result.contribution_id)
    if result.recurring_gift_id is None:  # a one-off gift: nothing to load
        return
    gift = db.session.get(RecurringGift, result.recurring_gift_id)
    if gift is not None and gift.first_contribution_id == result.contribution_id:
        try:
            recurring.activate_recurring_gift(gift.id)
        except ServiceUnavailable:
            log.warning("monthly gift %s not activated yet; reconcile retries", gift.id)


def refresh_for_donor(contribution: Contribution, source: str = "return") -> Contribution:
    """The donor's return (and the status polling) triggers the same refresh; errors are quiet."""
    if contribution.provider_payment_id and not contribution.status.is_paid_family:
        try:
            refresh_payment(contribution.provider, contribution.provider_payment_id, source)
        except (ServiceUnavailable, ProviderError) as error:
            log.info("refresh of contribution %s postponed: %s", contribution.id, error)
            db.session.rollback()
    return db.session.get(Contribution, contribution.id)


def poll_status(contribution: Contribution) -> Contribution:
    """Status for the return page's polling; asks the provider at most every few seconds."""
    checked = contribution.checked_at
    if not contribution.status.is_final and (
        checked is None or as_utc(checked) < utcnow() - STATUS_REFRESH_INTERVAL
    ):
        return refresh_for_donor(contribution, "poll")
    return contribution
