"""CLI twins of the report jobs: `reports run` and `reports reminders`."""

import math

import click
from flask.cli import AppGroup

from marketplace.errors import DomainError
from marketplace.mail import deliver_due_mail
from marketplace.reporting.reminders import send_reminders
from marketplace.reporting.runs import run_due_reports

reports_cli = AppGroup("reports", help="Impact reports and outcome report reminders.")


@reports_cli.command("run")
@click.option("--period", default=None, help="2026-10 (a month) or 2026-Q4; default: last month.")
@click.option("--deliver/--no-deliver", default=True, help="Deliver queued mail afterwards.")
def run_reports_command(period: str | None, deliver: bool) -> None:
    """Build and queue the due reports once (safe to repeat)."""
    try:
        result = run_due_reports(period)
    except DomainError as error:
        raise click.ClickException(error.message) from error
    click.echo(
        f"Reports built: {result.built}, skipped: {result.skipped}, failed: {result.failed}, "
        f"mails queued: {result.mails}"
    )
    if deliver:
        sent = deliver_due_mail(seconds=math.inf)
        click.echo(f"Mail sent: {sent.sent}, retrying: {sent.retried}, failed: {sent.failed}")


@reports_cli.command("reminders")
def reminders_command() -> None:
    """Remind initiatives whose outcome report is due or overdue."""
    click.echo(f"Reminders queued: {send_reminders()}")
