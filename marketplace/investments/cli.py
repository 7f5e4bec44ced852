"""`flask --app wsgi offers ...`: the CLI twins of the scheduler's investment jobs."""

import click
from flask.cli import AppGroup

from marketplace.investments.closing import close_due_offers
from marketplace.investments.repayments import flag_late_instalments

offers_cli = AppGroup("offers", help="Investment offers: closing, late instalments.")


@offers_cli.command("close")
def close_command() -> None:
    """Close the offers whose closing time has passed (funded: payout; failed: refunds), and
    finish refunds an earlier run left owed."""
    report = close_due_offers()
    click.echo(
        f"payments checked {report.checked}, funded {len(report.funded)}, "
        f"failed {len(report.failed)}, refunds made {report.refunds}, "
        f"refunds waiting {report.refunds_waiting}"
    )
    if report.refunds_waiting:
        raise SystemExit(1)


@offers_cli.command("late")
@click.option("--grace-days", type=int, default=None, help="Days after the due date (default:"
              " INVESTMENT_LATE_GRACE_DAYS).")  # fmt: skip
def late_command(grace_days: int | None) -> None:
    """Flag offers with an instalment open past its due date and remind their owners."""
    count = flag_late_instalments(grace_days)
    click.echo(f"late offers: {count}")
