"""CLI twins of the scheduled jobs: `scheduler`, `reports run|reminders`, `mail deliver|failed`."""

import click
from flask import current_app
from flask.cli import AppGroup

from marketplace.errors import DomainError

reports_cli = AppGroup("reports", help="Impact reports and outcome report reminders.")
mail_cli = AppGroup("mail", help="The mail outbox.")


@reports_cli.command("run")
@click.option("--period", default=None, help="2026-10 (a month) or 2026-Q4; default: last month.")
@click.option("--deliver/--no-deliver", default=True, help="Deliver queued mail afterwards.")
def run_reports_command(period: str | None, deliver: bool) -> None:
    """Build and queue the due reports once (safe to repeat)."""
    from marketplace.reporting.mailer import deliver_due_mail
    from marketplace.reporting.services import run_due_reports

    try:
        result = run_due_reports(period)
    except DomainError as error:
        raise click.ClickException(error.message) from error
    click.echo(
        f"Reports built: {result.built}, skipped: {result.skipped}, failed: {result.failed}, "
        f"mails queued: {result.mails}"
    )
    if deliver:
        sent = deliver_due_mail()
        click.echo(f"Mail sent: {sent.sent}, retrying: {sent.retried}, failed: {sent.failed}")


@reports_cli.command("reminders")
def reminders_command() -> None:
    """Remind initiatives whose outcome report is due or overdue."""
    from marketplace.reporting.services import send_reminders

    click.echo(f"Reminders queued: {send_reminders()}")


@mail_cli.command("deliver")
def deliver_command() -> None:
    """Deliver queued mail that is due."""
    from marketplace.reporting.mailer import deliver_due_mail

    result = deliver_due_mail()
    click.echo(f"Mail sent: {result.sent}, retrying: {result.retried}, failed: {result.failed}")


@click.command("scheduler")
def scheduler_command() -> None:
    """Run the scheduler process (reports, reminders, reconcile, outbox) in the foreground."""
    from marketplace.reporting.scheduler import create_scheduler

    app = current_app._get_current_object()
    scheduler = create_scheduler(app)
    for job in scheduler.get_jobs():
        click.echo(f"  {job.id}: {job.trigger}")
    click.echo("Scheduler running (Europe/Amsterdam); Ctrl-C stops it.")
    try:
        scheduler.start()
    except (KeyboardInterrupt, SystemExit):
        click.echo("Scheduler stopped.")


def register(app) -> None:
    app.cli.add_command(reports_cli)
    app.cli.add_command(mail_cli)
    app.cli.add_command(scheduler_command)
