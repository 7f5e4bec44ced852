"""`flask --app wsgi privacy ...`: the purge job's CLI twin, and requests carried out by hand."""

from pathlib import Path

import click
from flask.cli import AppGroup

from marketplace.accounts.services import find_user_by_email
from marketplace.privacy.export import export_person
from marketplace.privacy.purge import purge_expired_data

privacy_cli = AppGroup("privacy", help="Privacy (AVG/GDPR): retention purge, exports.")


@privacy_cli.command("purge")
def purge_command() -> None:
    """Delete what has been kept long enough (the retention periods in the settings)."""
    click.echo(f"purged: {purge_expired_data()}")


@privacy_cli.command("export")
@click.argument("email")
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), required=True)
def export_command(email: str, out: Path) -> None:
    """Write a person's data export (zip) to a file, for a request made outside the site."""
    user = find_user_by_email(email)
    if user is None or user.erased_at is not None:
        raise click.ClickException(f"No account with e-mail {email}")
    _filename, archive = export_person(user, None, via="cli")
    out.write_bytes(archive)
    click.echo(f"Wrote {out}")
