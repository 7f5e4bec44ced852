"""CLI: `flask --app wsgi portfolios refresh-comparables`."""

import click
from flask.cli import AppGroup

from marketplace.portfolios import services

portfolios_cli = AppGroup("portfolios", help="Portfolios and their comparison groups.")


@portfolios_cli.command("refresh-comparables")
def refresh_comparables_command() -> None:
    """Rebuild the quartiles of social return per theme and size band."""
    groups = services.refresh_comparables()
    click.echo(f"{groups} comparison groups rebuilt")
