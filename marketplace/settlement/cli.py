"""`flask --app wsgi payouts ...`: the CLI twins of the payouts job."""

import click
from flask.cli import AppGroup

from marketplace.settlement.jobs import run_payouts

payouts_cli = AppGroup("payouts", help="Payouts to initiatives: transfers and onboarding.")


@payouts_cli.command("transfer")
def transfer_command() -> None:
    """Record missing payouts, follow onboarding, transfer held money, check transfers."""
    result = run_payouts()
    click.echo(str(result))
    if result.transfers.unreachable:
        raise SystemExit(1)
