"""`flask --app wsgi mail deliver`: the CLI twin of the `mail-outbox` job."""

import math

import click
from flask.cli import AppGroup

from marketplace.mail.outbox import deliver_due_mail

mail_cli = AppGroup("mail", help="The mail outbox.")


@mail_cli.command("deliver")
def deliver_command() -> None:
    """Deliver all queued mail that is due (until the mail server cannot be reached)."""
    result = deliver_due_mail(seconds=math.inf)
    click.echo(f"Mail sent: {result.sent}, retrying: {result.retried}, failed: {result.failed}")
