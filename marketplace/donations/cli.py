"""`flask --app wsgi payments reconcile`: the CLI twin of the scheduler's reconciliation job."""

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
