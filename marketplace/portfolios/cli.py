"""CLI: `flask --app wsgi portfolios refresh-comparables`."""

import click
from flask.cli import AppGroup

from marketplace.exchange.peers import refresh_peer_groups
from marketplace.extensions import db

portfolios_cli = AppGroup("portfolios", help="Portfolios and their comparison groups.")


@portfolios_cli.command("refresh-comparables")
def refresh_comparables_command() -> None:
    """Rebuild the quartiles of social return per theme and size band (also done with quotes)."""
    groups = refresh_peer_groups()
    db.session.commit()
    click.echo(f"{groups} comparison groups rebuilt")
