"""The payouts job (`payouts-transfer` in `marketplace/jobs.py`; CLI `payouts transfer`)."""

from dataclasses import dataclass

from marketplace.settlement.backfill import record_missing_payouts
from marketplace.settlement.onboarding import refresh_pending_accounts
from marketplace.settlement.transfers import TransferReport, reconcile_transfers


@dataclass
class PayoutRun:
    payouts_recorded: int
    accounts_changed: int
    transfers: TransferReport

    def __str__(self) -> str:
        return (
            f"payouts recorded {self.payouts_recorded}, accounts changed "
            f"{self.accounts_changed}, {self.transfers}"
        )


def run_payouts() -> PayoutRun:
    """Record payouts for paid gifts without one, ask about accounts still onboarding, then
    transfer and check (see `reconcile_transfers`)."""
    recorded = record_missing_payouts()
    changed = refresh_pending_accounts()
    return PayoutRun(recorded, changed, reconcile_transfers())
