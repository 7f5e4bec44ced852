"""`flask --app wsgi payments ...`: reconciliation (the scheduler job's CLI twin), the ledger audit
and the webhook worker."""

import signal

import click
from flask.cli import AppGroup

payments_cli = AppGroup("payments", help="Payments: reconciliation and the ledger audit.")


@payments_cli.command("reconcile")
def reconcile_command() -> None:
    """Ask the provider about every gift still open/pending after its expiry, and apply it."""
    from marketplace.donations.reconcile import extra_steps, reconcile_payments

    report = reconcile_payments()
    click.echo(
        f"checked {report.checked}, changed {report.changed}, unreachable {report.unreachable}, "
        f"expired without payment {report.expired_unstarted}, monthly activated "
        f"{report.activated}, receipts sent {report.receipts}"
    )
    unreachable = report.unreachable
    for name, step in extra_steps():  # e.g. the transfers to initiatives, checked with the provider
        result = step()
        click.echo(f"{name}: {result}")
        unreachable += getattr(result, "unreachable", 0)
    if unreachable:
        raise SystemExit(1)


@payments_cli.command("audit")
def audit_command() -> None:
    """Check paid − refunded − charged back = the sum of the ledger rows, for every gift."""
    from marketplace.donations.audit import count_gifts, ledger_violations

    found = 0
    for violation in ledger_violations():
        found += 1
        click.echo(violation.describe())
    click.echo(f"checked {count_gifts()} gifts, {found} violating the money invariant")
    if found:
        raise SystemExit(1)


@payments_cli.command("webhook-worker")
@click.option("--once", is_flag=True, help="Apply what is due now, then stop.")
@click.option("--batch", default=20, show_default=True, help="Rows claimed at a time.")
def webhook_worker_command(once: bool, batch: int) -> None:
    """Apply the webhooks stored in the inbox (WEBHOOKS_QUEUED); run as many as needed.

    Runs until stopped; SIGTERM or Ctrl-C lets the rows it has claimed finish first."""
    from marketplace.donations.inbox import waiting, work

    stopping = []
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, lambda *_args: stopping.append(True))
    result = work(batch, once=once, stop=lambda: bool(stopping))
    click.echo(f"applied {result.applied}, postponed {result.postponed}, waiting {waiting()}")
