"""`flask --app wsgi metrics ...`: seed and update the metric catalog from the shipped CSV."""

from pathlib import Path

import click
from flask.cli import AppGroup

from marketplace.errors import DomainError
from marketplace.impact.catalog import CATALOG_CSV, import_catalog
from marketplace.impact.parsing import ParseError, parse_date

metrics_cli = AppGroup("metrics", help="The metric catalog and its financial proxies.")


@metrics_cli.command("import")
@click.option(
    "--csv",
    "csv_path",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    default=None,
    help=f"Catalog CSV (default: the shipped {CATALOG_CSV.name}).",
)
@click.option("--valid-from", default=None, help="Date new proxy versions apply from (YYYY-MM-DD).")
def import_command(csv_path: Path | None, valid_from: str | None) -> None:
    """Create missing metrics and add a proxy version where the CSV differs (idempotent)."""
    try:
        day = parse_date(valid_from) if valid_from else None
        counts = import_catalog(csv_path, valid_from=day)
    except (DomainError, ParseError) as error:
        message = getattr(error, "message", str(error))
        raise click.ClickException(f"{message} {getattr(error, 'errors', '') or ''}") from error
    click.echo(
        "Metrics: {created} created, {updated} updated ({proxies} new proxy versions), "
        "{unchanged} unchanged.".format(**counts)
    )
