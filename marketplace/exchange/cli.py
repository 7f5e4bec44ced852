"""`flask --app wsgi exchange refresh`: rebuild quotes, indices and peer groups."""

import time

import click
from flask.cli import AppGroup

from marketplace.exchange import quotes

exchange_cli = AppGroup("exchange", help="The social stock exchange.")


@exchange_cli.command("refresh")
@click.option("--stale", is_flag=True, help="Only the quotes whose figures changed (the job).")
def refresh_command(stale: bool) -> None:
    """Rebuild every quote, index and peer group from the shared figures (or only stale ones)."""
    started = time.perf_counter()
    if stale:
        count = quotes.refresh_stale()
        click.echo(f"Rebuilt {count} stale quotes and their indices")
    else:
        count = quotes.refresh_all()
        click.echo(f"Rebuilt the quotes of {count} initiatives and all indices")
    click.echo(f"({time.perf_counter() - started:.1f} s)")
