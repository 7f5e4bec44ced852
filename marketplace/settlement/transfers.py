"""Sending held money to initiatives, and checking transfers with the provider.

`transfer_held` claims everything the platform holds for an initiative (`payouts.transfers`),
then asks the provider to transfer it with the batch's idempotency key: a timeout leaves the
batch pending and the next run sends it again with the same key (the provider returns the first
transfer); a refusal puts the money back as held. `reconcile_transfers` (the `payouts-transfer`
job, and `payments reconcile`) retries pending batches, compares sent ones with the provider's
own records, checks the application fees of direct gifts, and releases held money of
initiatives whose accounts became active.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import func, select

from marketplace.donations.models import Contribution
from marketplace.donations.providers import get_provider
from marketplace.donations.providers.base import (
    NotSupported,
    ProviderPaymentRef,
    ProviderRejected,
    ProviderUnavailable,
    TransferSource,
)
from marketplace.donations.routing import as_connected, connected_account
from marketplace.errors import ServiceUnavailable
from marketplace.extensions import db
from marketplace.payouts import accounts
from marketplace.payouts import transfers as batches
from marketplace.payouts.models import AccountStatus, Payout, PayoutAccount, Transfer
from marketplace.payouts.models import TransferStatus as Status
from marketplace.settlement.backfill import record_missing_payouts
from marketplace.timeutil import utcnow

log = logging.getLogger(__name__)
CHECK_AGAIN_AFTER = timedelta(hours=6)
CHECK_WINDOW = timedelta(days=30)
MAX_ATTEMPTS = 10


@dataclass
class TransferReport:
    sent: int = 0
    retried: int = 0
    failed: int = 0
    unreachable: int = 0
    checked: int = 0
    flagged: int = 0
    fees_checked: int = 0
    fee_mismatches: int = 0

    def __str__(self) -> str:
        return (
            f"transfers sent {self.sent}, retried {self.retried}, failed {self.failed}, "
            f"unreachable {self.unreachable}, checked {self.checked}, flagged {self.flagged}, "
            f"application fees checked {self.fees_checked}, mismatches {self.fee_mismatches}"
        )


def transfer_held(initiative_id: int) -> Transfer | None:
    """Transfer what the platform holds for the initiative to its active account (or nothing).

    Raises ServiceUnavailable when the provider cannot be reached (the batch stays pending).
    """
    provider_name = current_app.config["PAYMENT_PROVIDER"]
    account = accounts.active_account(initiative_id, provider_name)
    if account is None:
        return None
    record_missing_payouts(initiative_id)
    per_payment = get_provider(provider_name).transfers_per_payment
    transfer = batches.claim_batch(
        initiative_id, provider_name, account.account_id, per_payment=per_payment
    )
    if transfer is None:
        return None
    return send(transfer.id)


def transfer_held_quietly(initiative_id: int) -> Transfer | None:
    """`transfer_held` where a caller must not fail (a webhook, a return page): the job retries."""
    try:
        return transfer_held(initiative_id)
    except ServiceUnavailable:
        db.session.rollback()
        log.warning("transfer to initiative %s postponed: provider unreachable", initiative_id)
        return None


def send(transfer_id: int) -> Transfer:
    """Ask the provider to make a claimed transfer (again: the same key gives the same one)."""
    transfer = db.session.get(Transfer, transfer_id)
    if transfer.status != Status.PENDING:
        return transfer
    account = accounts.find_by_account_id(transfer.provider, transfer.account_id)
    provider = get_provider(transfer.provider)
    sources = tuple(
        TransferSource(part.payment_reference, part.amount_cents)
        for part in batches.transfer_parts(transfer)
    )
    amount, currency, key = transfer.amount_cents, transfer.currency, transfer.idempotency_key
    description = _("Gifts via %(platform)s", platform=current_app.config["PLATFORM_LEGAL_NAME"])
    batches.note_attempt(transfer_id)
    if account is None or account.status == AccountStatus.DISCONNECTED:
        return batches.mark_failed(transfer_id, "the account is no longer connected")
    connected = as_connected(account)
    db.session.rollback()
    try:
        result = provider.create_transfer(connected, amount, currency, sources, key, description)
    except ProviderUnavailable as error:
        raise ServiceUnavailable(_("The payment service is not reachable right now.")) from error
    except (ProviderRejected, NotSupported) as error:
        log.warning("transfer %s refused: %s", transfer_id, error)
        return batches.mark_failed(transfer_id, str(error))
    transfer = batches.mark_paid(transfer_id, result.reference)
    _compare(transfer, result)
    return transfer


def _compare(transfer: Transfer, result) -> bool:
    """Flag a transfer the provider reports differently (amount, account, reversed)."""
    problems = []
    if result.amount_cents != transfer.amount_cents or result.currency != transfer.currency:
        problems.append(f"provider reports {result.amount_cents} {result.currency}")
    if result.account_id and result.account_id != transfer.account_id:
        problems.append(f"sent to {result.account_id}")
    if result.status != "paid":
        problems.append(f"status {result.status}")
    if problems:
        batches.flag_transfer(transfer.id, "; ".join(problems))
        return True
    batches.mark_checked(transfer.id)
    return False


def release_held(report: TransferReport | None = None) -> int:
    """Transfer the held money of every initiative whose account is active."""
    provider_name = current_app.config["PAYMENT_PROVIDER"]
    initiative_ids = db.session.scalars(
        select(Payout.initiative_id)
        .join(
            PayoutAccount,
            (PayoutAccount.initiative_id == Payout.initiative_id)
            & (PayoutAccount.provider == provider_name),
        )
        .where(PayoutAccount.status == AccountStatus.ACTIVE)
        .group_by(Payout.initiative_id)
        .having(func.sum(Payout.held_cents) > 0)
    ).all()
    sent = 0
    for initiative_id in initiative_ids:
        try:
            sent += int(transfer_held(initiative_id) is not None)
        except ServiceUnavailable:
            db.session.rollback()
            if report is not None:
                report.unreachable += 1
    return sent


def reconcile_transfers(now: datetime | None = None) -> TransferReport:
    """Retry pending transfers, check sent ones and direct gifts' fees, release held money."""
    now = now or utcnow()
    report = TransferReport()
    for transfer_id in batches.transfers_to_check(now - CHECK_WINDOW):
        transfer = db.session.get(Transfer, transfer_id)
        if transfer.status == Status.PENDING:
            _retry(transfer, report)
        elif transfer.checked_at is None or transfer.checked_at < now - CHECK_AGAIN_AFTER:
            _check(transfer, report)
    _check_application_fees(now - timedelta(days=1), report)
    report.sent += release_held(report)
    return report


def _retry(transfer: Transfer, report: TransferReport) -> None:
    if transfer.attempts >= MAX_ATTEMPTS:
        batches.flag_transfer(transfer.id, f"still pending after {transfer.attempts} attempts")
        report.flagged += 1
        return
    try:
        result = send(transfer.id)
    except ServiceUnavailable:
        db.session.rollback()
        report.unreachable += 1
        return
    report.retried += 1
    report.failed += int(result.status == Status.FAILED)


def _check(transfer: Transfer, report: TransferReport) -> None:
    provider = get_provider(transfer.provider)
    reference, account_id = transfer.provider_reference, transfer.account_id
    db.session.rollback()
    try:
        result = provider.fetch_transfer(reference, account_id)
    except ProviderUnavailable:
        report.unreachable += 1
        return
    except NotSupported:
        return
    report.checked += 1
    if result is None:
        batches.flag_transfer(transfer.id, "the provider does not know this transfer")
        report.flagged += 1
    elif _compare(db.session.get(Transfer, transfer.id), result):
        report.flagged += 1


def _check_application_fees(since: datetime, report: TransferReport) -> None:
    """Direct gifts: the provider kept exactly our tip and fee as the application fee."""
    provider_name = current_app.config["PAYMENT_PROVIDER"]
    gifts = db.session.scalars(
        select(Contribution).where(
            Contribution.provider == provider_name,
            Contribution.destination_account.is_not(None),
            Contribution.paid_at >= since,
        )
    ).all()
    provider = get_provider(provider_name)
    for gift in gifts:
        expected = gift.tip_cents + gift.fee_cents
        ref = ProviderPaymentRef(
            gift.provider_payment_id, gift.provider_reference, connected_account(gift)
        )
        try:
            fee = provider.application_fee_cents(ref)
        except (ProviderUnavailable, ProviderRejected, NotSupported):
            continue
        report.fees_checked += 1
        if fee is not None and fee != expected:
            report.fee_mismatches += 1
            log.warning("gift %s: application fee %s, expected %s", gift.id, fee, expected)
