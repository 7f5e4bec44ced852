"""`flask --app wsgi tasks ...`: the CLI twin of the scheduler's task reminders."""

import click
from flask.cli import AppGroup

from marketplace.volunteering.reminders import send_task_reminders

tasks_cli = AppGroup("tasks", help="Tasks of initiatives and volunteer hours.")


@tasks_cli.command("remind")
def remind_command() -> None:
    """Mail everyone signed up for a task that starts tomorrow (once per sign-up)."""
    click.echo(f"{send_task_reminders()} sign-ups reminded")
