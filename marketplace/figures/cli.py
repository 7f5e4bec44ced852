"""`flask --app wsgi figures refresh [--stale]`: rebuild the shared figures from the sources."""

import time

import click
from flask.cli import AppGroup

from marketplace.figures import refresh

figures_cli = AppGroup("figures", help="The shared monthly figures and running totals.")


@figures_cli.command("refresh")
@click.option("--stale", is_flag=True, help="Only initiatives whose update failed (the job).")
def refresh_command(stale: bool) -> None:
    """Rebuild every initiative's figures and funder series (or only those marked stale)."""
    started = time.perf_counter()
    if stale:
        count = refresh.refresh_stale()
        click.echo(f"Rebuilt the figures of {count} stale initiatives")
    else:
        count = refresh.refresh_all()
        click.echo(f"Rebuilt the figures of {count} initiatives")
    click.echo(f"({time.perf_counter() - started:.1f} s)")
