"""Reconciliation (the scheduler's `reconcile_payments` job and `payments reconcile`): gifts still
open after their checkout expired are asked about again, unstarted ones expire, monthly gifts whose
first payment was paid get their subscription, and missing receipts are sent."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import Flask, current_app
from sqlalchemy import or_, select

from marketplace.donations.models import (
    PAID_FAMILY,
    UNPAID_FINAL,
    Contribution,
    ContributionStatus,
    RecurringGift,
    RecurringStatus,
)
from marketplace.donations.providers.base import ProviderPayment
from marketplace.donations.receipts import send_receipt
from marketplace.donations.recurring import activate_recurring_gift
from marketplace.donations.status import apply_payment_status, refresh_payment
from marketplace.errors import ServiceUnavailable
from marketplace.extensions import db
from marketplace.timeutil import utcnow


@dataclass
class ReconcileReport:
    checked: int = 0
    changed: int = 0
    unreachable: int = 0
    expired_unstarted: int = 0
    activated: int = 0
    receipts: int = 0


EXTENSION = "payment_reconcile_steps"


def set_extra_steps(app: Flask, steps: tuple[tuple[str, Callable[[], object]], ...]) -> None:
    """Further checks `payments reconcile` runs after the gifts (the app factory lists them:
    the transfers to initiatives, which live above this package)."""
    app.extensions[EXTENSION] = steps


def extra_steps() -> tuple[tuple[str, Callable[[], object]], ...]:
    return current_app.extensions.get(EXTENSION, ())


def reconcile_payments(now: datetime | None = None) -> ReconcileReport:
    """Ask the provider about every contribution still open/pending after its expiry."""
    now = now or utcnow()
    report = ReconcileReport()
    _refresh_stale(now, report)
    report.expired_unstarted = expire_unstarted(now)
    _settle_monthly_gifts(report)
    for contribution_id in db.session.scalars(
        select(Contribution.id).where(
            Contribution.paid_at.is_not(None),
            Contribution.receipt_sent_at.is_(None),
            Contribution.paid_at > now - timedelta(days=7),
        )
    ).all():
        report.receipts += int(send_receipt(contribution_id))
    return report


def _refresh_stale(now: datetime, report: ReconcileReport) -> None:
    stale = db.session.execute(
        select(Contribution.provider, Contribution.provider_payment_id).where(
            Contribution.status.in_([ContributionStatus.OPEN, ContributionStatus.PENDING]),
            Contribution.provider_payment_id.is_not(None),
            or_(
                Contribution.checkout_expires_at < now,
                Contribution.checkout_expires_at.is_(None)
                & (Contribution.created_at < now - timedelta(hours=1)),
            ),
        )
    ).all()
    for provider_name, payment_id in stale:
        report.checked += 1
        try:
            result = refresh_payment(provider_name, payment_id, source="reconcile")
        except ServiceUnavailable:
            db.session.rollback()
            report.unreachable += 1
            continue
        if result and result.changed:
            report.changed += 1


def _settle_monthly_gifts(report: ReconcileReport) -> None:
    """A monthly gift without subscription: started once its first payment is paid, or failed."""
    for gift_id in db.session.scalars(
        select(RecurringGift.id).where(
            RecurringGift.status.in_([RecurringStatus.PENDING, RecurringStatus.FAILED]),
            RecurringGift.provider_subscription_id.is_(None),
        )
    ).all():
        gift = db.session.get(RecurringGift, gift_id)
        first = db.session.get(Contribution, gift.first_contribution_id or 0)
        if first is not None and first.status in PAID_FAMILY:
            try:
                activate_recurring_gift(gift_id)
                report.activated += 1
            except ServiceUnavailable:
                db.session.rollback()
        elif first is not None and first.status in UNPAID_FINAL:
            gift.status = RecurringStatus.FAILED
            db.session.commit()


def expire_unstarted(now: datetime) -> int:
    """Open contributions whose provider call never succeeded expire after an hour."""
    ids = db.session.scalars(
        select(Contribution.id).where(
            Contribution.status == ContributionStatus.OPEN,
            Contribution.provider_payment_id.is_(None),
            Contribution.created_at < now - timedelta(hours=1),
        )
    ).all()
    for contribution_id in ids:
        answer = ProviderPayment(payment_id="", status="expired", amount_cents=0, currency="EUR")
        apply_payment_status(contribution_id, answer, source="reconcile")
    return len(ids)
