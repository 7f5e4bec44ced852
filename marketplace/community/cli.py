"""`flask --app wsgi community digest`: the CLI twin of the `community-digest` job."""

import click
from flask.cli import AppGroup

from marketplace.community.digest import send_digests

community_cli = AppGroup("community", help="Following, updates and the feed.")


@community_cli.command("digest")
def digest_command() -> None:
    """Queue the due digests (once per person and period; `mail deliver` sends them)."""
    click.echo(f"Digests queued: {send_digests()}")
