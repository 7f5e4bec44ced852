"""Demo accounts: made as `users create` makes them, with the published demo log-ins."""

from marketplace.accounts.models import Role, User
from marketplace.accounts.services import create_user, find_user_by_email
from marketplace.reporting.preferences import update_preference

DEMO_PASSWORD = "impactbeurs-demo"  # noqa: S105 (published demo log-in)

DEMO_ACCOUNTS = [
    # (e-mail, name, role, what they are): the table in README.md's "Demo log-ins"
    ("admin@impactbeurs.test", "Anouk de Beheerder", "admin", "admin"),
    ("verifier@impactbeurs.test", "Vincent Verificateur", "verifier", "verifier"),
    ("donor@impactbeurs.test", "Daan de Gever", "user", "donor"),
    ("fonds@impactbeurs.test", "Fatima El Fonds", "user", "foundation staff"),
    ("initiatief@impactbeurs.test", "Ingrid Initiatiefnemer", "user", "initiative owner"),
]


def seed_accounts() -> dict[str, User]:
    """The demo accounts by what they are ("donor", ...); existing ones are left as they are."""
    users = {}
    for email, name, role, kind in DEMO_ACCOUNTS:
        user = find_user_by_email(email)
        if user is None:
            user = create_user(email, DEMO_PASSWORD, name, Role(role), confirmed=True)
            if kind == "initiative owner":
                # She runs all 24 demo initiatives and has switched their monthly reports off
                # (at /impact-reports/preferences): 24 PDFs a month would be most of the load.
                update_preference(user, "off", reminders=True)
        users[kind] = user
    return users
