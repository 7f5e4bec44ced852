"""The payouts job (`payouts-transfer` in `marketplace/jobs.py`; CLI `payouts transfer`)."""

from dataclasses import dataclass

from marketplace.settlement.onboarding import refresh_pending_accounts
from marketplace.settlement.transfers import TransferReport, reconcile_transfers


@dataclass
class PayoutRun:
    accounts_changed: int
    transfers: TransferReport

    def __str__(self) -> str:
        return f"accounts changed {self.accounts_changed}, {self.transfers}"


def run_payouts() -> PayoutRun:
    """Ask about accounts still onboarding, then transfer and check (see `reconcile_transfers`)."""
    changed = refresh_pending_accounts()
    return PayoutRun(changed, reconcile_transfers())
