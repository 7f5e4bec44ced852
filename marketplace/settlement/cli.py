"""`flask --app wsgi payouts ...`: the CLI twins of the payouts job."""

import click
from flask.cli import AppGroup

from marketplace.settlement.jobs import run_payouts

payouts_cli = AppGroup("payouts", help="Payouts to initiatives: transfers and onboarding.")


@payouts_cli.command("transfer")
def transfer_command() -> None:
    """Refresh onboarding accounts, transfer held money, check transfers with the provider."""
    result = run_payouts()
    click.echo(f"accounts changed {result.accounts_changed}, {result.transfers}")
    if result.transfers.unreachable:
        raise SystemExit(1)
