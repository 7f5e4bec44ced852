"""Command-line interface: `flask --app wsgi users ...`, `demo`, and the domains' commands."""

import click
from flask import Flask
from flask.cli import AppGroup

from marketplace.accounts import services as account_services
from marketplace.accounts.models import Role
from marketplace.community.cli import community_cli
from marketplace.donations.cli import payments_cli
from marketplace.errors import DomainError
from marketplace.exchange.cli import exchange_cli
from marketplace.figures.cli import figures_cli
from marketplace.impact.cli import metrics_cli
from marketplace.investments.cli import offers_cli
from marketplace.jobs import scheduler_command
from marketplace.mail.cli import mail_cli
from marketplace.portfolios.cli import portfolios_cli
from marketplace.privacy.cli import privacy_cli
from marketplace.reporting.cli import reports_cli
from marketplace.settlement.cli import payouts_cli
from marketplace.volunteering.cli import tasks_cli

users_cli = AppGroup("users", help="Manage accounts.")


@users_cli.command("create")
@click.argument("email")
@click.option("--password", required=True, help="The new account's password.")
@click.option("--name", default="", help="Display name (defaults to the e-mail's local part).")
@click.option("--role", type=click.Choice([r.value for r in Role]), default=Role.USER.value)
def create_user_command(email: str, password: str, name: str, role: str) -> None:
    """Create an account, its address already confirmed (an admin vouches for it)."""
    try:
        user = account_services.create_user(email, password, name, Role(role), confirmed=True)
    except DomainError as error:
        raise click.ClickException(f"{error.message} {error.errors or ''}".strip()) from error
    click.echo(f"Created {user.email} (id {user.id}, role {user.role.value})")


@users_cli.command("token")
@click.argument("email")
@click.option("--label", default="cli", help="A label to recognise the token by.")
def create_token_command(email: str, label: str) -> None:
    """Create a personal API token; the token alone is printed on the last line."""
    user = account_services.find_user_by_email(email)
    if user is None:
        raise click.ClickException(f"No account with e-mail {email}")
    _token, plaintext = account_services.create_api_token(user, label)
    click.echo(f"Token for {user.email} ({label}); it is shown only once:")
    click.echo(plaintext)


@click.command("demo")
@click.option("--if-empty", is_flag=True, help="Only load when the database has no initiatives.")
def demo_command(if_empty: bool) -> None:
    """Load the demo data (idempotent) and print the demo log-ins."""
    from marketplace.demo.accounts import DEMO_ACCOUNTS, DEMO_PASSWORD
    from marketplace.demo.load import database_is_empty, load_demo

    if if_empty and not database_is_empty():
        click.echo("Database already has data; demo not loaded.")
    else:
        try:
            result = load_demo()
        except DomainError as error:
            raise click.ClickException(error.message) from error
        click.echo(
            f"Demo data ready: {len(result.initiatives)} initiatives; this run made "
            f"{result.gifts} gifts, {result.outcome_reports} outcome reports and "
            f"{result.impact_reports} impact reports."
        )
    click.echo(f"Demo log-ins (password for all: {DEMO_PASSWORD}):")
    for email, _name, _role, kind in DEMO_ACCOUNTS:
        click.echo(f"  {kind:<18} {email}")


def register_cli(app: Flask) -> None:
    app.cli.add_command(users_cli)
    app.cli.add_command(demo_command)
    app.cli.add_command(metrics_cli)
    app.cli.add_command(payments_cli)
    app.cli.add_command(portfolios_cli)
    app.cli.add_command(figures_cli)
    app.cli.add_command(exchange_cli)
    app.cli.add_command(reports_cli)
    app.cli.add_command(mail_cli)
    app.cli.add_command(payouts_cli)
    app.cli.add_command(privacy_cli)
    app.cli.add_command(offers_cli)
    app.cli.add_command(tasks_cli)
    app.cli.add_command(community_cli)
    app.cli.add_command(scheduler_command)
