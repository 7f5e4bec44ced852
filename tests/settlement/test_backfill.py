"""Paid gifts without a payout (paid before payouts existed, or written in bulk outside the status
path) get one, held by the platform, before anything is transferred."""

from datetime import timedelta

from marketplace.donations.models import Contribution, ContributionStatus
from marketplace.donations.simulator_state import SimulatorAccount
from marketplace.extensions import db
from marketplace.payouts import accounts, ledger
from marketplace.payouts.models import AccountStatus, SourceKind
from marketplace.settlement.backfill import record_missing_payouts
from marketplace.settlement.jobs import run_payouts
from marketplace.settlement.transfers import transfer_held
from marketplace.timeutil import utcnow


def old_gift(initiative, donor, cents):
    gift = Contribution(
        initiative_id=initiative.id, user_id=donor.id, amount_cents=cents,
        status=ContributionStatus.PAID, provider="simulator", paid_at=utcnow() - timedelta(days=90),
    )  # fmt: skip
    db.session.add(gift)
    db.session.commit()
    return gift


def test_the_job_records_payouts_for_gifts_that_had_none(initiative, donor):
    gift = old_gift(initiative, donor, 3000)
    assert ledger.find_payout(SourceKind.GIFT, gift.id) is None
    result = run_payouts()
    assert result.payouts_recorded == 1
    assert ledger.find_payout(SourceKind.GIFT, gift.id).held_cents == 3000
    assert record_missing_payouts() == 0  # once


def test_a_transfer_includes_gifts_that_had_no_payout_yet(initiative, donor):
    old_gift(initiative, donor, 1200)
    accounts.save_connection(initiative.id, "simulator", "simacct_backfill")
    account = accounts.account_for(initiative.id, "simulator")
    accounts.update_state(account.id, AccountStatus.ACTIVE)
    db.session.add(SimulatorAccount(id="simacct_backfill", initiative_id=initiative.id))
    db.session.commit()
    transfer = transfer_held(initiative.id)
    assert transfer.amount_cents == 1200 and transfer.status.value == "paid"
