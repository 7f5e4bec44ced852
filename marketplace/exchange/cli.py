"""`flask --app wsgi exchange refresh`: rebuild monthly figures, quotes and indices."""

import time

import click
from flask.cli import AppGroup

exchange_cli = AppGroup("exchange", help="The social stock exchange.")


@exchange_cli.command("refresh")
@click.option("--stale", is_flag=True, help="Only rebuild indices marked stale (scheduled job).")
def refresh_command(stale: bool) -> None:
    """Rebuild every initiative's monthly figures and quote, and every index."""
    from marketplace.exchange import services

    started = time.perf_counter()
    if stale:
        names = services.refresh_indices(stale_only=True)
        click.echo(f"Rebuilt {len(names)} stale indices: {', '.join(names) or '-'}")
    else:
        count = services.refresh_all()
        click.echo(f"Refreshed figures of {count} initiatives and all indices")
    click.echo(f"({time.perf_counter() - started:.1f} s)")
